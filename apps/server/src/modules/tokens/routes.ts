import { createToken, listTokens, revokeToken } from '@custodian/contracts';
import type { FastifyInstance } from 'fastify';
import type { KeyRing } from '../../platform/crypto/keys.js';
import type { Db } from '../../platform/db/database.js';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import { createApiToken } from './create-api-token.js';
import { findApiTokens } from './find-api-tokens.js';
import { revokeApiToken } from './revoke-api-token.js';

export function tokenRoutes(app: FastifyInstance, deps: { db: Db; keys: KeyRing }): void {
  registerEndpoint(app, listTokens, async ({ ctx, query }) => ({
    items: await findApiTokens({ db: deps.db, ctx, all: query.all }),
  }));
  registerEndpoint(app, createToken, ({ ctx, body }) => createApiToken({ ...deps, ctx, input: body }));
  registerEndpoint(app, revokeToken, async ({ ctx, params }) => {
    await revokeApiToken({ ...deps, ctx, id: params.id });
    return null;
  });
}
