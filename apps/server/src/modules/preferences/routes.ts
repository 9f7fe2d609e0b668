import { Readable } from 'node:stream';
import {
  getPreferences as getEndpoint,
  getPreferenceLink as linkEndpoint,
  type Purpose,
  preferencesPage,
  preferencesPagePost,
  updatePreferences as updateEndpoint,
} from '@custodian/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import { AppError } from '../../platform/http/errors.js';
import { sendsGpc } from '../consents/index.js';
import { invalidLinkHtml, preferencesHtml } from './page.js';
import { getPreferences, type PreferenceDeps, preferenceLink, updatePreferences } from './preferences.js';

const originOf = (request: FastifyRequest) => ({
  gpc: sendsGpc(request.headers),
  networkAddress: request.ip,
  userAgent: request.headers['user-agent'] ?? null,
});

export function preferenceRoutes(app: FastifyInstance, deps: PreferenceDeps): void {
  const rateLimit = { max: 60, timeWindow: 60_000 };
  registerEndpoint(app, linkEndpoint, ({ ctx, params }) => preferenceLink({ ...deps, ctx, id: params.id }));
  registerEndpoint(
    app,
    getEndpoint,
    ({ query, request }) =>
      getPreferences({
        ...deps,
        token: query.token,
        language: (request.headers['accept-language'] ?? 'en').split(',')[0]!.split(';')[0]!.trim() || 'en',
        origin: originOf(request),
      }),
    { rateLimit },
  );
  const page = async (reply: { code: (n: number) => unknown }, work: () => Promise<string>) => {
    try {
      return Readable.from([await work()]);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'not_found') throw err;
      reply.code(404);
      return Readable.from([invalidLinkHtml]);
    }
  };
  registerEndpoint(
    app,
    preferencesPage,
    ({ query, reply, request }) =>
      page(reply, async () =>
        preferencesHtml(
          query.token,
          await getPreferences({ ...deps, token: query.token, origin: originOf(request) }),
          false,
        ),
      ),
    { stream: 'text/html; charset=utf-8', rateLimit },
  );
  registerEndpoint(
    app,
    preferencesPagePost,
    ({ query, body, reply, request }) =>
      page(reply, async () => {
        const shown = body.shown.split(',').filter(Boolean) as Purpose[];
        const current = await getPreferences({ ...deps, token: query.token, origin: originOf(request) });
        const changes = current.purposes
          .filter((p) => shown.includes(p.purpose))
          .map((p) =>
            p.choice === 'subscribe'
              ? { purpose: p.purpose, subscribed: body[p.purpose] === 'on' }
              : { purpose: p.purpose, objected: body[p.purpose] !== 'on' },
          );
        const after =
          changes.length > 0
            ? await updatePreferences({ ...deps, token: query.token, input: { changes } })
            : current;
        return preferencesHtml(query.token, after, true);
      }),
    { stream: 'text/html; charset=utf-8', rateLimit },
  );
  registerEndpoint(
    app,
    updateEndpoint,
    ({ query, body, request }) =>
      updatePreferences({ ...deps, token: query.token, input: body, origin: originOf(request) }),
    {
      rateLimit,
    },
  );
}
