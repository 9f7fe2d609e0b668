/**
 * A Custodian server for the benchmarks: the real one (startServer), in this process, on a database of its own —
 * a fresh PostgreSQL database on the server of DATABASE_URL, or the embedded one in a directory — with the
 * first administrator created through the setup endpoint and a signed-in API session for loading data.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { setupToken } from '../../apps/server/src/modules/setup/index.js';
import { type Config, loadConfig } from '../../apps/server/src/platform/config.js';
import { KeyRing } from '../../apps/server/src/platform/crypto/keys.js';
import { execute, openPglite, openPostgres } from '../../apps/server/src/platform/db/database.js';
import { createLogger } from '../../apps/server/src/platform/log.js';
import { loadExistingMasterKey } from '../../apps/server/src/platform/master-key.js';
import { type RunningServer, startServer } from '../../apps/server/src/server.js';

export const defaultServer = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The URL of database `name` on the server of `serverUrl`. */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops and creates database `name` on the server of `serverUrl`. */
export async function recreateDatabase(serverUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name))
    throw new Error('a database name is lower-case letters, digits and _');
  const admin = await openPostgres(serverUrl, { max: 1 });
  try {
    await execute(admin.db, sql.raw(`drop database if exists ${name} with (force)`));
    await execute(admin.db, sql.raw(`create database ${name}`));
  } finally {
    await admin.close();
  }
  return databaseUrl(serverUrl, name);
}

export interface BenchServer {
  url: string;
  server: RunningServer;
  config: Config;
  /** Where the master key (and, on the embedded database, the data) lives. */
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * Starts the server on PostgreSQL at `databaseUrl`, or on the embedded database when it is null. The data
 * directory holds the master key: keep it (`dataDir`) to start again on the same data.
 */
export async function startBenchServer(options: {
  databaseUrl: string | null;
  dataDir?: string;
}): Promise<BenchServer> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'custodian-bench-'));
  const config: Config = {
    ...loadConfig({
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    }),
    port: 0,
    host: '127.0.0.1',
  };
  const server = await startServer(config, createLogger('warn'));
  return { url: server.url, server, config, dataDir, stop: () => server.stop() };
}

export type ApiCall = <T>(method: string, path: string, body?: unknown) => Promise<T>;

export interface Session {
  call: ApiCall;
  /** Cookie and CSRF headers, for requests the JSON helper does not make (uploads). */
  headers: Record<string, string>;
}

const password = 'benchmark passphrase, long enough';

/** Creates the first administrator with the setup token, as the setup page would, and signs in. */
export async function adminSession(bench: Pick<BenchServer, 'url' | 'config'>): Promise<Session> {
  const key = loadExistingMasterKey(bench.config);
  if (!key) throw new Error('the server has no master key');
  const email = adminEmail;
  const setup = await fetch(`${bench.url}/api/v1/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: setupToken(new KeyRing(key)), name: 'Benchmark', email, password }),
  });
  // 409: set up already (a run on kept data).
  if (setup.status !== 201 && setup.status !== 409) throw new Error(`setup answered ${setup.status}`);
  return signIn(bench.url, email);
}

export const adminEmail = 'bench-admin@custodian.invalid';

export async function signIn(baseUrl: string, email: string = adminEmail): Promise<Session> {
  const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (login.status !== 200) throw new Error(`login answered ${login.status}`);
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const headers = { cookie, 'x-csrf-token': csrfToken };
  const call: ApiCall = async <T>(method: string, url: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${baseUrl}${url}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status === 204) return undefined as T;
    const data = await res.json();
    // The problem's type and field paths only: a benchmark's output never carries the data it sent.
    if (!res.ok) throw new Error(`${method} ${url.split('?')[0]}: ${res.status} ${problemSummary(data)}`);
    return data as T;
  };
  return { call, headers };
}

function problemSummary(data: unknown): string {
  const p = data as { title?: string; errors?: { field?: string; issue?: string }[] };
  const fields = (p.errors ?? []).map((e) => `${e.field}: ${e.issue}`).join('; ');
  return [p.title, fields].filter(Boolean).join(' — ');
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.floor(s.length / 2)]!;
};

/**
 * Contact ids by person index, for the people of `wanted`: the generated primary e-mail carries the index
 * (`….123@…`). Reads the list by creation time, 200 a page, until all are found (or the list ends).
 */
export async function contactIdsByIndex(session: Session, wanted: ReadonlySet<number>): Promise<string[]> {
  const ids: string[] = [];
  let found = 0;
  let cursor: string | null = null;
  do {
    const page: { items: { id: string; emails: { value: string }[] }[]; nextCursor: string | null } =
      await session.call(
        'GET',
        `/api/v1/contacts?limit=200&sort=createdAt${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
    for (const c of page.items)
      for (const e of c.emails) {
        const index = Number(/\.(\d+)@/.exec(e.value)?.[1] ?? Number.NaN);
        if (wanted.has(index) && ids[index] === undefined) {
          ids[index] = c.id;
          found++;
        }
      }
    cursor = page.nextCursor;
  } while (cursor && found < wanted.size);
  return ids;
}

/**
 * `vacuum analyze` of the whole database, the steady state a running database keeps by itself: autovacuum is
 * off on this machine's PostgreSQL and PGlite has none, so without it the planner works from no statistics and
 * index pending lists grow unbounded. `databaseUrl` null: the embedded database in `dataDir`. Returns the ms.
 */
export async function vacuumAnalyze(databaseUrl: string | null, dataDir: string): Promise<number> {
  const t = performance.now();
  const maintenance = databaseUrl ? await openPostgres(databaseUrl, { max: 1 }) : await openPglite(dataDir);
  try {
    await execute(maintenance.db, sql`vacuum analyze`);
  } finally {
    await maintenance.close();
  }
  return Math.round(performance.now() - t);
}
