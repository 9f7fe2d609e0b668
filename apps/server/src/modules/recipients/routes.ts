import {
  createRecipient as createEndpoint,
  deleteRecipient as deleteEndpoint,
  getRecipient as getEndpoint,
  listRecipients as listEndpoint,
  updateRecipient as updateEndpoint,
} from '@custodian/contracts';
import type { FastifyInstance } from 'fastify';
import type { KeyRing } from '../../platform/crypto/keys.js';
import type { Db } from '../../platform/db/database.js';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import type { SubjectKeyStore } from '../subjects/index.js';
import {
  createRecipient,
  deleteRecipient,
  findRecipients,
  getRecipient,
  updateRecipient,
} from './recipients.js';

export function recipientRoutes(
  app: FastifyInstance,
  deps: { db: Db; keys: KeyRing; subjects: SubjectKeyStore },
): void {
  registerEndpoint(app, listEndpoint, ({ ctx }) => findRecipients({ ...deps, ctx }));
  registerEndpoint(app, getEndpoint, ({ ctx, params }) => getRecipient({ ...deps, ctx, id: params.id }));
  registerEndpoint(app, createEndpoint, ({ ctx, body }) => createRecipient({ ...deps, ctx, input: body }));
  registerEndpoint(app, updateEndpoint, ({ ctx, params, body }) =>
    updateRecipient({ ...deps, ctx, id: params.id, input: body }),
  );
  registerEndpoint(app, deleteEndpoint, ({ ctx, params }) =>
    deleteRecipient({ ...deps, ctx, id: params.id }),
  );
}
