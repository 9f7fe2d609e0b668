import { Readable } from 'node:stream';
import {
  cancelCampaign as cancelEndpoint,
  createCampaign as createEndpoint,
  getCampaign as getEndpoint,
  listCampaigns as listEndpoint,
  sendCampaign as sendEndpoint,
  unsubscribe as unsubscribeEndpoint,
  unsubscribePage,
  updateCampaign as updateEndpoint,
} from '@custodian/contracts';
import type { FastifyInstance } from 'fastify';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import type { SubjectKeyStore } from '../subjects/index.js';
import {
  type CampaignDeps,
  cancelCampaign,
  createCampaign,
  findCampaigns,
  getCampaign,
  queueCampaign,
  updateCampaign,
} from './campaigns.js';
import { unsubscribeByToken, unsubscribePageHtml } from './unsubscribe.js';

const html = 'text/html; charset=utf-8';

export function campaignRoutes(
  app: FastifyInstance,
  deps: CampaignDeps & { subjects: SubjectKeyStore },
): void {
  registerEndpoint(app, listEndpoint, ({ ctx }) => findCampaigns({ ...deps, ctx }));
  registerEndpoint(app, getEndpoint, ({ ctx, params }) => getCampaign({ ...deps, ctx, id: params.id }));
  registerEndpoint(app, createEndpoint, ({ ctx, body }) => createCampaign({ ...deps, ctx, input: body }));
  registerEndpoint(app, updateEndpoint, ({ ctx, params, body }) =>
    updateCampaign({ ...deps, ctx, id: params.id, input: body }),
  );
  registerEndpoint(app, sendEndpoint, ({ ctx, params, body }) =>
    queueCampaign({ ...deps, ctx, id: params.id, at: body.at }),
  );
  registerEndpoint(app, cancelEndpoint, ({ ctx, params }) => cancelCampaign({ ...deps, ctx, id: params.id }));
  const rateLimit = { max: 30, timeWindow: 60_000 };
  registerEndpoint(
    app,
    unsubscribePage,
    async ({ query, reply }) => {
      const answer = unsubscribePageHtml(deps.keys, query.token);
      reply.code(answer.status);
      return Readable.from([answer.html]);
    },
    { stream: html, rateLimit },
  );
  registerEndpoint(
    app,
    unsubscribeEndpoint,
    async ({ query, reply }) => {
      const answer = await unsubscribeByToken(deps, query.token);
      reply.code(answer.status);
      return Readable.from([answer.html]);
    },
    { stream: html, rateLimit },
  );
}
