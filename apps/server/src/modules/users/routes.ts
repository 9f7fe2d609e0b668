import {
  createUser as createEndpoint,
  deleteUser,
  getUser as getEndpoint,
  listUsers,
  updateUser as updateEndpoint,
} from '@custodian/contracts';
import type { FastifyInstance } from 'fastify';
import type { KeyRing } from '../../platform/crypto/keys.js';
import type { Db } from '../../platform/db/database.js';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import { updateUser } from '../../workflows/update-user.js';
import { createUser } from './create-user.js';
import { findUsers } from './find-users.js';
import { getUser } from './get-user.js';

export function userRoutes(app: FastifyInstance, deps: { db: Db; keys: KeyRing }): void {
  registerEndpoint(app, listUsers, ({ ctx, query }) => findUsers({ ...deps, ctx, filters: query }));
  registerEndpoint(app, getEndpoint, ({ ctx, params }) => getUser({ ...deps, ctx, id: params.id }));
  registerEndpoint(app, createEndpoint, ({ ctx, body }) => createUser({ ...deps, ctx, input: body }));
  registerEndpoint(app, updateEndpoint, ({ ctx, params, body }) =>
    updateUser({ ...deps, ctx, id: params.id, input: body }),
  );
  registerEndpoint(app, deleteUser, async ({ ctx, params }) => {
    await updateUser({ ...deps, ctx, id: params.id, input: { status: 'disabled' } });
    return null;
  });
}
