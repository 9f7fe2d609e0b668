import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './app.js';
import { startAuditSealer } from './modules/audit/index.js';
import { deleteExpiredSessions } from './modules/auth/index.js';
import { startBreachClock, startBreachNoticeWorker } from './modules/breaches/index.js';
import {
  type MailEventReceiver,
  startCampaignWorker,
  startMailEventReceiver,
} from './modules/campaigns/index.js';
import { startConsentWorkers } from './modules/consents/index.js';
import { startRequestWorkers } from './modules/requests/index.js';
import { startScoringWorker } from './modules/scoring/index.js';
import { isSetupRequired, setupToken } from './modules/setup/index.js';
import { startPackageWorkers } from './modules/subject-packages/index.js';
import { checkMasterKey, MasterKeyMismatchError, subjectKeysFor } from './modules/subjects/index.js';
import { rehashLegacySuppressions } from './modules/suppressions/index.js';
import { sealLegacyUserFields } from './modules/users/index.js';
import { startWebhookWorkers } from './modules/webhooks/index.js';
import type { Config } from './platform/config.js';
import { indexerFor } from './platform/crypto/blind-index.js';
import { KeyRing } from './platform/crypto/keys.js';
import { type Database, openPglite, openPostgres } from './platform/db/database.js';
import { withWaitingLock } from './platform/db/exclusive.js';
import { migrateDatabase } from './platform/db/migrate.js';
import { type JobQueue, startJobQueue } from './platform/jobs.js';
import { createLogger } from './platform/log.js';
import { createMailer, domainOfAddress } from './platform/mail.js';
import { loadOrCreateMasterKey, loadRetiredKeys, type MasterKeySource } from './platform/master-key.js';
import { startImportWorker } from './workflows/import-worker.js';
import { startRetentionWorker } from './workflows/retention-worker.js';
import { startScanWorker } from './workflows/scan-stored-text.js';

export async function openConfiguredDatabase(config: Config): Promise<Database> {
  return config.databaseUrl ? openPostgres(config.databaseUrl) : openPglite(config.dataDir);
}

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  stop(): Promise<void>;
}

/**
 * The key ring (the current key and the retired ones), once the database has confirmed it is written under
 * this key (migrations applied first). A key generated just now and refused is removed again: it sealed
 * nothing, and left behind it would be refused at every start.
 */
export async function checkedKeyRing(
  config: Config,
  database: Database,
  source: MasterKeySource,
): Promise<KeyRing> {
  const keys = new KeyRing(source.key, loadRetiredKeys(config));
  try {
    await checkMasterKey(database.db, keys);
  } catch (err) {
    if (err instanceof MasterKeyMismatchError && source.origin === 'generated') fs.rmSync(config.keyFile);
    throw err;
  }
  return keys;
}

/** Opens the database, applies migrations, and serves until stopped. */
export async function startServer(
  config: Config,
  logger: Logger = createLogger(config.logLevel),
): Promise<RunningServer> {
  // The database (and its lock) first, so a refused start creates nothing, not even a key file.
  const database = await openConfiguredDatabase(config);
  let keys: KeyRing;
  try {
    const source = loadOrCreateMasterKey(config, (line) => logger.warn(line));
    await migrateDatabase(database);
    keys = await checkedKeyRing(config, database, source);
    await sealLegacyUserFields(database.db, keys);
    await rehashLegacySuppressions(database.db, indexerFor(keys));
  } catch (err) {
    await database.close();
    throw err;
  }
  const crm = { db: database.db, keys, subjects: subjectKeysFor(keys), indexer: indexerFor(keys) };
  const mailer = createMailer(config.smtp);
  // Queues and schedules are created one server at a time (see withWaitingLock); a start that fails
  // part-way stops what it started, so the process exits instead of hanging on open connections.
  const started: { jobs?: JobQueue } = {};
  let running: Awaited<ReturnType<typeof startWorkers>>;
  const startWorkers = async () => {
    const jobs = await startJobQueue(database, {
      onError: (err) => logger.error({ err }, 'job queue error'),
    });
    started.jobs = jobs;
    const app = await buildApp({ config, database, keys, logger, jobs });
    await startImportWorker(jobs, { ...crm, database }, logger);
    await startConsentWorkers(jobs, { ...crm, privacy: config, mailer }, logger);
    await startRequestWorkers(jobs, { ...crm, settings: config, mailer }, logger);
    await startPackageWorkers(jobs, { ...crm, settings: config, mailer }, logger);
    await startRetentionWorker(jobs, { ...crm, database }, config.retention, logger);
    await startScanWorker(jobs, crm, logger);
    await startScoringWorker(jobs, { ...crm, database }, logger);
    await startBreachClock(jobs, { ...crm, settings: config, mailer }, logger);
    await startBreachNoticeWorker(jobs, { ...crm, controller: config.controller, mailer }, logger);
    await startCampaignWorker(
      jobs,
      {
        ...crm,
        mailer,
        publicUrl: config.publicUrl,
        controller: config.controller,
        minIntervalMs: 1000 / (config.campaignRatePerSecond ?? 20),
        bounceDomain:
          config.mailEvents?.bounceDomain ?? (config.smtp ? domainOfAddress(config.smtp.from) : null),
      },
      logger,
    );
    const mailEvents: MailEventReceiver | null = config.mailEvents?.smtp
      ? await startMailEventReceiver(crm, config.mailEvents.smtp, logger)
      : null;
    const stopWebhooks = await startWebhookWorkers(jobs, { ...crm, settings: config.webhooks }, logger);
    return { jobs, app, mailEvents, stopWebhooks };
  };
  try {
    running = await withWaitingLock(database, 'custodian.job-setup', startWorkers);
  } catch (err) {
    await started.jobs?.stop({ graceful: false, wait: true, timeout: 5_000 }).catch(() => {});
    mailer?.close();
    await database.close();
    throw err;
  }
  const { jobs, app, mailEvents, stopWebhooks } = running;
  if (!mailer)
    logger.warn(
      'SMTP_HOST is not set: double opt-in confirmation mails, request notices and deadline reminders, and package links wait until a server with mail runs',
    );
  const stopSealer = startAuditSealer({ db: database.db, keys, log: logger });
  const sweep = setInterval(() => {
    deleteExpiredSessions(database.db, new Date()).catch((err) =>
      logger.error({ err }, 'session cleanup failed'),
    );
  }, 600_000);
  sweep.unref();

  const url = await app.listen({ port: config.port, host: config.host });
  logger.info({ engine: database.engine, url }, 'Custodian is serving');
  if (await isSetupRequired(database.db)) {
    // The token is not personal data; it only opens the creation of the first administrator.
    logger.warn(
      `No users yet. Create the first administrator at ${config.publicUrl}/setup#token=${setupToken(keys)}`,
    );
    logger.warn(
      'or with: CUSTODIAN_PASSWORD=... npx custodian user create --email you@example.com --role admin',
    );
  }

  let stopping: Promise<void> | null = null;
  return {
    app,
    url,
    stop: () => {
      stopping ??= (async () => {
        clearInterval(sweep);
        await app.close();
        await mailEvents?.close();
        await stopWebhooks();
        await jobs.stop({ graceful: true, wait: true, timeout: 10_000 });
        await stopSealer();
        mailer?.close();
        await database.close();
      })();
      return stopping;
    },
  };
}
