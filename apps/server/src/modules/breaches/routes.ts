import {
  assessBreachImpact as assessEndpoint,
  getBreachDrafts as draftsEndpoint,
  getBreach as getEndpoint,
  listBreaches as listEndpoint,
  notifyBreachPeople as notifyEndpoint,
  recordBreach as recordEndpoint,
  updateBreach as updateEndpoint,
} from '@custodian/contracts';
import type { FastifyInstance } from 'fastify';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import { findBreaches, getBreach, recordBreach, updateBreach } from './breaches.js';
import { assessBreachImpact, getBreachDrafts, type NoticeDeps, notifyBreachPeople } from './notices.js';

export function breachRoutes(
  app: FastifyInstance,
  deps: NoticeDeps & { enqueueNotices: (breachId: string) => Promise<void> },
): void {
  registerEndpoint(app, listEndpoint, ({ ctx }) => findBreaches({ ...deps, ctx }));
  registerEndpoint(app, getEndpoint, ({ ctx, params }) => getBreach({ ...deps, ctx, id: params.id }));
  registerEndpoint(app, recordEndpoint, ({ ctx, body }) => recordBreach({ ...deps, ctx, input: body }));
  registerEndpoint(app, updateEndpoint, ({ ctx, params, body }) =>
    updateBreach({ ...deps, ctx, id: params.id, input: body }),
  );
  registerEndpoint(app, assessEndpoint, ({ ctx, params, body }) =>
    assessBreachImpact({ ...deps, ctx, id: params.id, input: body }),
  );
  registerEndpoint(app, draftsEndpoint, ({ ctx, params }) =>
    getBreachDrafts({ ...deps, ctx, id: params.id }),
  );
  registerEndpoint(app, notifyEndpoint, ({ ctx, params, body }) =>
    notifyBreachPeople({ ...deps, ctx, id: params.id, input: body, enqueue: deps.enqueueNotices }),
  );
}
