import {
  createContact as createEndpoint,
  deleteContact as deleteEndpoint,
  exportCsv,
  findDuplicateContacts as findDuplicatesEndpoint,
  getContact as getEndpoint,
  listContacts,
  mergeContacts as mergeEndpoint,
  updateContact as updateEndpoint,
} from '@custodian/contracts';
import type { FastifyInstance } from 'fastify';
import type { ProcessingGuard } from '../../platform/guard.js';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import { deleteContact } from '../../workflows/delete-contact.js';
import { mergeContacts } from '../../workflows/merge-contacts.js';
import { createContact } from './create-contact.js';
import type { ContactDeps } from './deps.js';
import { exportContacts } from './export-contacts.js';
import { findContacts } from './find-contacts.js';
import { findDuplicateContacts } from './find-duplicate-contacts.js';
import { getContact } from './get-contact.js';
import { updateContact } from './update-contact.js';

export function contactRoutes(app: FastifyInstance, deps: ContactDeps & { guard: ProcessingGuard }): void {
  registerEndpoint(app, listContacts, ({ ctx, query }) => findContacts({ ...deps, ctx, query }));
  // Before /contacts/:id, though the router would prefer the static segment anyway.
  registerEndpoint(app, findDuplicatesEndpoint, ({ ctx, query }) =>
    findDuplicateContacts({ ...deps, ctx, query }),
  );
  registerEndpoint(app, getEndpoint, ({ ctx, params }) => getContact({ ...deps, ctx, id: params.id }));
  registerEndpoint(app, createEndpoint, ({ ctx, body }) => createContact({ ...deps, ctx, input: body }));
  registerEndpoint(app, updateEndpoint, ({ ctx, params, body }) =>
    updateContact({ ...deps, ctx, id: params.id, input: body }),
  );
  registerEndpoint(app, mergeEndpoint, ({ ctx, params, body }) =>
    mergeContacts({ ...deps, ctx, id: params.id, input: body }),
  );
  registerEndpoint(app, deleteEndpoint, async ({ ctx, params }) => {
    await deleteContact({ ...deps, ctx, id: params.id });
    return null;
  });
  // Only contacts can be exported so far; companies and deals will need a dispatch on `entity`.
  registerEndpoint(
    app,
    exportCsv,
    async ({ ctx, query: { entity: _entity, ...filters }, reply }) => {
      const csv = await exportContacts({ ...deps, ctx, filters });
      const day = new Date().toISOString().slice(0, 10);
      reply.header('content-disposition', `attachment; filename="contacts-${day}.csv"`);
      return csv;
    },
    { stream: 'text/csv; charset=utf-8' },
  );
}
