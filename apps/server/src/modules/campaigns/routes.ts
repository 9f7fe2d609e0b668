import { Readable } from 'node:stream';
import {
  cancelCampaign as cancelEndpoint,
  createCampaign as createEndpoint,
  getCampaign as getEndpoint,
  listCampaigns as listEndpoint,
  recordMailEvent as mailEventEndpoint,
  sendCampaign as sendEndpoint,
  trackClick,
  trackOpen,
  unsubscribe as unsubscribeEndpoint,
  unsubscribePage,
  updateCampaign as updateEndpoint,
} from '@custodian/contracts';
import type { FastifyInstance } from 'fastify';
import type { BlindIndexer } from '../../platform/crypto/blind-index.js';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import { AppError } from '../../platform/http/errors.js';
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
import { parseMailEvent, recordMailEvent } from './mail-events.js';
import { pixelGif, recordTrackingHit } from './tracking.js';
import { unsubscribeByToken, unsubscribePageHtml } from './unsubscribe.js';

const html = 'text/html; charset=utf-8';

export function campaignRoutes(
  app: FastifyInstance,
  deps: CampaignDeps & { subjects: SubjectKeyStore; indexer: BlindIndexer },
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
  registerEndpoint(app, mailEventEndpoint, async ({ request, reply }) => {
    if (!Buffer.isBuffer(request.body) || request.body.length === 0)
      throw new AppError('validation_failed', 'Send the raw mail as message/rfc822', {
        details: [{ field: 'body', issue: 'must be a raw mail (Content-Type: message/rfc822)' }],
      });
    const outcome = await recordMailEvent(deps, await parseMailEvent(deps.keys, request.body));
    reply.code(202);
    return { outcome };
  });
  registerEndpoint(
    app,
    trackOpen,
    async ({ query, reply }) => {
      await recordTrackingHit(deps, { kind: 'open' }, query.token);
      reply.header('cache-control', 'no-store');
      return Readable.from([pixelGif]);
    },
    { stream: 'image/gif' },
  );
  registerEndpoint(
    app,
    trackClick,
    async ({ query, reply }) => {
      const url = query.u ?? '';
      const { genuine } = /^https?:\/\//i.test(url)
        ? await recordTrackingHit(deps, { kind: 'click', url }, query.token)
        : { genuine: false };
      reply.header('cache-control', 'no-store');
      if (!genuine) {
        reply.code(404);
        return Readable.from(['<!doctype html><title>Link not valid</title><p>This link is not valid.</p>']);
      }
      reply.code(302).header('location', url);
      return Readable.from([]);
    },
    { stream: html },
  );
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
