import { randomBytes, randomInt } from 'node:crypto';
import type { Role } from '@custodian/contracts';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { generate } from 'otplib';
import pino from 'pino';
import { buildApp } from '../app.js';
import { startBreachNoticeWorker } from '../modules/breaches/index.js';
import {
  type MailEventReceiver,
  startCampaignWorker,
  startMailEventReceiver,
} from '../modules/campaigns/index.js';
import { startConsentWorkers } from '../modules/consents/index.js';
import { startRequestWorkers } from '../modules/requests/index.js';
import { startScoringWorker } from '../modules/scoring/index.js';
import { startPackageWorkers } from '../modules/subject-packages/index.js';
import { subjectKeysFor } from '../modules/subjects/index.js';
import { createUser, findUserById } from '../modules/users/index.js';
import { startWebhookWorkers } from '../modules/webhooks/index.js';
import { systemContext } from '../platform/access.js';
import type { SmtpConfig } from '../platform/config.js';
import { indexerFor } from '../platform/crypto/blind-index.js';
import { KeyRing } from '../platform/crypto/keys.js';
import type { Database } from '../platform/db/database.js';
import { type JobQueue, startJobQueue } from '../platform/jobs.js';
import { createLogger } from '../platform/log.js';
import { createMailer } from '../platform/mail.js';
import { startImportWorker } from '../workflows/import-worker.js';
import { startRetentionWorker } from '../workflows/retention-worker.js';
import { startScanWorker } from '../workflows/scan-stored-text.js';
import { createTestDatabase } from './database.js';

export const testPassword = 'correct horse battery staple';

export interface Caller {
  cookie?: string;
  csrf?: string;
  token?: string;
}

export interface TestUser {
  id: string;
  /** The staff member's data-subject id: what audit entries name. */
  subjectId: string;
  email: string;
  role: Role;
}

export interface TestContext {
  database: Database & { url: string | null };
  keys: KeyRing;
  app: FastifyInstance;
  logLines: string[];
  /** The port of the SMTP receiver of bounces and complaints, when started (`mailEvents: true`). */
  mailEventsPort: number | null;
  request(options: {
    method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
    url: string;
    body?: unknown;
    as?: Caller;
    headers?: Record<string, string>;
    payload?: string;
    /** Defaults to a random loopback address, so the per-address rate limit does not couple tests. */
    remoteAddress?: string;
  }): Promise<LightMyRequestResponse>;
  createUser(role: Role, overrides?: { email?: string; password?: string }): Promise<TestUser>;
  login(user: { email: string }, extra?: { mfaCode?: string; password?: string }): Promise<Caller>;
  close(): Promise<void>;
}

let counter = 0;
export const uniqueEmail = (label = 'user') =>
  `${label}-${++counter}-${randomBytes(4).toString('hex')}@example.test`;

export function totpNow(secret: string, offsetSeconds = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSeconds });
}

/** The configuration test servers run with. */
export const testAppConfig = {
  bodyLimit: 1_048_576,
  trustProxy: 0,
  publicUrl: 'http://localhost:3000',
  importLimitBytes: 50_000_000,
  controller: {
    name: 'Example Ltd',
    address: '1 Example Street, 10115 Berlin, Germany',
    email: 'privacy@example.test',
    url: 'http://localhost:3000',
    dataLocation: 'EU (Germany)',
  },
  digitalConsentAges: { FR: 15 },
  timeZone: 'Europe/Berlin',
  // A light bot check keeps tests quick; the real default is 16 bits.
  consentForms: { powDifficulty: 8, confirmationTtlHours: 72, ratePerMinute: 5 },
  // Receivers in tests listen on 127.0.0.1 over http; retries come quickly so tests do not wait.
  webhooks: { allowHttp: true, allowPrivate: true, maxAttempts: 3, retryBaseMs: 200, timeoutMs: 5000 },
};

/** The API (no web app) on a given database and key ring, logging nowhere unless given a logger. */
export function buildTestApp(
  database: Database,
  keys: KeyRing,
  logger: pino.Logger = pino({ level: 'silent' }),
  jobs: JobQueue | null = null,
  webRoot: string | null = null,
): Promise<FastifyInstance> {
  return buildApp({
    jobs,
    config: testAppConfig,
    database,
    keys,
    logger,
    webRoot,
  });
}

/** A server on a fresh database copy, with a log captured in memory so tests can check what it wrote. */
export async function createTestContext(
  options: {
    extend?: (app: FastifyInstance, database: Database) => void;
    /** Start the real job queue (pg-boss) with its workers, as a server does. */
    jobs?: boolean;
    /** Mail through this SMTP server (the consent confirmation worker runs when `jobs` is set). */
    smtp?: SmtpConfig;
    /** Receive bounces and complaints by SMTP on a free loopback port (`mailEventsPort`). */
    mailEvents?: boolean;
    /**
     * Run the webhook dispatcher, housekeeping and delivery worker too (needs `jobs`). Off by default: they poll
     * every 250 ms and would compete for PGlite's one connection in tests that send no webhooks. Events are
     * recorded in the outbox either way; only their dispatch and delivery need this.
     */
    webhooks?: boolean;
    /** Serve the built web app from this folder (its index.html and portal.html); none by default. */
    webRoot?: string;
  } = {},
): Promise<TestContext> {
  const database = await createTestDatabase();
  const keys = new KeyRing(randomBytes(32));
  const logLines: string[] = [];
  const logger = createLogger('info', {
    write: (line: string) => void logLines.push(line),
  } as pino.DestinationStream);
  const jobs = options.jobs ? await startJobQueue(database) : null;
  const crm = { db: database.db, keys, subjects: subjectKeysFor(keys), indexer: indexerFor(keys) };
  const mailer = createMailer(options.smtp ?? null);
  const app = await buildTestApp(database, keys, logger, jobs, options.webRoot ?? null);
  let stopWebhooks: (() => Promise<void>) | null = null;
  if (jobs) {
    await startImportWorker(jobs, { ...crm, database }, logger);
    await startConsentWorkers(jobs, { ...crm, privacy: testAppConfig, mailer }, logger);
    await startRequestWorkers(jobs, { ...crm, settings: testAppConfig, mailer }, logger);
    await startPackageWorkers(jobs, { ...crm, settings: testAppConfig, mailer }, logger);
    await startRetentionWorker(jobs, { ...crm, database }, { schedule: null, batchSize: 100 }, logger);
    await startScanWorker(jobs, crm, logger);
    await startScoringWorker(jobs, { ...crm, database }, logger);
    await startBreachNoticeWorker(jobs, { ...crm, controller: testAppConfig.controller, mailer }, logger);
    await startCampaignWorker(
      jobs,
      {
        ...crm,
        mailer,
        publicUrl: testAppConfig.publicUrl,
        controller: testAppConfig.controller,
        minIntervalMs: 0,
        bounceDomain: 'bounces.custodian.test',
      },
      logger,
    );
    if (options.webhooks)
      stopWebhooks = await startWebhookWorkers(jobs, { ...crm, settings: testAppConfig.webhooks }, logger, {
        dispatchIntervalMs: 250,
        pollingIntervalSeconds: 0.5,
      });
  } else if (options.webhooks) throw new Error('`webhooks: true` needs `jobs: true`');
  const mailEvents: MailEventReceiver | null = options.mailEvents
    ? await startMailEventReceiver(crm, { host: '127.0.0.1', port: 0 }, logger)
    : null;
  options.extend?.(app, database);
  await app.ready();

  const ctx: TestContext = {
    database,
    keys,
    app,
    logLines,
    mailEventsPort: mailEvents?.port ?? null,
    request: ({ method = 'GET', url, body, as, headers = {}, payload, remoteAddress }) => {
      const h: Record<string, string> = { ...headers };
      if (as?.cookie) h.cookie = as.cookie;
      if (as?.csrf && method !== 'GET') h['x-csrf-token'] = as.csrf;
      if (as?.token) h.authorization = `Bearer ${as.token}`;
      return app.inject({
        method,
        url,
        headers: h,
        remoteAddress: remoteAddress ?? `127.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`,
        ...(payload !== undefined ? { payload } : body !== undefined ? { payload: body as object } : {}),
      });
    },
    createUser: async (role, overrides = {}) => {
      const user = await createUser({
        db: database.db,
        keys,
        ctx: systemContext('test'),
        input: {
          email: overrides.email ?? uniqueEmail(role),
          name: `Test ${role}`,
          role,
          password: overrides.password ?? testPassword,
        },
      });
      const row = await findUserById(database.db, keys, user.id);
      return { id: user.id, email: user.email, role, subjectId: row!.subjectId };
    },
    login: async (user, extra = {}) => {
      const res = await ctx.request({
        method: 'POST',
        url: '/api/v1/auth/login',
        body: {
          email: user.email,
          password: extra.password ?? testPassword,
          ...(extra.mfaCode ? { mfaCode: extra.mfaCode } : {}),
        },
      });
      if (res.statusCode !== 200) throw new Error(`login failed with ${res.statusCode}: ${res.body}`);
      const session = res.cookies.find((c) => c.name === 'custodian_session');
      return { cookie: `custodian_session=${session?.value}`, csrf: res.json().csrfToken };
    },
    close: async () => {
      await app.close();
      await mailEvents?.close();
      await stopWebhooks?.();
      // Graceful: a job still running (a mail being sent) finishes before the database closes under it.
      await jobs?.stop({ graceful: true, wait: true, timeout: 15_000 });
      mailer?.close();
      await database.close();
    },
  };
  return ctx;
}
