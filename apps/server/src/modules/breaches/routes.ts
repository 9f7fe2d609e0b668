import {
  getBreach as getEndpoint,
  listBreaches as listEndpoint,
  recordBreach as recordEndpoint,
  updateBreach as updateEndpoint,
} from '@custodian/contracts';
import type { FastifyInstance } from 'fastify';
import type { KeyRing } from '../../platform/crypto/keys.js';
import type { Db } from '../../platform/db/database.js';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import { findBreaches, getBreach, recordBreach, updateBreach } from './breaches.js';

export function breachRoutes(app: FastifyInstance, deps: { db: Db; keys: KeyRing; timeZone: string }): void {
  registerEndpoint(app, listEndpoint, ({ ctx }) => findBreaches({ ...deps, ctx }));
  registerEndpoint(app, getEndpoint, ({ ctx, params }) => getBreach({ ...deps, ctx, id: params.id }));
  registerEndpoint(app, recordEndpoint, ({ ctx, body }) => recordBreach({ ...deps, ctx, input: body }));
  registerEndpoint(app, updateEndpoint, ({ ctx, params, body }) =>
    updateBreach({ ...deps, ctx, id: params.id, input: body }),
  );
}
