import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyRing } from '../platform/crypto/keys.js';
import { type Database, openPglite, openPostgres, queryRows, transaction } from '../platform/db/database.js';
import { migrationStatus } from '../platform/db/migrate.js';
import { buildTestApp } from '../test/context.js';
import { engine } from '../test/database.js';
import { databaseUrlFor } from '../test/global-setup.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const spawnTimeout = 120_000;

// Everything loadConfig reads, and what else could change how the CLI runs: each run states its own.
const inherited = [
  'PORT',
  'HOST',
  'DATA_DIR',
  'DATABASE_URL',
  'CUSTODIAN_MASTER_KEY',
  'CUSTODIAN_KEY_FILE',
  'CUSTODIAN_PASSWORD',
  'PUBLIC_URL',
  'TRUST_PROXY',
  'BODY_LIMIT',
  'REQUEST_TIMEOUT_SECONDS',
  'IMPORT_LIMIT',
  'LOG_LEVEL',
  'SMTP_HOST',
  'SMTP_PORT',
  'SMTP_SECURE',
  'SMTP_USER',
  'SMTP_PASSWORD',
  'MAIL_FROM',
  'TIME_ZONE',
  'CONTROLLER_NAME',
  'CONTROLLER_ADDRESS',
  'CONTROLLER_EMAIL',
  'DPO_NAME',
  'DPO_EMAIL',
  'RETENTION_SCHEDULE',
  'RETENTION_BATCH_SIZE',
  'DATA_LOCATION',
  'ACCESS_LOG_STAFF',
  'DIGITAL_CONSENT_AGES',
  'CONSENT_POW_DIFFICULTY',
  'CONSENT_CONFIRMATION_TTL_HOURS',
  'PUBLIC_FORM_RATE_LIMIT',
  'NODE_OPTIONS',
];

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `custodian` command from the sources, as a user would run the built one. */
function cli(args: string[], env: Record<string, string>): Promise<CliResult> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const name of inherited) delete childEnv[name];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/cli/main.ts', ...args], {
      cwd: repoRoot,
      env: { ...childEnv, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const lines = (text: string) => text.split('\n').filter((line) => line.trim() !== '');

let base = '';
let dataDir = '';
let keyFile = '';
let databaseUrl: string | null = null;
let databaseName: string | null = null;
/** The environment of a normal run: this engine's database and a key file beside DATA_DIR. */
let env: Record<string, string> = {};

beforeAll(async () => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'custodian-cli-'));
  dataDir = path.join(base, 'data');
  keyFile = `${dataDir}-keys/master.key`;
  env = { DATA_DIR: dataDir };
  const server = process.env.DATABASE_URL;
  if (server) {
    // An empty database, so that the CLI's own `migrate` builds the schema.
    databaseName = `custodian_cli_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    await admin.query(`create database ${databaseName}`);
    await admin.end();
    databaseUrl = databaseUrlFor(server, databaseName);
    env.DATABASE_URL = databaseUrl;
  }
});

afterAll(async () => {
  fs.rmSync(base, { recursive: true, force: true });
  const server = process.env.DATABASE_URL;
  if (server && databaseName) {
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    await admin.query(`drop database if exists ${databaseName} with (force)`);
    await admin.end();
  }
});

/** The CLI's database, opened in this process once the CLI has exited. */
function openCliDatabase(): Promise<Database> {
  return databaseUrl ? openPostgres(databaseUrl, { max: 1 }) : openPglite(dataDir);
}

describe('custodian --help', () => {
  it(
    'prints help and exits 0 for the program and every command',
    async () => {
      const commands = [
        [],
        ['serve'],
        ['migrate'],
        ['user'],
        ['user', 'create'],
        ['token'],
        ['token', 'create'],
        ['audit'],
        ['audit', 'verify'],
        ['keys'],
        ['keys', 'rotate'],
        ['demo'],
        ['import'],
        ['import', 'contacts'],
        ['backup'],
        ['restore'],
      ];
      const results: CliResult[] = [];
      for (let i = 0; i < commands.length; i += 3) {
        const batch = commands.slice(i, i + 3).map((command) => cli([...command, '--help'], {}));
        results.push(...(await Promise.all(batch)));
      }
      commands.forEach((command, i) => {
        const result = results[i];
        const usage = ['Usage: custodian', ...command].join(' ');
        expect(result?.code, command.join(' ')).toBe(0);
        expect(result?.stdout, command.join(' ')).toContain(usage);
        expect(result?.stderr, command.join(' ')).toBe('');
      });
      expect(results[4]?.stdout).toContain('--email <email>');
      expect(results[4]?.stdout).toContain('--role <role>');
      expect(results[6]?.stdout).toContain('--name <name>');
      expect(fs.existsSync(dataDir)).toBe(false);
    },
    spawnTimeout,
  );
});

describe('custodian with a bad configuration', () => {
  it(
    'exits non-zero with one line naming the variable, and creates neither data directory nor key',
    async () => {
      const [badPort, badUrl] = await Promise.all([
        cli(['migrate'], { ...env, PORT: 'abc' }),
        cli(['migrate'], { DATA_DIR: dataDir, DATABASE_URL: 'mysql://x' }),
      ]);
      for (const [result, variable] of [
        [badPort, 'PORT'],
        [badUrl, 'DATABASE_URL'],
      ] as const) {
        expect(result.code, variable).not.toBe(0);
        expect(result.code, variable).not.toBeNull();
        expect(lines(result.stderr), variable).toHaveLength(1);
        expect(result.stderr, variable).toContain(variable);
        expect(result.stdout, variable).toBe('');
      }
      expect(badUrl.stderr).not.toContain('mysql://x');
      expect(fs.existsSync(dataDir)).toBe(false);
      expect(fs.existsSync(path.dirname(keyFile))).toBe(false);
    },
    spawnTimeout,
  );
});

describe('custodian commands on one installation', () => {
  // The steps build on each other, as an administrator's first session would.
  const adminEmail = `Ada.Admin-${randomBytes(4).toString('hex')}@example.test`;
  const password = 'a long enough password for the cli';
  let token = '';

  it(
    'migrate: creates the key file beside DATA_DIR with a loud notice; a second run is a no-op',
    async () => {
      const first = await cli(['migrate'], env);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toBe(`Migrations are current (${engine}).\n`);
      expect(first.stderr).toContain(`A new master key was generated at ${keyFile}`);
      expect(first.stderr).toContain('BACK IT UP NOW');
      expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
      expect(fs.statSync(path.dirname(keyFile)).mode & 0o777).toBe(0o700);
      expect(Buffer.from(fs.readFileSync(keyFile, 'utf8').trim(), 'base64')).toHaveLength(32);
      expect(fs.readdirSync(base).sort()).toEqual(
        engine === 'pglite' ? ['data', 'data-keys'] : ['data-keys'],
      );
      if (engine === 'pglite') expect(fs.existsSync(path.join(dataDir, 'custodian.lock'))).toBe(false);
      const key = fs.readFileSync(keyFile);

      const second = await cli(['migrate'], env);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toBe(`Migrations are current (${engine}).\n`);
      expect(second.stderr).toBe('');
      expect(fs.readFileSync(keyFile).equals(key)).toBe(true);
    },
    spawnTimeout,
  );

  it(
    'user create: refuses a missing password without a terminal, a short password and an unknown role',
    async () => {
      const [noPassword, shortPassword, badRole] = await Promise.all([
        cli(['user', 'create', '--email', adminEmail, '--role', 'admin'], env),
        cli(['user', 'create', '--email', adminEmail, '--role', 'admin'], {
          ...env,
          CUSTODIAN_PASSWORD: 'short',
        }),
        cli(['user', 'create', '--email', adminEmail, '--role', 'wizard'], {
          ...env,
          CUSTODIAN_PASSWORD: password,
        }),
      ]);
      expect(noPassword.code).toBe(1);
      expect(lines(noPassword.stderr)).toEqual([
        'Set CUSTODIAN_PASSWORD, or run on a terminal to type the password',
      ]);
      expect(shortPassword.code).toBe(1);
      expect(lines(shortPassword.stderr)).toHaveLength(1);
      expect(shortPassword.stderr).toMatch(/password is invalid/);
      expect(badRole.code).not.toBe(0);
      expect(badRole.code).not.toBeNull();
      expect(badRole.stderr).toContain(
        'role must be one of: admin, dpo, sales, marketing, support, readonly',
      );
      for (const result of [noPassword, shortPassword, badRole]) expect(result.stdout).toBe('');
    },
    spawnTimeout,
  );

  it(
    'user create: creates an administrator with CUSTODIAN_PASSWORD, printing its id, not its e-mail',
    async () => {
      const created = await cli(['user', 'create', '--email', adminEmail, '--role', 'admin'], {
        ...env,
        CUSTODIAN_PASSWORD: password,
      });
      expect(created.code, created.stderr).toBe(0);
      expect(created.stdout).toMatch(/^Created admin [0-9a-f-]{36}\n$/);
      expect(created.stderr).toBe('');
    },
    spawnTimeout,
  );

  it(
    'token create: prints a cst_ token once, on stdout only',
    async () => {
      const result = await cli(
        ['token', 'create', '--email', adminEmail.toUpperCase(), '--name', 'billing sync'],
        env,
      );
      expect(result.code, result.stderr).toBe(0);
      expect(lines(result.stdout)).toHaveLength(1);
      token = result.stdout.trim();
      expect(token).toMatch(/^cst_[A-Za-z0-9_-]{43}$/);
      expect(result.stderr).toContain('It is shown only now');
      expect(result.stderr).not.toContain(token);
      expect(result.stderr).not.toContain(token.slice(4));
    },
    spawnTimeout,
  );

  it(
    'audit verify: exits 0 with the count of entries verified',
    async () => {
      const result = await cli(['audit', 'verify'], env);
      expect(result.code, result.stderr).toBe(0);
      // One entry for the user, one for the token.
      expect(lines(result.stdout)).toEqual([
        'Audit chain intact: 2 entries verified, 0 not sealed yet.',
        expect.stringMatching(/^Head: position 2, hash [0-9a-f]{64}$/),
      ]);
      expect(result.stderr).toBe('');
    },
    spawnTimeout,
  );

  it(
    'requests list and show: deadlines in TIME_ZONE, flags, the requester and every step',
    async () => {
      const database = await openCliDatabase();
      let requestId = '';
      try {
        const keys = new KeyRing(Buffer.from(fs.readFileSync(keyFile, 'utf8').trim(), 'base64'));
        const app = await buildTestApp(database, keys);
        try {
          const created = await app.inject({
            method: 'POST',
            url: '/api/v1/requests',
            headers: { authorization: `Bearer ${token}` },
            payload: {
              type: 'erasure',
              requester: { email: 'rita.requester@example.test', name: 'Rita Requester' },
              receivedAt: '2026-01-31T10:00:00Z',
            },
          });
          expect(created.statusCode, created.body).toBe(201);
          requestId = created.json<{ id: string }>().id;
        } finally {
          await app.close();
        }
      } finally {
        await database.close();
      }
      const tz = { ...env, TIME_ZONE: 'Europe/Berlin' };
      const listed = await cli(['requests', 'list'], tz);
      expect(listed.code, listed.stderr).toBe(0);
      expect(lines(listed.stdout)[0]).toContain('Due (Europe/Berlin)');
      // 28 February 2026 is a Saturday: due Monday 2 March, end of day in Berlin.
      expect(listed.stdout).toMatch(
        new RegExp(`2026-03-02 23:59 +OVERDUE +received +erasure +gdpr +${requestId}`),
      );
      const shown = await cli(['requests', 'show', requestId], tz);
      expect(shown.code, shown.stderr).toBe(0);
      expect(lines(shown.stdout)).toEqual(
        expect.arrayContaining([
          `Request ${requestId}: erasure (GDPR), received`,
          'Requester: Rita Requester <rita.requester@example.test>',
          'Verified: no',
        ]),
      );
      const none = await cli(['requests', 'list', '--status', 'closed'], tz);
      expect(none.stdout).toBe('No requests.\n');
      const bad = await cli(['requests', 'show', 'nope'], tz);
      expect(bad.code).toBe(1);
      expect(lines(bad.stderr)).toEqual(['That is not a request id (a UUID)']);
    },
    spawnTimeout,
  );

  it(
    'erase, suppression export and reapply: a person erased, brought back by a restore, erased again',
    async () => {
      const email = `erin-${randomBytes(4).toString('hex')}@example.test`;
      const createErin = async () => {
        const database = await openCliDatabase();
        try {
          const keys = new KeyRing(Buffer.from(fs.readFileSync(keyFile, 'utf8').trim(), 'base64'));
          const app = await buildTestApp(database, keys);
          try {
            const res = await app.inject({
              method: 'POST',
              url: '/api/v1/contacts',
              headers: { authorization: `Bearer ${token}` },
              payload: { firstName: 'Erin', emails: [{ value: email }] },
            });
            return res;
          } finally {
            await app.close();
          }
        } finally {
          await database.close();
        }
      };
      const created = await createErin();
      expect(created.statusCode, created.body).toBe(201);
      const id = created.json<{ id: string }>().id;

      const bad = await cli(['erase', '--subject', 'nope', '--reason', 'x'], env);
      expect(bad.code).toBe(1);
      expect(lines(bad.stderr)).toEqual(['--subject must be a contact id (a UUID)']);
      const erased = await cli(['erase', '--subject', id, '--reason', 'Ticket 42'], env);
      expect(erased.code, erased.stderr).toBe(0);
      expect(lines(erased.stdout), erased.stdout).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^Erased \(erased\)\. Certificate [0-9a-f-]{36}$/),
          expect.stringMatching(/^ {2}sha256 [0-9a-f]{64}, recorded in audit entry \d+$/),
          '  contacts: 1 deleted',
          expect.stringMatching(
            /^ {2}verification: \d+ columns in \d+ tables scanned, \d+ proved by the schema, 0 hits$/,
          ),
        ]),
      );
      expect(erased.stdout).not.toContain(id);
      const again = await cli(['erase', '--subject', id, '--reason', 'Ticket 42'], env);
      expect(again.code).toBe(1);
      expect(lines(again.stderr)).toEqual(['The contact does not exist']);

      const file = path.join(base, 'suppression.jsonl');
      const exported = await cli(['suppression', 'export', file], env);
      expect(exported.code, exported.stderr).toBe(0);
      expect(fs.readFileSync(file, 'utf8')).not.toContain(email);
      expect(lines(fs.readFileSync(file, 'utf8'))).toHaveLength(1);

      // A backup from before the erasure is restored: the list is empty and the person is back.
      const database = await openCliDatabase();
      try {
        await database.db.execute(sql`delete from suppression_entries`);
      } finally {
        await database.close();
      }
      expect((await createErin()).statusCode).toBe(201);

      const dry = await cli(['suppression', 'reapply', '--from', file, '--dry-run'], env);
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout).toContain('1 would be erased again (dry run: nothing changed).');
      const reapplied = await cli(['suppression', 'reapply', '--from', file], env);
      expect(reapplied.code, reapplied.stderr).toBe(0);
      expect(lines(reapplied.stdout), reapplied.stdout).toEqual(
        expect.arrayContaining([
          `1 entries restored to the suppression list from ${file}.`,
          '1 erased again.',
        ]),
      );
      const twice = await cli(['suppression', 'reapply'], env);
      expect(lines(twice.stdout)).toContain('0 erased again.');
      expect((await createErin()).statusCode).toBe(409);
      const verified = await cli(['audit', 'verify'], env);
      expect(verified.code, verified.stdout).toBe(0);
    },
    spawnTimeout * 3,
  );

  it(
    'audit verify: exits 1 naming the first entry a database administrator edited',
    async () => {
      const database = await openCliDatabase();
      let tamperedId = 0;
      try {
        expect((await migrationStatus(database)).current).toBe(true);
        // The token the CLI printed works against the API, and the database keeps only its hash.
        const keys = new KeyRing(Buffer.from(fs.readFileSync(keyFile, 'utf8').trim(), 'base64'));
        const app = await buildTestApp(database, keys);
        try {
          const me = await app.inject({
            url: '/api/v1/auth/me',
            headers: { authorization: `Bearer ${token}` },
          });
          expect(me.statusCode).toBe(200);
          expect(me.json()).toMatchObject({
            user: { email: adminEmail.toLowerCase(), role: 'admin' },
            authMethod: 'token',
          });
        } finally {
          await app.close();
        }
        const stored = await queryRows<{ row: string }>(
          database.db,
          sql`select t::text as row from api_tokens t`,
        );
        expect(stored).toHaveLength(1);
        expect(stored[0]?.row).not.toContain(token.slice(4));

        const [first] = await queryRows<{ id: number }>(
          database.db,
          sql`select id from audit_entries where seq = 1`,
        );
        if (!first) throw new Error('the chain has no first entry');
        tamperedId = first.id;
        await transaction(database.db, async (tx) => {
          await tx.execute(sql`set local session_replication_role = replica`);
          await tx.execute(sql`update audit_entries set action = 'user.read' where id = ${first.id}`);
        });
      } finally {
        await database.close();
      }

      const result = await cli(['audit', 'verify'], env);
      expect(result.code).toBe(1);
      expect(lines(result.stdout)).toEqual([
        `Audit chain BROKEN at entry ${tamperedId} (position 1): its content was changed after it was written.`,
        '0 entries before it verified.',
      ]);
    },
    spawnTimeout,
  );

  it(
    'keys rotate: replaces the master key, retires the old one beside it, and old entries still verify',
    async () => {
      const oldKey = fs.readFileSync(keyFile, 'utf8');
      const oldId = new KeyRing(Buffer.from(oldKey.trim(), 'base64')).masterKeyId;
      const result = await cli(['keys', 'rotate'], env);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(
        // The staff member and the request created above are data subjects: their keys are re-wrapped.
        new RegExp(`^Master key rotated: ${oldId} -> [0-9a-f]{16}; 2 data keys re-wrapped\\.\n$`),
      );
      expect(fs.readFileSync(keyFile, 'utf8')).not.toBe(oldKey);
      expect(fs.readFileSync(path.join(path.dirname(keyFile), 'retired', `${oldId}.key`), 'utf8')).toBe(
        oldKey,
      );
      expect(fs.existsSync(`${keyFile}.next`)).toBe(false);
      // Entries signed under the retired key are still checked by their MAC: the edited one is still named
      // for its edit, not for an unknown key.
      const verify = await cli(['audit', 'verify'], env);
      expect(verify.code).toBe(1);
      expect(verify.stdout).toContain('(position 1): its content was changed after it was written.');
      // With the key in the environment, rotation refuses rather than rewrite a file that is not used.
      const fromEnv = await cli(['keys', 'rotate'], {
        ...env,
        CUSTODIAN_MASTER_KEY: randomBytes(32).toString('base64'),
      });
      expect(fromEnv.code).toBe(1);
      expect(lines(fromEnv.stderr)).toHaveLength(1);
    },
    spawnTimeout,
  );
});

describe('custodian while another process holds the embedded database', () => {
  it(
    'exits 1 with one clear "in use" line, leaving the holder alone',
    async () => {
      const busyDir = path.join(base, 'busy');
      const holder = await openPglite(busyDir);
      try {
        const result = await cli(['migrate'], {
          DATA_DIR: busyDir,
          CUSTODIAN_MASTER_KEY: randomBytes(32).toString('base64'),
        });
        expect(result.code).toBe(1);
        expect(lines(result.stderr)).toHaveLength(1);
        expect(result.stderr).toContain('in use');
        expect(result.stderr).toContain(`pid ${process.pid}`);
        expect(result.stdout).toBe('');
        expect(fs.readFileSync(path.join(busyDir, 'custodian.lock'), 'utf8')).toBe(String(process.pid));
        const alive = await queryRows<{ ok: number }>(holder.db, sql`select 1 as ok`);
        expect(alive[0]?.ok).toBe(1);
      } finally {
        await holder.close();
      }
    },
    spawnTimeout,
  );
});

describe('custodian demo', () => {
  it(
    'seeds a small demo into the installation above, then refuses a second one without --force',
    async () => {
      // The installation already has its administrator but no contacts.
      const seeded = await cli(['demo', '--contacts', '20', '--seed', '7'], env);
      expect(seeded.code, seeded.stderr).toBe(0);
      expect(seeded.stdout).toBe(
        'Seeded 20 contacts, 3 companies, 8 deals, 40 activities and 10 tasks (seed 7).\n',
      );
      expect(seeded.stderr).toBe('');

      const again = await cli(['demo', '--contacts', '20'], env);
      expect(again.code).toBe(1);
      expect(lines(again.stderr)).toHaveLength(1);
      expect(again.stderr).toContain('already holds contacts');
      expect(again.stderr).toContain('--force');
      expect(again.stdout).toBe('');
    },
    spawnTimeout,
  );
});

describe('custodian import contacts', () => {
  it(
    'imports a CSV with a progress report, listing the bad row by number and column, never its value',
    async () => {
      const file = path.join(base, 'people.csv');
      fs.writeFileSync(
        file,
        'Name,Mail\nGrace,grace@example.test\nAlan,alan-at-example\nGrace again,GRACE@example.test\n',
      );
      const args = ['import', 'contacts', file, '--map', 'Name=firstName', '--map', 'Mail=email'];
      const imported = await cli([...args, '--source', 'conference list', '--lawful-basis', 'consent'], env);
      // 2: done, but some rows were refused.
      expect(imported.code, imported.stderr).toBe(2);
      expect(imported.stdout).toMatch(
        /^Imported 3 rows: 1 created, 0 updated, 1 skipped as duplicates, 1 refused \(import [0-9a-f-]{36}\)\.\n$/,
      );
      expect(imported.stderr).toContain('row 2, column Mail:');
      expect(imported.stderr).toContain('3/3 rows');
      expect(imported.stderr).not.toContain('alan-at-example');

      const missing = await cli([...args, '--source', 'x', '--lawful-basis', 'maybe'], env);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('lawful basis must be one of');
    },
    spawnTimeout,
  );
});

describe('custodian import activities and consents', () => {
  it(
    'imports activities and consent history about people already imported, listing bad rows by number and column',
    async () => {
      const people = path.join(base, 'history-people.csv');
      fs.writeFileSync(people, 'Name,Mail\nAda,ada-history@example.test\n');
      const contacts = await cli(
        [
          ...['import', 'contacts', people, '--map', 'Name=firstName', '--map', 'Mail=email'],
          ...['--source', 'old CRM', '--lawful-basis', 'legitimate_interests'],
        ],
        env,
      );
      expect(contacts.code, contacts.stderr).toBe(0);

      const activities = path.join(base, 'history-activities.csv');
      fs.writeFileSync(
        activities,
        'Kind,At,Title,Who\ncall,2024-01-05,Renewal,ada-history@example.test\nnote,2024-01-06,Lost,bob-secret@example.test\n',
      );
      const mapped = [
        '--map',
        'Kind=type',
        '--map',
        'At=occurredAt',
        '--map',
        'Title=subject',
        '--map',
        'Who=email',
      ];
      const acts = await cli(['import', 'activities', activities, ...mapped, '--source', 'old CRM'], env);
      expect(acts.code, acts.stderr).toBe(2);
      expect(acts.stdout).toMatch(
        /^Imported 2 rows: 1 activities added, 0 skipped as already recorded, 1 refused \(import [0-9a-f-]{36}\)\.\n$/,
      );
      expect(acts.stderr).toContain('row 2, column Who: names nobody in the CRM');
      expect(acts.stderr).not.toContain('bob-secret');

      const consents = path.join(base, 'history-consents.csv');
      fs.writeFileSync(
        consents,
        'Mail,Purpose,Kind,Date\nada-history@example.test,newsletter,withdrawn,2023-02-01\n',
      );
      const cmap = [
        '--map',
        'Mail=email',
        '--map',
        'Purpose=purpose',
        '--map',
        'Kind=kind',
        '--map',
        'Date=occurredAt',
      ];
      const dry = await cli(
        ['import', 'consents', consents, ...cmap, '--source', 'old shop', '--dry-run'],
        env,
      );
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout).toMatch(/^Dry run: would have imported 1 rows: 1 consent events added/);
      const done = await cli(['import', 'consents', consents, ...cmap, '--source', 'old shop'], env);
      expect(done.code, done.stderr).toBe(0);
      expect(done.stdout).toMatch(/^Imported 1 rows: 1 consent events added, 0 skipped/);
    },
    spawnTimeout * 2,
  );
});
