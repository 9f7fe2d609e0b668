import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

/** The ConfigError loadConfig throws for `env`, or a failure when it accepts it. */
function configErrorOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('loadConfig accepted the environment');
}

const key32 = randomBytes(32).toString('base64');

describe('loadConfig', () => {
  it('gives working defaults for an empty environment', () => {
    const config = loadConfig({});
    const dataDir = path.resolve('./data');
    expect(config).toEqual({
      port: 3000,
      host: 'localhost',
      dataDir,
      databaseUrl: null,
      masterKey: null,
      keyFile: `${dataDir}-keys/master.key`,
      publicUrl: 'http://localhost:3000',
      trustProxy: 0,
      bodyLimit: 1_048_576,
      requestTimeoutMs: 300_000,
      importLimitBytes: 2_147_483_648,
      logLevel: 'info',
      smtp: null,
      controller: {
        name: 'The operator of this Custodian server (set CONTROLLER_NAME)',
        address: 'Not configured (set CONTROLLER_ADDRESS)',
        email: null,
        dpo: null,
        url: 'http://localhost:3000',
        dataLocation: 'EU',
        accessLogStaff: 'role',
      },
      consentForms: { powDifficulty: 16, confirmationTtlHours: 72, ratePerMinute: 10 },
      timeZone: 'UTC',
      dpiaLargeScalePeople: 5000,
      campaignRatePerSecond: 20,
      mailEvents: { smtp: null, bounceDomain: null },
      digitalConsentAges: {},
      retention: { schedule: '30 2 * * *', batchSize: 500 },
      webhooks: {
        allowHttp: false,
        allowPrivate: false,
        maxAttempts: 8,
        retryBaseMs: 30_000,
        timeoutMs: 10_000,
      },
    });
  });

  it('reads the webhook settings', () => {
    const config = loadConfig({
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_ALLOW_PRIVATE: '1',
      WEBHOOK_MAX_ATTEMPTS: '3',
      WEBHOOK_RETRY_BASE_SECONDS: '5',
      WEBHOOK_TIMEOUT_SECONDS: '20',
    });
    expect(config.webhooks).toEqual({
      allowHttp: true,
      allowPrivate: true,
      maxAttempts: 3,
      retryBaseMs: 5000,
      timeoutMs: 20_000,
    });
    expect(configErrorOf({ WEBHOOK_MAX_ATTEMPTS: '0' }).variable).toBe('WEBHOOK_MAX_ATTEMPTS');
  });

  it('reads every variable it knows', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      DATA_DIR: '/srv/custodian/data',
      DATABASE_URL: 'postgresql://crm@db.internal:5432/crm',
      CUSTODIAN_MASTER_KEY: key32,
      CUSTODIAN_KEY_FILE: '/etc/custodian/master.key',
      PUBLIC_URL: 'https://crm.example.test/',
      TRUST_PROXY: '1',
      BODY_LIMIT: '2048',
      REQUEST_TIMEOUT_SECONDS: '900',
      IMPORT_LIMIT: '10485760',
      LOG_LEVEL: 'warn',
      SMTP_HOST: 'smtp.example.test',
      SMTP_PORT: '465',
      SMTP_SECURE: 'true',
      SMTP_USER: 'mailer',
      SMTP_PASSWORD: 'mail-password',
      MAIL_FROM: 'CRM <crm@example.test>',
      CONTROLLER_NAME: 'Example GmbH',
      CONTROLLER_ADDRESS: 'Beispielstraße 1, 10115 Berlin',
      CONTROLLER_EMAIL: 'privacy@example.test',
      DPO_NAME: 'Dana Protect',
      DPO_EMAIL: 'dpo@example.test',
      DATA_LOCATION: 'Germany',
      ACCESS_LOG_STAFF: 'name',
      CONSENT_POW_DIFFICULTY: '12',
      CONSENT_CONFIRMATION_TTL_HOURS: '24',
      PUBLIC_FORM_RATE_LIMIT: '30',
      DIGITAL_CONSENT_AGES: 'FR=15,DE=14',
      TIME_ZONE: 'Europe/Berlin',
      DPIA_LARGE_SCALE_PEOPLE: '20000',
      CAMPAIGN_RATE_PER_SECOND: '5',
      MAIL_EVENTS_SMTP_PORT: '2525',
      MAIL_EVENTS_SMTP_HOST: '0.0.0.0',
      MAIL_BOUNCE_DOMAIN: 'bounces.example.org',
      RETENTION_SCHEDULE: '0 3 * * 1-5',
      RETENTION_BATCH_SIZE: '200',
    });
    expect(config).toEqual({
      port: 8080,
      host: '0.0.0.0',
      dataDir: '/srv/custodian/data',
      databaseUrl: 'postgresql://crm@db.internal:5432/crm',
      masterKey: Buffer.from(key32, 'base64'),
      keyFile: '/etc/custodian/master.key',
      publicUrl: 'https://crm.example.test',
      trustProxy: 1,
      bodyLimit: 2048,
      requestTimeoutMs: 900_000,
      importLimitBytes: 10_485_760,
      logLevel: 'warn',
      smtp: {
        host: 'smtp.example.test',
        port: 465,
        secure: true,
        auth: { user: 'mailer', pass: 'mail-password' },
        from: 'CRM <crm@example.test>',
      },
      controller: {
        name: 'Example GmbH',
        address: 'Beispielstraße 1, 10115 Berlin',
        email: 'privacy@example.test',
        dpo: { name: 'Dana Protect', email: 'dpo@example.test' },
        url: 'https://crm.example.test',
        dataLocation: 'Germany',
        accessLogStaff: 'name',
      },
      consentForms: { powDifficulty: 12, confirmationTtlHours: 24, ratePerMinute: 30 },
      timeZone: 'Europe/Berlin',
      dpiaLargeScalePeople: 20000,
      campaignRatePerSecond: 5,
      mailEvents: { smtp: { host: '0.0.0.0', port: 2525 }, bounceDomain: 'bounces.example.org' },
      digitalConsentAges: { FR: 15, DE: 14 },
      retention: { schedule: '0 3 * * 1-5', batchSize: 200 },
      webhooks: {
        allowHttp: false,
        allowPrivate: false,
        maxAttempts: 8,
        retryBaseMs: 30_000,
        timeoutMs: 10_000,
      },
    });
  });

  it('refuses ages of digital consent outside 13 to 16, naming the variable', () => {
    for (const value of ['FR=12', 'FR=17', 'France=15', 'FR=15;DE=16'])
      expect(configErrorOf({ DIGITAL_CONSENT_AGES: value }).variable).toBe('DIGITAL_CONSENT_AGES');
    expect(configErrorOf({ CONSENT_POW_DIFFICULTY: '40' }).variable).toBe('CONSENT_POW_DIFFICULTY');
    expect(configErrorOf({ TIME_ZONE: 'Mars/Olympus' }).variable).toBe('TIME_ZONE');
    expect(configErrorOf({ DPIA_LARGE_SCALE_PEOPLE: 'many' }).variable).toBe('DPIA_LARGE_SCALE_PEOPLE');
    for (const value of ['daily', '30 2 * *', '30 2 * * * *'])
      expect(configErrorOf({ RETENTION_SCHEDULE: value }).variable).toBe('RETENTION_SCHEDULE');
    expect(configErrorOf({ RETENTION_BATCH_SIZE: '0' }).variable).toBe('RETENTION_BATCH_SIZE');
    expect(loadConfig({ RETENTION_SCHEDULE: 'off' }).retention.schedule).toBeNull();
  });

  it('keeps the key file beside the data directory, never inside it', () => {
    const config = loadConfig({ DATA_DIR: 'relative/place' });
    expect(config.dataDir).toBe(path.resolve('relative/place'));
    expect(config.keyFile).toBe(path.resolve('relative/place-keys/master.key'));
    expect(config.keyFile.startsWith(`${config.dataDir}${path.sep}`)).toBe(false);
  });

  it('counts empty strings as unset', () => {
    const config = loadConfig({
      PORT: '',
      HOST: '',
      DATA_DIR: '',
      DATABASE_URL: '',
      CUSTODIAN_MASTER_KEY: '',
      CUSTODIAN_KEY_FILE: '',
      PUBLIC_URL: '',
      TRUST_PROXY: '',
      LOG_LEVEL: '',
      SMTP_HOST: '',
      SMTP_USER: '',
      SMTP_PASSWORD: '',
    });
    expect(config).toEqual(loadConfig({}));
  });

  it('reads TRUST_PROXY as a number of proxy hops', () => {
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(0);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
  });

  it.each([
    ['PORT', { PORT: 'abc' }],
    ['PORT', { PORT: '0' }],
    ['PORT', { PORT: '65536' }],
    ['PORT', { PORT: '80.5' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://x' }],
    ['DATABASE_URL', { DATABASE_URL: 'postgres://' }],
    ['CUSTODIAN_MASTER_KEY', { CUSTODIAN_MASTER_KEY: randomBytes(16).toString('base64') }],
    ['CUSTODIAN_MASTER_KEY', { CUSTODIAN_MASTER_KEY: randomBytes(33).toString('base64') }],
    ['LOG_LEVEL', { LOG_LEVEL: 'verbose' }],
    ['TRUST_PROXY', { TRUST_PROXY: 'yes' }],
    ['TRUST_PROXY', { TRUST_PROXY: '10' }],
    ['REQUEST_TIMEOUT_SECONDS', { REQUEST_TIMEOUT_SECONDS: '5' }],
    ['BODY_LIMIT', { BODY_LIMIT: '10' }],
    ['PUBLIC_URL', { PUBLIC_URL: 'not a url' }],
    ['SMTP_PORT', { SMTP_PORT: 'smtp' }],
    ['ACCESS_LOG_STAFF', { ACCESS_LOG_STAFF: 'everyone' }],
  ] as const)('names %s when it is invalid (%o)', (variable, env) => {
    const err = configErrorOf(env);
    expect(err.variable).toBe(variable);
    expect(err.message).toMatch(new RegExp(`^Configuration error: ${variable} `));
    expect(err.message).not.toContain('\n');
  });

  it('requires SMTP_PASSWORD when SMTP_USER is set, and names it', () => {
    const err = configErrorOf({ SMTP_HOST: 'smtp.example.test', SMTP_USER: 'mailer' });
    expect(err.variable).toBe('SMTP_PASSWORD');
    expect(err.message).toContain('SMTP_USER');
    expect(() =>
      loadConfig({ SMTP_HOST: 'smtp.example.test', SMTP_USER: 'mailer', SMTP_PASSWORD: 'pw' }),
    ).not.toThrow();
  });

  it('never echoes the value it refuses', () => {
    const secret = 'hunter2-do-not-print';
    expect(configErrorOf({ DATABASE_URL: `mysql://admin:${secret}@db` }).message).not.toContain(secret);
    expect(configErrorOf({ CUSTODIAN_MASTER_KEY: secret }).message).not.toContain(secret);
    expect(configErrorOf({ LOG_LEVEL: secret }).message).not.toContain(secret);
  });
});
