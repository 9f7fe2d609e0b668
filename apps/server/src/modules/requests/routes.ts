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
  getPublicRequestStatus as publicStatusEndpoint,
  rejectRequest as rejectEndpoint,
  submitPublicRequest as submitPublicEndpoint,
  verifyRequest as verifyEndpoint,
  verifyPublicRequest as verifyPublicEndpoint,
} from '@custodian/contracts';
import type { FastifyInstance } from 'fastify';
import type { RequestContext } from '../../platform/access.js';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import { sendsGpc } from '../consents/index.js';
import { createRequest } from './create-request.js';
import type { RequestDeps } from './deps.js';
import { findRequests, getRequest, getRequestHistory } from './find-requests.js';
import { type PublicRequestDeps, submitPublicRequest, verifyPublicRequest } from './public-requests.js';
import { getPublicRequestStatus } from './public-status.js';
import {
  acknowledgeRequest,
  addRequestNote,
  assignRequest,
  closeRequest,
  extendRequest,
  rejectRequest,
  verifyRequest,
} from './request-steps.js';
import type { RequesterNotice } from './requester-notices.js';

/** Fulfilment crosses modules (the ledger, contacts): the workflow is passed in by the app. */
export type FulfilRequest = (
  options: RequestDeps & { ctx: RequestContext; id: string; input: FulfilRequestInput },
) => Promise<DsrRequest>;

export function requestRoutes(
  app: FastifyInstance,
  deps: PublicRequestDeps & {
    fulfil: FulfilRequest;
    ratePerMinute: number;
    /** Queues the mail telling the requester of a receipt or an extension; absent where no queue runs. */
    notifyRequester?: (notice: RequesterNotice) => Promise<void>;
  },
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
      verifyPublicRequest({
        ...deps,
        id: params.id,
        code: body.code,
        requestId: String(request.id),
        origin: {
          gpc: sendsGpc(request.headers),
          networkAddress: request.ip,
          userAgent: request.headers['user-agent'] ?? null,
        },
      }),
    { rateLimit },
  );
  registerEndpoint(
    app,
    publicStatusEndpoint,
    ({ params, query, request }) =>
      getPublicRequestStatus({ ...deps, id: params.id, token: query.token, requestId: String(request.id) }),
    { rateLimit: { ...rateLimit, max: rateLimit.max * 6 } },
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
  registerEndpoint(app, extendEndpoint, async ({ ctx, params, body }) => {
    const extended = await extendRequest({ ...deps, ctx, id: params.id, reason: body.reason });
    await deps.notifyRequester?.({ requestId: extended.id, kind: 'extended' });
    return extended;
  });
  registerEndpoint(app, acknowledgeEndpoint, async ({ ctx, params }) => {
    const acknowledged = await acknowledgeRequest({ ...deps, ctx, id: params.id });
    await deps.notifyRequester?.({ requestId: acknowledged.id, kind: 'acknowledged' });
    return acknowledged;
  });
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
