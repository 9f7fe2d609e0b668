import {
  createCompany as createEndpoint,
  deleteCompany as deleteEndpoint,
  getCompany as getEndpoint,
  listCompanies,
  updateCompany as updateEndpoint,
} from '@custodian/contracts';
import type { FastifyInstance } from 'fastify';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import type { ContactDeps } from '../contacts/index.js';
import { createCompany, deleteCompany, findCompanies, getCompany, updateCompany } from './companies.js';

export function companyRoutes(app: FastifyInstance, deps: ContactDeps): void {
  registerEndpoint(app, listCompanies, ({ ctx, query }) => findCompanies({ ...deps, ctx, query }));
  registerEndpoint(app, getEndpoint, ({ ctx, params }) => getCompany({ ...deps, ctx, id: params.id }));
  registerEndpoint(app, createEndpoint, ({ ctx, body }) => createCompany({ ...deps, ctx, input: body }));
  registerEndpoint(app, updateEndpoint, ({ ctx, params, body }) =>
    updateCompany({ ...deps, ctx, id: params.id, input: body }),
  );
  registerEndpoint(app, deleteEndpoint, async ({ ctx, params }) => {
    await deleteCompany({ ...deps, ctx, id: params.id });
    return null;
  });
}
