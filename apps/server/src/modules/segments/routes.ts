import {
  createSegment as createEndpoint,
  deleteSegment as deleteEndpoint,
  getSegment as getEndpoint,
  listSegments as listEndpoint,
  previewSegment as previewEndpoint,
  updateSegment as updateEndpoint,
} from '@custodian/contracts';
import type { FastifyInstance } from 'fastify';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import type { ContactDeps } from '../contacts/index.js';
import {
  createSegment,
  deleteSegment,
  findSegments,
  getSegment,
  previewSegment,
  updateSegment,
} from './segments.js';

export function segmentRoutes(app: FastifyInstance, deps: ContactDeps): void {
  registerEndpoint(app, listEndpoint, ({ ctx }) => findSegments({ ...deps, ctx }));
  registerEndpoint(app, previewEndpoint, ({ ctx, body }) =>
    previewSegment({ ...deps, ctx, filter: body.filter, limit: body.limit }),
  );
  registerEndpoint(app, getEndpoint, ({ ctx, params }) => getSegment({ ...deps, ctx, id: params.id }));
  registerEndpoint(app, createEndpoint, ({ ctx, body }) => createSegment({ ...deps, ctx, input: body }));
  registerEndpoint(app, updateEndpoint, ({ ctx, params, body }) =>
    updateSegment({ ...deps, ctx, id: params.id, input: body }),
  );
  registerEndpoint(app, deleteEndpoint, ({ ctx, params }) => deleteSegment({ ...deps, ctx, id: params.id }));
}
