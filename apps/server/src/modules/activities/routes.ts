import {
  contactTimeline,
  createActivity as createEndpoint,
  deleteActivity as deleteEndpoint,
  getActivity as getEndpoint,
  listActivities,
  updateActivity as updateEndpoint,
} from '@custodian/contracts';
import type { FastifyInstance } from 'fastify';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import type { ContactDeps } from '../contacts/index.js';
import { createActivity, deleteActivity, findActivities, getActivity, updateActivity } from './activities.js';

export function activityRoutes(app: FastifyInstance, deps: ContactDeps): void {
  registerEndpoint(app, listActivities, ({ ctx, query }) => findActivities({ ...deps, ctx, query }));
  registerEndpoint(app, contactTimeline, ({ ctx, params, query }) =>
    findActivities({ ...deps, ctx, query, timelineOf: params.id }),
  );
  registerEndpoint(app, getEndpoint, ({ ctx, params }) => getActivity({ ...deps, ctx, id: params.id }));
  registerEndpoint(app, createEndpoint, ({ ctx, body }) => createActivity({ ...deps, ctx, input: body }));
  registerEndpoint(app, updateEndpoint, ({ ctx, params, body }) =>
    updateActivity({ ...deps, ctx, id: params.id, input: body }),
  );
  registerEndpoint(app, deleteEndpoint, async ({ ctx, params }) => {
    await deleteActivity({ ...deps, ctx, id: params.id });
    return null;
  });
}
