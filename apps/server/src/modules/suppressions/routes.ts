import {
  addSuppressions as addEndpoint,
  checkSuppressions as checkEndpoint,
  liftSuppression as liftEndpoint,
  listSuppressions as listEndpoint,
} from '@custodian/contracts';
import type { FastifyInstance } from 'fastify';
import type { BlindIndexer } from '../../platform/crypto/blind-index.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import type { Db } from '../../platform/db/database.js';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import { addSuppressions, checkSuppressions, liftSuppression, listSuppressions } from './suppressions.js';

export function suppressionRoutes(
  app: FastifyInstance,
  deps: { db: Db; keys: KeyRing; indexer: BlindIndexer },
): void {
  registerEndpoint(app, addEndpoint, ({ ctx, body }) => addSuppressions({ ...deps, ctx, input: body }));
  registerEndpoint(app, listEndpoint, ({ ctx }) => listSuppressions({ ...deps, ctx }));
  registerEndpoint(app, checkEndpoint, ({ ctx, body }) => checkSuppressions({ ...deps, ctx, input: body }));
  registerEndpoint(app, liftEndpoint, async ({ ctx, params }) => {
    await liftSuppression({ ...deps, ctx, id: params.id });
    return null;
  });
}
