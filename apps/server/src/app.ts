import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { catalogRoutes } from './catalog/index.js';
import { accountabilityRoutes } from './modules/accountability/index.js';
import { activityRoutes } from './modules/activities/index.js';
import { analyticsRoutes } from './modules/analytics/index.js';
import { auditRoutes } from './modules/audit/index.js';
import { authRoutes, createAuthenticator } from './modules/auth/index.js';
import { breachRoutes, enqueueBreachNotices } from './modules/breaches/index.js';
import { campaignRoutes, enqueueCampaign } from './modules/campaigns/index.js';
import { companyRoutes } from './modules/companies/index.js';
import {
  consentRoutes,
  enqueueConfirmationMail,
  enqueueRestrictionLiftedMail,
  processingGuard,
  publicConsentRoutes,
} from './modules/consents/index.js';
import { contactRoutes } from './modules/contacts/index.js';
import { customFieldRoutes } from './modules/custom-fields/index.js';
import { dealRoutes } from './modules/deals/index.js';
import { dpiaRoutes } from './modules/dpias/index.js';
import { erasureRoutes } from './modules/erasure/index.js';
import { healthRoutes } from './modules/health/index.js';
import { importRoutes } from './modules/imports/index.js';
import { noticeRoutes } from './modules/notices/index.js';
import { portalRoutes } from './modules/portal/index.js';
import { preferenceRoutes } from './modules/preferences/index.js';
import { pseudonymRoutes } from './modules/pseudonyms/index.js';
import { purposeRoutes } from './modules/purposes/index.js';
import { recipientRoutes } from './modules/recipients/index.js';
import { enqueueRequesterNotice, enqueueVerificationMail, requestRoutes } from './modules/requests/index.js';
import { retentionRoutes } from './modules/retention/index.js';
import { scannerRoutes } from './modules/scanner/index.js';
import { forgetRefusedScores, queueScoringRun, scoringRoutes } from './modules/scoring/index.js';
import { segmentRoutes } from './modules/segments/index.js';
import { setupRoutes } from './modules/setup/index.js';
import { enqueuePackageLinkMail, subjectPackageRoutes } from './modules/subject-packages/index.js';
import { subjectKeysFor } from './modules/subjects/index.js';
import { suppressionRoutes } from './modules/suppressions/index.js';
import { tagRoutes } from './modules/tags/index.js';
import { taskRoutes } from './modules/tasks/index.js';
import { tokenRoutes } from './modules/tokens/index.js';
import { userRoutes } from './modules/users/index.js';
import { viewRoutes } from './modules/views/index.js';
import { enqueueWebhookDelivery, webhookRoutes } from './modules/webhooks/index.js';
import type { RequestContext } from './platform/access.js';
import type { Config } from './platform/config.js';
import { indexerFor } from './platform/crypto/blind-index.js';
import type { KeyRing } from './platform/crypto/keys.js';
import type { Database } from './platform/db/database.js';
import { AppError } from './platform/http/errors.js';
import { handleError, problemOf, sendProblem } from './platform/http/problem.js';
import { assertStorableText } from './platform/http/text-safety.js';
import type { JobQueue } from './platform/jobs.js';
import { urlForLog } from './platform/log.js';
import { eraseSubject } from './workflows/erase-subject.js';
import { fulfilRequest } from './workflows/fulfil-request.js';
import { enqueueImport } from './workflows/import-worker.js';
import { redactFinding } from './workflows/redact-finding.js';
import { queueRetentionSweep } from './workflows/retention-worker.js';
import { previewRetention } from './workflows/run-retention.js';
import { queueStoredTextScan } from './workflows/scan-stored-text.js';

export interface AppDeps {
  config: Pick<
    Config,
    | 'bodyLimit'
    | 'trustProxy'
    | 'publicUrl'
    | 'importLimitBytes'
    | 'controller'
    | 'digitalConsentAges'
    | 'consentForms'
    | 'timeZone'
    | 'webhooks'
  > &
    Partial<Pick<Config, 'smtp' | 'retention' | 'dpiaLargeScalePeople' | 'requestTimeoutMs'>>;
  database: Database;
  keys: KeyRing;
  logger: Logger;
  /** The background job queue; without one, imports wait queued until a server with workers starts. */
  jobs?: JobQueue | null;
  /** The built web app (apps/web/dist); null to serve the API only. */
  webRoot?: string | null;
}

export const defaultWebRoot = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** What no page of Custodian uses: the browser refuses it to any script that gets in. */
const permissionsPolicy = 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()';
/** How long a client may take to send its request's headers (a slow-loris holds a connection this long at most). */
const headersTimeoutMs = 30_000;

/** Headers of every answer, including the router's own errors, on which no hook runs. */
function setBaseHeaders(request: FastifyRequest, reply: FastifyReply): void {
  reply.header('x-request-id', request.id);
  reply.header('permissions-policy', permissionsPolicy);
  // API answers hold personal data and CSRF tokens: no browser or shared cache may keep them.
  if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, database, keys, logger } = deps;
  const db = database.db;
  const requestTimeout = config.requestTimeoutMs ?? 300_000;
  const proxyHops = config.trustProxy;
  const app = Fastify({
    loggerInstance: logger,
    genReqId: () => randomUUID(),
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: true }),
    bodyLimit: config.bodyLimit,
    // Only the given number of proxies in front is believed (hop 0 is the peer itself): with `true`, Fastify would
    // take the first X-Forwarded-For entry, which the client writes, and per-address rate limits would not hold.
    trustProxy: proxyHops > 0 ? (_address: string, hop: number) => hop < proxyHops : false,
    // A client must send its whole request within this time, and a connection idle this long is closed.
    requestTimeout,
    connectionTimeout: requestTimeout,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // Errors of the router itself (a malformed or over-long URL) are answered like every other error: without these,
    // Fastify answers them in its own JSON, quoting the path (which may hold personal data).
    // No hook runs for them, so the headers every answer carries are set here.
    frameworkErrors: (error, request, reply) => {
      setBaseHeaders(request, reply);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('cache-control', 'no-store');
      return handleError(error, request, reply);
    },
  });
  app.server.headersTimeout = Math.min(headersTimeoutMs, requestTimeout);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  // The API speaks JSON only: any other body is refused with 415 rather than parsed as a string.
  app.removeContentTypeParser('text/plain');
  // HTML forms (the double opt-in button) post urlencoded fields; they are validated like any JSON body.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 16_384 },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );
  // Bounces and complaints arrive as raw mail (POST /api/v1/mail-events).
  app.addContentTypeParser(
    'message/rfc822',
    { parseAs: 'buffer', bodyLimit: 1_048_576 },
    (_request, body, done) => done(null, body),
  );
  app.decorate('authenticator', createAuthenticator({ db, keys }));
  app.decorateRequest('ctx', null as unknown as RequestContext);

  app.addHook('onRequest', async (request, reply) => {
    setBaseHeaders(request, reply);
  });
  app.addHook('preValidation', async (request) => {
    assertStorableText('params', request.params);
    assertStorableText('querystring', request.query);
    assertStorableText('body', request.body);
  });
  // One line per request: method, path with query values removed, status, time. Never bodies.
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        url: urlForLog(request.url),
        statusCode: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        // Served over plain HTTP on a LAN, upgrading would break every asset.
        upgradeInsecureRequests: null,
      },
    },
    crossOriginEmbedderPolicy: false,
    // As frame-ancestors 'none', for browsers that only know the older header.
    frameguard: { action: 'deny' },
  });
  await app.register(fastifyCookie);
  // Only the import endpoint reads multipart bodies; it streams the file part and never buffers it.
  await app.register(fastifyMultipart, {
    limits: { files: 1, fields: 10, fieldSize: 65_536, fileSize: config.importLimitBytes },
  });
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new AppError('rate_limited', 'Too many requests from this address; slow down', {
        retryAfterSeconds: context.ttl / 1000,
      }),
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Custodian API',
        version: '1',
        description:
          'The Custodian REST API. Errors are RFC 9457 problem+json with `code`, `detail`, `errors` and `requestId`. ' +
          'Cookie sessions must send X-CSRF-Token on writes; API tokens use `Authorization: Bearer`.',
      },
      servers: [{ url: config.publicUrl }],
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'custodian_session' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  await app.register(async (api) => {
    const routeDeps = { db, keys };
    const crmDeps = { ...routeDeps, subjects: subjectKeysFor(keys), indexer: indexerFor(keys) };
    healthRoutes(api, { database });
    setupRoutes(api, routeDeps);
    authRoutes(api, { ...routeDeps, publicUrl: config.publicUrl });
    userRoutes(api, routeDeps);
    tokenRoutes(api, routeDeps);
    auditRoutes(api, routeDeps);
    catalogRoutes(api);
    customFieldRoutes(api, routeDeps);
    purposeRoutes(api, {
      ...routeDeps,
      // A change of basis (e.g. profiling moved to consent) takes effect on stored scores at once.
      onChanged: async (tx, { key, ctx }) => {
        await forgetRefusedScores(tx, { keys, ctx, purpose: key });
      },
    });
    noticeRoutes(api, routeDeps);
    contactRoutes(api, { ...crmDeps, guard: processingGuard });
    analyticsRoutes(api, { ...crmDeps, guard: processingGuard });
    pseudonymRoutes(api, { ...crmDeps, guard: processingGuard });
    recipientRoutes(api, crmDeps);
    accountabilityRoutes(api, {
      ...crmDeps,
      settings: {
        controller: config.controller,
        publicUrl: config.publicUrl,
        smtp: config.smtp ?? null,
        ...(config.retention ? { retention: config.retention } : {}),
      },
      engine: database.engine,
      timeZone: config.timeZone,
    });
    dpiaRoutes(api, {
      ...routeDeps,
      timeZone: config.timeZone,
      largeScaleThreshold: config.dpiaLargeScalePeople ?? 5000,
      publicUrl: config.publicUrl,
    });
    segmentRoutes(api, crmDeps);
    viewRoutes(api, routeDeps);
    tagRoutes(api, routeDeps);
    preferenceRoutes(api, { ...crmDeps, publicUrl: config.publicUrl });
    portalRoutes(api, { controller: config.controller });
    campaignRoutes(api, {
      ...crmDeps,
      enqueue: async (id, at) => {
        if (deps.jobs) await enqueueCampaign(deps.jobs, id, at);
      },
    });
    webhookRoutes(api, {
      ...routeDeps,
      policy: config.webhooks,
      // Without a queue, the delivery waits for the housekeeping of a server that has one.
      enqueue: async (id) => {
        if (deps.jobs) await enqueueWebhookDelivery(deps.jobs, id);
      },
    });
    companyRoutes(api, crmDeps);
    dealRoutes(api, crmDeps);
    activityRoutes(api, crmDeps);
    taskRoutes(api, crmDeps);
    const jobs = deps.jobs ?? null;
    breachRoutes(api, {
      ...crmDeps,
      timeZone: config.timeZone,
      controller: config.controller,
      // Without a queue, the notices wait for the sweep of a server that has one.
      enqueueNotices: async (id) => {
        if (jobs) await enqueueBreachNotices(jobs, id);
      },
    });
    consentRoutes(api, {
      ...crmDeps,
      privacy: config,
      notifyRestrictionLifted: async (job) => {
        if (jobs) await enqueueRestrictionLiftedMail(jobs, job);
      },
    });
    publicConsentRoutes(api, {
      ...crmDeps,
      privacy: config,
      // Without a queue, the mail waits for the sweep of a server that has one.
      enqueueConfirmationMail: async (id) => {
        if (jobs) await enqueueConfirmationMail(jobs, id);
      },
    });
    suppressionRoutes(api, crmDeps);
    scoringRoutes(api, {
      ...crmDeps,
      queueRun: async () => {
        if (!jobs) throw new AppError('not_ready', 'This server runs no background jobs');
        await queueScoringRun(jobs);
      },
    });
    erasureRoutes(api, { ...crmDeps, erase: eraseSubject });
    scannerRoutes(api, {
      ...crmDeps,
      redact: redactFinding,
      queueScan: async () => {
        if (!jobs) throw new AppError('not_ready', 'This server runs no background jobs');
        await queueStoredTextScan(jobs);
      },
    });
    retentionRoutes(api, {
      ...crmDeps,
      preview: previewRetention,
      queueSweep: async () => {
        if (!jobs) throw new AppError('not_ready', 'This server runs no background jobs');
        await queueRetentionSweep(jobs);
      },
    });
    subjectPackageRoutes(api, {
      ...crmDeps,
      settings: config,
      mailLink: async (id) => {
        if (jobs) await enqueuePackageLinkMail(jobs, id);
      },
    });
    requestRoutes(api, {
      ...crmDeps,
      settings: config,
      fulfil: fulfilRequest,
      ratePerMinute: config.consentForms.ratePerMinute,
      enqueueVerificationMail: async (id) => {
        if (jobs) await enqueueVerificationMail(jobs, id);
      },
      notifyRequester: async (notice) => {
        if (jobs) await enqueueRequesterNotice(jobs, notice);
      },
    });
    importRoutes(api, {
      ...crmDeps,
      enqueueImport: async (importId) => {
        if (jobs) await enqueueImport(jobs, importId);
      },
    });
    api.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  });

  const webRoot = deps.webRoot === undefined ? defaultWebRoot : deps.webRoot;
  const serveWeb = webRoot !== null && fs.existsSync(`${webRoot}/index.html`);
  if (serveWeb) await app.register(fastifyStatic, { root: webRoot, wildcard: false });

  // The public privacy portal is a page of its own (its bundle carries none of the staff app).
  const servePortal = serveWeb && fs.existsSync(`${webRoot}/portal.html`);

  app.setNotFoundHandler((request, reply) => {
    const [path = '/', query] = request.url.split('?', 2);
    const wantsPage =
      request.method === 'GET' && !path.startsWith('/api/') && request.headers.accept?.includes('text/html');
    const portalPage = path === '/privacy' || path.startsWith('/privacy/');
    if (wantsPage && portalPage) {
      if (servePortal && path === '/privacy/preferences') {
        // The page's <noscript> links to the page without script: with the person's token, it works there too.
        const token = new URLSearchParams(query ?? '').get('token') ?? '';
        const html = fs
          .readFileSync(`${webRoot}/portal.html`, 'utf8')
          .replace(
            'href="/privacy/preferences/basic"',
            `href="/privacy/preferences/basic?token=${encodeURIComponent(token)}"`,
          );
        return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
      }
      if (servePortal)
        return reply.type('text/html').header('cache-control', 'no-store').sendFile('portal.html');
      // Without the built portal (an API-only server), the mailed links still open a working page.
      const search = query ? `?${query}` : '';
      if (path === '/privacy/preferences') return reply.redirect(`/privacy/preferences/basic${search}`);
      if (path === '/privacy/confirm') return reply.redirect(`/api/v1/public/consent/confirm${search}`);
    }
    // The staff app routes in the browser: unknown page paths get its index.html.
    if (serveWeb && wantsPage && !portalPage) return reply.type('text/html').sendFile('index.html');
    return sendProblem(reply, problemOf('not_found', 'There is nothing at this address', String(request.id)));
  });

  return app as unknown as FastifyInstance;
}
