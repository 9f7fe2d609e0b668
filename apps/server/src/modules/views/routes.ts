import {
  createSavedView as createEndpoint,
  deleteSavedView as deleteEndpoint,
  getSavedView as getEndpoint,
  listSavedViews as listEndpoint,
  updateSavedView as updateEndpoint,
} from '@custodian/contracts';
import type { FastifyInstance } from 'fastify';
import type { KeyRing } from '../../platform/crypto/keys.js';
import type { Db } from '../../platform/db/database.js';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import { createSavedView, deleteSavedView, findSavedViews, getSavedView, updateSavedView } from './views.js';

export function viewRoutes(app: FastifyInstance, deps: { db: Db; keys: KeyRing }): void {
  registerEndpoint(app, listEndpoint, ({ ctx }) => findSavedViews({ ...deps, ctx }));
  registerEndpoint(app, getEndpoint, ({ ctx, params }) => getSavedView({ ...deps, ctx, id: params.id }));
  registerEndpoint(app, createEndpoint, ({ ctx, body }) => createSavedView({ ...deps, ctx, input: body }));
  registerEndpoint(app, updateEndpoint, ({ ctx, params, body }) =>
    updateSavedView({ ...deps, ctx, id: params.id, input: body }),
  );
  registerEndpoint(app, deleteEndpoint, ({ ctx, params }) =>
    deleteSavedView({ ...deps, ctx, id: params.id }),
  );
}
