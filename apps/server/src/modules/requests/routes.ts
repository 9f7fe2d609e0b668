import {
  acknowledgeRequest as acknowledgeEndpoint,
  assignRequest as assignEndpoint,
  closeRequest as closeEndpoint,
  createRequest as createEndpoint,
  type DsrRequest,
  extendRequest as extendEndpoint,
  type FulfilRequestInput,
  fulfilRequest as fulfilEndpoint,
  getRequest as getEndpoint,
  getRequestHistory as historyEndpoint,
  listRequests,
  addRequestNote as noteEndpoint,
  rejectRequest as rejectEndpoint,
  submitPublicRequest as submitPublicEndpoint,
  verifyRequest as verifyEndpoint,
  verifyPublicRequest as verifyPublicEndpoint,
} from '@custodian/contracts';
import type { FastifyInstance } from 'fastify';
import type { RequestContext } from '../../platform/access.js';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import { createRequest } from './create-request.js';
import type { RequestDeps } from './deps.js';
import { findRequests, getRequest, getRequestHistory } from './find-requests.js';
import { type PublicRequestDeps, submitPublicRequest, verifyPublicRequest } from './public-requests.js';
import {
  acknowledgeRequest,
  addRequestNote,
  assignRequest,
  closeRequest,
  extendRequest,
  rejectRequest,
  verifyRequest,
} from './request-steps.js';

/** Fulfilment crosses modules (the ledger, contacts): the workflow is passed in by the app. */
export type FulfilRequest = (
  options: RequestDeps & { ctx: RequestContext; id: string; input: FulfilRequestInput },
) => Promise<DsrRequest>;

export function requestRoutes(
  app: FastifyInstance,
  deps: PublicRequestDeps & { fulfil: FulfilRequest; ratePerMinute: number },
): void {
  const rateLimit = { max: deps.ratePerMinute, timeWindow: 60_000 };
  registerEndpoint(
    app,
    submitPublicEndpoint,
    ({ body, request }) => submitPublicRequest({ ...deps, input: body, requestId: String(request.id) }),
    { rateLimit },
  );
  registerEndpoint(
    app,
    verifyPublicEndpoint,
    ({ params, body, request }) =>
      verifyPublicRequest({ ...deps, id: params.id, code: body.code, requestId: String(request.id) }),
    { rateLimit },
  );
  registerEndpoint(app, createEndpoint, ({ ctx, body }) => createRequest({ ...deps, ctx, input: body }));
  registerEndpoint(app, listRequests, ({ ctx, query }) => findRequests({ ...deps, ctx, query }));
  registerEndpoint(app, getEndpoint, ({ ctx, params }) => getRequest({ ...deps, ctx, id: params.id }));
  registerEndpoint(app, historyEndpoint, ({ ctx, params }) =>
    getRequestHistory({ ...deps, ctx, id: params.id }),
  );
  registerEndpoint(app, verifyEndpoint, ({ ctx, params, body }) =>
    verifyRequest({ ...deps, ctx, id: params.id, input: body }),
  );
  registerEndpoint(app, extendEndpoint, ({ ctx, params, body }) =>
    extendRequest({ ...deps, ctx, id: params.id, reason: body.reason }),
  );
  registerEndpoint(app, acknowledgeEndpoint, ({ ctx, params }) =>
    acknowledgeRequest({ ...deps, ctx, id: params.id }),
  );
  registerEndpoint(app, assignEndpoint, ({ ctx, params, body }) =>
    assignRequest({ ...deps, ctx, id: params.id, userId: body.userId }),
  );
  registerEndpoint(app, rejectEndpoint, ({ ctx, params, body }) =>
    rejectRequest({ ...deps, ctx, id: params.id, reason: body.reason, note: body.note }),
  );
  registerEndpoint(app, fulfilEndpoint, ({ ctx, params, body }) =>
    deps.fulfil({ ...deps, ctx, id: params.id, input: body }),
  );
  registerEndpoint(app, closeEndpoint, ({ ctx, params, body }) =>
    closeRequest({ ...deps, ctx, id: params.id, note: body.note }),
  );
  registerEndpoint(app, noteEndpoint, ({ ctx, params, body }) =>
    addRequestNote({ ...deps, ctx, id: params.id, note: body.note }),
  );
}
