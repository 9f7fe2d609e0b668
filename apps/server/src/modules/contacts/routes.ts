import {
  createContact as createEndpoint,
  deleteContact as deleteEndpoint,
  getContact as getEndpoint,
  listContacts,
  updateContact as updateEndpoint,
} from '@custodian/contracts';
import type { FastifyInstance } from 'fastify';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import { createContact } from './create-contact.js';
import { deleteContact } from './delete-contact.js';
import type { ContactDeps } from './deps.js';
import { findContacts } from './find-contacts.js';
import { getContact } from './get-contact.js';
import { updateContact } from './update-contact.js';

export function contactRoutes(app: FastifyInstance, deps: ContactDeps): void {
  registerEndpoint(app, listContacts, ({ ctx, query }) => findContacts({ ...deps, ctx, query }));
  registerEndpoint(app, getEndpoint, ({ ctx, params }) => getContact({ ...deps, ctx, id: params.id }));
  registerEndpoint(app, createEndpoint, ({ ctx, body }) => createContact({ ...deps, ctx, input: body }));
  registerEndpoint(app, updateEndpoint, ({ ctx, params, body }) =>
    updateContact({ ...deps, ctx, id: params.id, input: body }),
  );
  registerEndpoint(app, deleteEndpoint, async ({ ctx, params }) => {
    await deleteContact({ ...deps, ctx, id: params.id });
    return null;
  });
}
