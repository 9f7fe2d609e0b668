import {
  createDeal as createDealEndpoint,
  createPipeline as createPipelineEndpoint,
  deleteDeal as deleteDealEndpoint,
  getDeal as getDealEndpoint,
  listDeals,
  listPipelines,
  updateDeal as updateDealEndpoint,
  updatePipeline,
} from '@custodian/contracts';
import type { FastifyInstance } from 'fastify';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import type { ContactDeps } from '../contacts/index.js';
import { createDeal, deleteDeal, findDeals, getDeal, updateDeal } from './deals.js';
import { createPipeline, findPipelines, replacePipeline } from './pipelines.js';

export function dealRoutes(app: FastifyInstance, deps: ContactDeps): void {
  registerEndpoint(app, listPipelines, ({ ctx }) => findPipelines({ ...deps, ctx }));
  registerEndpoint(app, createPipelineEndpoint, ({ ctx, body }) =>
    createPipeline({ ...deps, ctx, input: body }),
  );
  registerEndpoint(app, updatePipeline, ({ ctx, params, body }) =>
    replacePipeline({ ...deps, ctx, id: params.id, input: body }),
  );
  registerEndpoint(app, listDeals, ({ ctx, query }) => findDeals({ ...deps, ctx, query }));
  registerEndpoint(app, getDealEndpoint, ({ ctx, params }) => getDeal({ ...deps, ctx, id: params.id }));
  registerEndpoint(app, createDealEndpoint, ({ ctx, body }) => createDeal({ ...deps, ctx, input: body }));
  registerEndpoint(app, updateDealEndpoint, ({ ctx, params, body }) =>
    updateDeal({ ...deps, ctx, id: params.id, input: body }),
  );
  registerEndpoint(app, deleteDealEndpoint, async ({ ctx, params }) => {
    await deleteDeal({ ...deps, ctx, id: params.id });
    return null;
  });
}
