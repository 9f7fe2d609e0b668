import path from 'node:path';
import { IANAZone } from 'luxon';
import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
/** false/0: no proxy; true/1: one proxy in front (a load balancer); 2–9: that many proxies in a chain. */
const proxyHops = z
  .enum(['true', 'false', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
  .transform((v) => (v === 'true' ? 1 : v === 'false' ? 0 : Number(v)));
const base64Key = z
  .string()
  .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded');

const envSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default('localhost'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  CUSTODIAN_MASTER_KEY: base64Key.optional(),
  CUSTODIAN_KEY_FILE: z.string().min(1).optional(),
  PUBLIC_URL: z.url().optional(),
  TRUST_PROXY: proxyHops.default(0),
  BODY_LIMIT: z.coerce.number().int().min(1024).max(104_857_600).default(1_048_576),
  REQUEST_TIMEOUT_SECONDS: z.coerce.number().int().min(10).max(86_400).default(300),
  IMPORT_LIMIT: z.coerce.number().int().min(1024).default(2_147_483_648),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SMTP_HOST: z.string().min(1).optional(),
  SMTP_PORT: port.default(587),
  SMTP_SECURE: bool.default(false),
  SMTP_USER: z.string().min(1).optional(),
  SMTP_PASSWORD: z.string().min(1).optional(),
  MAIL_FROM: z.string().min(3).default('Custodian <no-reply@localhost>'),
  CONTROLLER_NAME: z.string().min(1).max(200).optional(),
  CONTROLLER_ADDRESS: z.string().min(1).max(500).optional(),
  CONTROLLER_EMAIL: z.email().optional(),
  DPO_NAME: z.string().min(1).max(200).optional(),
  DPO_EMAIL: z.email().optional(),
  DATA_LOCATION: z.string().min(2).max(100).default('EU'),
  ACCESS_LOG_STAFF: z.enum(['role', 'name']).default('role'),
  DPIA_LARGE_SCALE_PEOPLE: z.coerce.number().int().min(1).max(1_000_000_000).default(5000),
  CAMPAIGN_RATE_PER_SECOND: z.coerce.number().min(0.01).max(10_000).default(20),
  MAIL_EVENTS_SMTP_PORT: port.optional(),
  MAIL_EVENTS_SMTP_HOST: z.string().min(1).default('127.0.0.1'),
  MAIL_BOUNCE_DOMAIN: z
    .string()
    .regex(/^[A-Za-z0-9.-]+\.[A-Za-z]{2,}$|^localhost$/, 'must be a domain name such as bounces.example.org')
    .optional(),
  TIME_ZONE: z
    .string()
    .refine((zone) => IANAZone.isValidZone(zone), 'must be an IANA time zone such as Europe/Berlin')
    .default('UTC'),
  CONSENT_POW_DIFFICULTY: z.coerce.number().int().min(0).max(24).default(16),
  CONSENT_CONFIRMATION_TTL_HOURS: z.coerce.number().int().min(1).max(720).default(72),
  RETENTION_SCHEDULE: z
    .string()
    .regex(
      /^(off|[0-9*,/-]+( [0-9*,/-]+){4})$/,
      'must be a cron expression of five fields, such as 30 2 * * * (daily at 02:30 UTC), or off',
    )
    .default('30 2 * * *'),
  RETENTION_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(500),
  WEBHOOK_ALLOW_HTTP: bool.default(false),
  WEBHOOK_ALLOW_PRIVATE: bool.default(false),
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(8),
  WEBHOOK_RETRY_BASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  WEBHOOK_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(60).default(10),
  PUBLIC_FORM_RATE_LIMIT: z.coerce.number().int().min(1).max(10_000).default(10),
  DIGITAL_CONSENT_AGES: z
    .string()
    .regex(
      /^[A-Z]{2}=1[3-6](,[A-Z]{2}=1[3-6])*$/,
      'must list COUNTRY=AGE pairs with ages from 13 to 16, such as FR=15,DE=16',
    )
    .optional(),
});

/** Public consent forms: bot check, double opt-in link lifetime, rate limit per address. */
export interface ConsentFormsConfig {
  /** Zero bits of the proof-of-work bot check (0 turns it off). */
  powDifficulty: number;
  confirmationTtlHours: number;
  /** Submissions per minute from one network address. */
  ratePerMinute: number;
}

/** Who is responsible for the processing: named in consent receipts and notices. */
export interface ControllerConfig {
  name: string;
  address: string;
  email: string | null;
  url: string;
  /** The data protection officer (GDPR Art. 37), named in the records of processing; null when not designated. */
  dpo?: { name: string | null; email: string | null } | null;
  /** Where the data is stored, in words (receipts' storage location). */
  dataLocation: string;
  /** How access packages name the staff who read a person's data: by role (default) or by name. */
  accessLogStaff?: 'role' | 'name';
}

export interface SmtpConfig {
  host: string;
  port: number;
  secure: boolean;
  auth: { user: string; pass: string } | null;
  from: string;
}

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  masterKey: Buffer | null;
  keyFile: string;
  publicUrl: string;
  /**
   * How many reverse proxies stand in front (0: none). Only their X-Forwarded-* headers are believed: the client
   * address is the one the outermost trusted proxy saw, so a client cannot pick its own by sending the header.
   */
  trustProxy: number;
  bodyLimit: number;
  /** How long a client may take to send a whole request (headers and body), in milliseconds. */
  requestTimeoutMs: number;
  /** Largest CSV file an import accepts, in bytes. */
  importLimitBytes: number;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  smtp: SmtpConfig | null;
  controller: ControllerConfig;
  consentForms: ConsentFormsConfig;
  /** The controller's IANA time zone: request deadlines end at midnight there. */
  timeZone: string;
  /** Overrides of the age of digital consent (GDPR Art. 8) by ISO country code. */
  digitalConsentAges: Readonly<Record<string, number>>;
  retention: RetentionConfig;
  /** From how many people a purpose counts as large-scale processing in the DPIA screening. */
  dpiaLargeScalePeople?: number;
  /** Campaign mails per second at most (throttling towards the mail server). */
  campaignRatePerSecond?: number;
  /** Where bounces and complaints arrive by SMTP (DSN, ARF); null when only the HTTP endpoint takes them. */
  mailEvents?: MailEventsConfig;
  webhooks: WebhookConfig;
}

/** Bounces and complaints: the in-process SMTP receiver and the domain of the campaign return paths. */
export interface MailEventsConfig {
  smtp: { host: string; port: number } | null;
  /** The domain of `bounces+…@` return paths; the domain of MAIL_FROM when not set. */
  bounceDomain: string | null;
}

/** Webhook delivery: which destinations are allowed, how hard to try, how long to wait. */
export interface WebhookConfig {
  /** Allow http:// destinations (https only otherwise). */
  allowHttp: boolean;
  /** Allow loopback and private-network destinations (refused otherwise, at creation and at connection). */
  allowPrivate: boolean;
  /** Attempts before a delivery is dead (the dead-letter list). */
  maxAttempts: number;
  /** The first retry waits this long; each next one twice as long (capped at six hours). */
  retryBaseMs: number;
  /** How long one attempt may take. */
  timeoutMs: number;
}

/** The retention sweep: when it runs (cron, UTC; null when off) and how many records each transaction handles. */
export interface RetentionConfig {
  schedule: string | null;
  batchSize: number;
}

/** A configuration problem, reported as one line naming the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly issue: string,
  ) {
    super(`Configuration error: ${variable} ${issue}`);
  }
}

/** Reads and validates the environment. Pure: touches neither the disk nor the network. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty variables count as unset, as shells and .env files often leave them.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? 'environment');
    throw new ConfigError(variable, describeIssue(issue?.message));
  }
  const e = parsed.data;
  if (e.SMTP_USER && !e.SMTP_PASSWORD)
    throw new ConfigError('SMTP_PASSWORD', 'is required when SMTP_USER is set');
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl: e.DATABASE_URL ?? null,
    masterKey: e.CUSTODIAN_MASTER_KEY ? Buffer.from(e.CUSTODIAN_MASTER_KEY, 'base64') : null,
    // Beside the data directory, never inside it: a copy of the data must not carry its key.
    keyFile: path.resolve(e.CUSTODIAN_KEY_FILE ?? `${dataDir}-keys/master.key`),
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    trustProxy: e.TRUST_PROXY,
    bodyLimit: e.BODY_LIMIT,
    requestTimeoutMs: e.REQUEST_TIMEOUT_SECONDS * 1000,
    importLimitBytes: e.IMPORT_LIMIT,
    logLevel: e.LOG_LEVEL,
    smtp: e.SMTP_HOST
      ? {
          host: e.SMTP_HOST,
          port: e.SMTP_PORT,
          secure: e.SMTP_SECURE,
          auth: e.SMTP_USER && e.SMTP_PASSWORD ? { user: e.SMTP_USER, pass: e.SMTP_PASSWORD } : null,
          from: e.MAIL_FROM,
        }
      : null,
    controller: {
      name: e.CONTROLLER_NAME ?? 'The operator of this Custodian server (set CONTROLLER_NAME)',
      address: e.CONTROLLER_ADDRESS ?? 'Not configured (set CONTROLLER_ADDRESS)',
      email: e.CONTROLLER_EMAIL ?? null,
      dpo: e.DPO_NAME || e.DPO_EMAIL ? { name: e.DPO_NAME ?? null, email: e.DPO_EMAIL ?? null } : null,
      url: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
      dataLocation: e.DATA_LOCATION,
      accessLogStaff: e.ACCESS_LOG_STAFF,
    },
    timeZone: e.TIME_ZONE,
    dpiaLargeScalePeople: e.DPIA_LARGE_SCALE_PEOPLE,
    campaignRatePerSecond: e.CAMPAIGN_RATE_PER_SECOND,
    mailEvents: {
      smtp: e.MAIL_EVENTS_SMTP_PORT ? { host: e.MAIL_EVENTS_SMTP_HOST, port: e.MAIL_EVENTS_SMTP_PORT } : null,
      bounceDomain: e.MAIL_BOUNCE_DOMAIN ?? null,
    },
    retention: {
      schedule: e.RETENTION_SCHEDULE === 'off' ? null : e.RETENTION_SCHEDULE,
      batchSize: e.RETENTION_BATCH_SIZE,
    },
    webhooks: {
      allowHttp: e.WEBHOOK_ALLOW_HTTP,
      allowPrivate: e.WEBHOOK_ALLOW_PRIVATE,
      maxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
      retryBaseMs: e.WEBHOOK_RETRY_BASE_SECONDS * 1000,
      timeoutMs: e.WEBHOOK_TIMEOUT_SECONDS * 1000,
    },
    consentForms: {
      powDifficulty: e.CONSENT_POW_DIFFICULTY,
      confirmationTtlHours: e.CONSENT_CONFIRMATION_TTL_HOURS,
      ratePerMinute: e.PUBLIC_FORM_RATE_LIMIT,
    },
    digitalConsentAges: Object.fromEntries(
      (e.DIGITAL_CONSENT_AGES?.split(',') ?? []).map((pair) => {
        const [country, age] = pair.split('=');
        return [country!, Number(age)];
      }),
    ),
  };
}

function describeIssue(message: string | undefined): string {
  if (!message) return 'is invalid';
  // Zod's messages describe the expected shape, never the value given.
  return `is invalid: ${message.charAt(0).toLowerCase()}${message.slice(1)}`;
}
