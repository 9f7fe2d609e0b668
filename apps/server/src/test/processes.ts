import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Database, openPglite, openPostgres } from '../platform/db/database.js';
import { createTestDatabase } from './database.js';

/**
 * The real `custodian` command and server as separate processes, for tests that need what only a process
 * gives: several servers on one database, or a SIGKILL (no shutdown, no cleanup) at any point.
 */
export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

const mainArgs = ['--import', 'tsx', 'apps/server/src/cli/main.ts'];

/** The test process's environment without what would make the child use the test's own database or port. */
function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const inherited: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['DATABASE_URL', 'DATA_DIR', 'PORT', 'RETENTION_SCHEDULE', 'CUSTODIAN_KEY_FILE'])
    delete inherited[name];
  return { ...inherited, ...env };
}

export interface CliResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `custodian ARGS` to its end, or until it is killed with SIGKILL: `killAfterMs` after it started, or by
 * `onStdout` (called with everything printed so far).
 */
export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { killAfterMs?: number; onStdout?: (stdout: string, child: ChildProcess) => void } = {},
): Promise<CliResult> {
  const { killAfterMs, onStdout } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...mainArgs, ...args], {
      cwd: repoRoot,
      env: childEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      onStdout?.(stdout, child);
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const timer = killAfterMs === undefined ? null : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything it wrote so far (JSON log lines). */
  log(): string;
  /** SIGKILL, resolved once the process is gone (and, on the embedded database, its files are free). */
  kill(): Promise<void>;
  /** SIGTERM: a clean stop, resolved once the process has exited. */
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** Starts `custodian serve` on a free port and resolves once /readyz answers; a process that exits first fails. */
export async function startServerProcess(env: NodeJS.ProcessEnv): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...mainArgs, 'serve'], {
    cwd: repoRoot,
    env: childEnv({ ...env, PORT: String(port), HOST: '127.0.0.1' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (c: Buffer) => {
    log += c.toString();
  });
  child.stderr!.on('data', (c: Buffer) => {
    log += c.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    await exited;
  };
  const server: ServerProcess = {
    url,
    child,
    log: () => log,
    kill: () => signal('SIGKILL'),
    stop: () => signal('SIGTERM'),
  };
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the server exited before it was ready: ${log}`);
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return server;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A small seeded random generator (mulberry32), so a run's kill points can be repeated from its printed seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What the processes of a test share: a directory, their environment, and the database they run on. */
export interface ProcessWorld {
  env: NodeJS.ProcessEnv;
  /** Opens that database from the test (close it again before a process needs the embedded one). */
  open(): Promise<Database>;
  /** Drops the database (PostgreSQL) and removes the directory. */
  close(): Promise<void>;
}

/**
 * A data directory and master key for real processes; with DATABASE_URL, a fresh PostgreSQL database of its
 * own, otherwise the embedded one in the directory (created by the first process that opens it).
 */
export async function processWorld(
  name: string,
  masterKey: Buffer,
  env: NodeJS.ProcessEnv = {},
): Promise<ProcessWorld> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), `custodian-${name}-`));
  const worldEnv: NodeJS.ProcessEnv = {
    DATA_DIR: path.join(base, 'data'),
    CUSTODIAN_MASTER_KEY: masterKey.toString('base64'),
    LOG_LEVEL: 'warn',
    ...env,
  };
  let drop = async () => {};
  let open = () => openPglite(worldEnv.DATA_DIR!);
  if (process.env.DATABASE_URL) {
    const database = await createTestDatabase();
    const url = database.url!;
    worldEnv.DATABASE_URL = url;
    open = () => openPostgres(url, { max: 2 });
    drop = () => database.close();
  }
  return {
    env: worldEnv,
    open,
    close: async () => {
      await drop();
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
}

/** Signs in on a server process as a browser would: the cookies to send back, and the CSRF token. */
export async function signIn(
  server: ServerProcess,
  email: string,
  password: string,
): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in answered ${res.status}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { cookie, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

/** The seed of a crash test's kill points: CRASH_SEED (`random` explores), or the test's own default. */
export function crashSeed(fallback: number): number {
  const seed =
    process.env.CRASH_SEED === 'random'
      ? (Date.now() % 100_000) + 1
      : Number(process.env.CRASH_SEED ?? fallback);
  console.log(`kill points from seed ${seed} (CRASH_SEED=${seed} repeats them)`);
  return seed;
}

/** Creates an administrator with the real command, to sign in as. */
export async function createAdminWithCli(
  world: ProcessWorld,
  email: string,
  password: string,
): Promise<void> {
  const created = await runCli(['user', 'create', '--email', email, '--role', 'admin'], {
    ...world.env,
    CUSTODIAN_PASSWORD: password,
  });
  if (created.code !== 0) throw new Error(`user create failed: ${created.stderr}`);
}
