import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, queryRows } from './platform/db/database.js';
import { createTestDatabase } from './test/database.js';
import { runCli, type ServerProcess, signIn, startServerProcess } from './test/processes.js';

/**
 * Two real server processes (`custodian serve`) on different ports and one PostgreSQL database, as behind a
 * load balancer: a session or an API token made on one works on the other, and ends on both; audit entries
 * written on both chain into one trail that verifies; a scheduled job runs once per tick, not once per server.
 * The embedded database belongs to one process, so this runs on PostgreSQL only.
 */
const masterKey = randomBytes(32).toString('base64');
const password = `Pw-${randomBytes(9).toString('base64url')}`;
const email = 'admin@several.example';

let database: Database & { url: string | null };
let base = '';
let env: NodeJS.ProcessEnv = {};
const servers: ServerProcess[] = [];
const cli = (args: string[], extra: NodeJS.ProcessEnv = {}) => runCli(args, { ...env, ...extra });

interface Session {
  cookie: string;
  csrf: string;
}

async function call(
  server: ServerProcess,
  method: string,
  url: string,
  auth: { session?: Session; token?: string },
  body?: unknown,
): Promise<{ status: number; json: () => unknown; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (auth.session) {
    headers.cookie = auth.session.cookie;
    if (method !== 'GET') headers['x-csrf-token'] = auth.session.csrf;
  }
  if (auth.token) headers.authorization = `Bearer ${auth.token}`;
  const res = await fetch(`${server.url}${url}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: () => JSON.parse(text), headers: res.headers };
}

const engineIsPostgres = Boolean(process.env.DATABASE_URL);

beforeAll(async () => {
  if (!engineIsPostgres) return;
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'custodian-several-'));
  database = await createTestDatabase();
  env = {
    DATABASE_URL: database.url!,
    CUSTODIAN_MASTER_KEY: masterKey,
    LOG_LEVEL: 'info',
    // Every minute, so two ticks fit in a test; the sweep has nothing due, a run is still recorded.
    RETENTION_SCHEDULE: '* * * * *',
  };
  const created = await cli(['user', 'create', '--email', email, '--role', 'admin'], {
    CUSTODIAN_PASSWORD: password,
    DATA_DIR: path.join(base, 'data-cli'),
  });
  expect(created.code, created.stderr).toBe(0);
  const started = await Promise.all(
    ['a', 'b'].map((name) => startServerProcess({ ...env, DATA_DIR: path.join(base, `data-${name}`) })),
  );
  servers.push(...started);
}, 180_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.kill()));
  await database?.close();
  if (base) fs.rmSync(base, { recursive: true, force: true });
});

describe.skipIf(!engineIsPostgres)('two servers on one PostgreSQL', () => {
  it('a session and an API token made on one server work on the other, and end on both', async () => {
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const session: Session = await signIn(a, email, password);

    expect((await call(b, 'GET', '/api/v1/auth/me', { session })).status).toBe(200);
    const created = await call(
      b,
      'POST',
      '/api/v1/contacts',
      { session },
      { firstName: 'Ada', lastName: 'Two' },
    );
    expect(created.status).toBe(201);
    const contactId = (created.json() as { id: string }).id;
    const read = await call(a, 'GET', `/api/v1/contacts/${contactId}`, { session });
    expect(read.status).toBe(200);
    expect((read.json() as { lastName: string }).lastName).toBe('Two');

    const token = await call(
      a,
      'POST',
      '/api/v1/tokens',
      { session },
      { name: 'sync', scopes: ['contacts:read'], expiresInDays: 1 },
    );
    expect(token.status).toBe(201);
    const { secret, token: made } = token.json() as { secret: string; token: { id: string } };
    expect((await call(b, 'GET', `/api/v1/contacts/${contactId}`, { token: secret })).status).toBe(200);
    expect((await call(b, 'DELETE', `/api/v1/tokens/${made.id}`, { session })).status).toBe(204);
    expect((await call(a, 'GET', `/api/v1/contacts/${contactId}`, { token: secret })).status).toBe(401);
    expect((await call(b, 'GET', `/api/v1/contacts/${contactId}`, { token: secret })).status).toBe(401);

    expect((await call(b, 'POST', '/api/v1/auth/logout', { session })).status).toBe(204);
    expect((await call(a, 'GET', '/api/v1/auth/me', { session })).status).toBe(401);
    expect((await call(b, 'GET', '/api/v1/auth/me', { session })).status).toBe(401);
  });

  it('audit entries written on both servers at once chain into one trail that verifies', async () => {
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const secret = await cli([
      'token',
      'create',
      '--email',
      email,
      '--name',
      'writer',
      '--scopes',
      'contacts:read',
      'contacts:write',
    ]);
    expect(secret.code, secret.stderr).toBe(0);
    const token = secret.stdout.trim().split(/\s+/).pop()!;
    const writes = Array.from({ length: 60 }, (_, i) =>
      call(
        i % 2 ? a : b,
        'POST',
        '/api/v1/contacts',
        { token },
        { firstName: `Writer${i}`, lastName: 'Both' },
      ),
    );
    const statuses = (await Promise.all(writes)).map((r) => r.status);
    expect(statuses.every((s) => s === 201)).toBe(true);
    const verify = await cli(['audit', 'verify']);
    expect(verify.stdout).toMatch(/Audit chain intact: \d+ entries verified/);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    const [sealed] = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from audit_entries where action = 'contact.create' and seq is not null`,
    );
    expect(sealed!.n).toBeGreaterThanOrEqual(61);
  });

  it('a server started with another master key is refused, and the key it generated is removed again', async () => {
    const dataDir = path.join(base, 'data-other-key');
    const refused = await cli(['serve'], { CUSTODIAN_MASTER_KEY: undefined, DATA_DIR: dataDir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /The database is written under master key [0-9a-f]{16}, but the key given/,
    );
    expect(fs.existsSync(`${dataDir}-keys/master.key`)).toBe(false);
    expect(fs.existsSync(`${dataDir}-keys`)).toBe(true);
  });

  it('a scheduled job runs once per tick, not once per server', async () => {
    // Two completed runs of the every-minute sweep: up to three minutes after the servers started.
    let runs: { id: string; started: string }[] = [];
    for (let waited = 0; runs.length < 2; waited += 2) {
      if (waited > 200) throw new Error(`${runs.length} scheduled sweeps after 200 s`);
      runs = await queryRows(
        database.db,
        sql`select id, started_at::text as started from retention_runs where origin = 'schedule' and status = 'completed' order by started_at`,
      );
      await new Promise((r) => setTimeout(r, 2000));
    }
    const jobs = await queryRows<{ minute: string; n: number }>(
      database.db,
      sql`select date_trunc('minute', created_on)::text as minute, count(*)::int as n
          from (select created_on from pgboss.job where name = 'retention-sweep'
                union all select created_on from pgboss.archive where name = 'retention-sweep') j
          group by 1 order by 1`,
    );
    expect(jobs.length).toBeGreaterThanOrEqual(2);
    expect(jobs.every((j) => j.n === 1)).toBe(true);
    const allRuns = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from retention_runs where origin = 'schedule'`,
    );
    // One run per job; no server started a second sweep for the same tick.
    expect(allRuns[0]!.n).toBeLessThanOrEqual(jobs.length);
    const logs = servers.map((s) => s.log()).join('\n');
    expect(logs).not.toContain('retention sweep skipped');
    expect(logs.match(/retention sweep finished/g)?.length).toBe(allRuns[0]!.n);
    // Both servers are still serving.
    for (const s of servers) expect((await fetch(`${s.url}/readyz`)).status).toBe(200);
  }, 240_000);
});
