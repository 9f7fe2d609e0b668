import {
  getPurpose as getEndpoint,
  listPurposes,
  updatePurpose as updateEndpoint,
} from '@custodian/contracts';
import type { FastifyInstance } from 'fastify';
import type { KeyRing } from '../../platform/crypto/keys.js';
import type { Db } from '../../platform/db/database.js';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import { findPurposes, getPurpose, type PurposeChanged, updatePurpose } from './purposes.js';

export function purposeRoutes(
  app: FastifyInstance,
  deps: { db: Db; keys: KeyRing; onChanged?: PurposeChanged },
): void {
  registerEndpoint(app, listPurposes, ({ ctx }) => findPurposes({ ...deps, ctx }));
  registerEndpoint(app, getEndpoint, ({ ctx, params }) => getPurpose({ ...deps, ctx, key: params.key }));
  registerEndpoint(app, updateEndpoint, ({ ctx, params, body }) =>
    updatePurpose({ ...deps, ctx, key: params.key, input: body }),
  );
}
