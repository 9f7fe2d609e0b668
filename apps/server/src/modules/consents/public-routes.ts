import { Readable } from 'node:stream';
import {
  confirmConsentPage,
  confirmConsentPagePost,
  confirmConsent as confirmEndpoint,
  createConsentForm as createFormEndpoint,
  getConsentChallenge,
  listConsentForms,
  submitConsent as submitEndpoint,
} from '@custodian/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { findPurposeRecords } from '../purposes/index.js';
import { issueChallenge } from './bot-check.js';
import { confirmConsent } from './confirm-consent.js';
import { createConsentForm, findActiveForm, findConsentForms } from './consent-forms.js';
import type { PublicConsentDeps } from './deps.js';
import { gpcSupport, sendsGpc } from './gpc.js';
import { confirmationPage, confirmedPage, linkProblemPage } from './public-pages.js';
import { type RequestOrigin, submitConsent } from './submit-consent.js';

const originOf = (request: FastifyRequest): RequestOrigin => ({
  networkAddress: request.ip,
  userAgent: request.headers['user-agent'] ?? null,
  gpc: sendsGpc(request.headers),
  requestId: String(request.id),
});

const html = (text: string) => Readable.from([text]);

/** Consent forms (staff), and what people reach without signing in: challenge, form, confirmation, GPC. */
export function publicConsentRoutes(app: FastifyInstance, deps: PublicConsentDeps): void {
  const rateLimit = { max: deps.privacy.consentForms.ratePerMinute, timeWindow: 60_000 };
  registerEndpoint(app, createFormEndpoint, ({ ctx, body }) =>
    createConsentForm({ ...deps, ctx, input: body }),
  );
  registerEndpoint(app, listConsentForms, ({ ctx }) => findConsentForms({ ...deps, ctx }));
  registerEndpoint(
    app,
    getConsentChallenge,
    async ({ query }) => {
      if (!(await findActiveForm(deps.db, query.formId))) throw notFound('form');
      return issueChallenge(deps.keys, query.formId, deps.privacy.consentForms.powDifficulty);
    },
    { rateLimit: { ...rateLimit, max: rateLimit.max * 3 } },
  );
  registerEndpoint(
    app,
    submitEndpoint,
    ({ body, request }) => submitConsent({ ...deps, input: body, origin: originOf(request) }),
    {
      rateLimit,
    },
  );
  registerEndpoint(
    app,
    confirmEndpoint,
    async ({ body, request }) => {
      const confirmed = await confirmConsent({ ...deps, token: body.token, origin: originOf(request) });
      const names = new Map((await findPurposeRecords(deps.db)).map((p) => [p.key as string, p.name]));
      return { ...confirmed, purposeNames: confirmed.purposes.map((p) => names.get(p) ?? p) };
    },
    {
      rateLimit,
    },
  );
  registerEndpoint(app, confirmConsentPage, async ({ query }) => html(confirmationPage(query.token)), {
    stream: 'text/html; charset=utf-8',
  });
  registerEndpoint(
    app,
    confirmConsentPagePost,
    async ({ body, request, reply }) => {
      try {
        const { purposes } = await confirmConsent({ ...deps, token: body.token, origin: originOf(request) });
        const names = new Map((await findPurposeRecords(deps.db)).map((p) => [p.key as string, p.name]));
        return html(confirmedPage(purposes.map((p) => names.get(p) ?? p)));
      } catch (err) {
        if (!(err instanceof AppError) || (err.code !== 'gone' && err.code !== 'not_found')) throw err;
        reply.code(err.status);
        return html(linkProblemPage(err.code === 'not_found' ? 'This link is not valid.' : err.message));
      }
    },
    { stream: 'text/html; charset=utf-8', rateLimit },
  );
  app.get('/.well-known/gpc.json', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=86400');
    return gpcSupport;
  });
}
