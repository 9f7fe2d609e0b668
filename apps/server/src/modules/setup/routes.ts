import { completeSetup as completeEndpoint, setupStatus } from '@custodian/contracts';
import type { FastifyInstance } from 'fastify';
import type { KeyRing } from '../../platform/crypto/keys.js';
import type { Db } from '../../platform/db/database.js';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import { completeSetup, isSetupRequired } from './setup.js';

export function setupRoutes(app: FastifyInstance, deps: { db: Db; keys: KeyRing }): void {
  registerEndpoint(app, setupStatus, async () => ({ required: await isSetupRequired(deps.db) }));
  registerEndpoint(app, completeEndpoint, ({ ctx, body }) => completeSetup({ ...deps, ctx, input: body }), {
    rateLimit: { max: 10, timeWindow: 60_000 },
  });
}
