/**
 * Servers in processes of their own, so the load generator never shares their event loop: Custodian itself
 * (`custodian serve`, run from source by tsx) and the baseline server. Memory is read from /proc: `VmHWM` is the
 * process's peak resident set, and writing 5 to `clear_refs` starts a new peak, so each scenario reports its own.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  url: string;
  pid: number;
  /** Starts a new peak: the next `peakRssMb` covers only what runs after this call. */
  resetPeak(): void;
  peakRssMb(): number;
  rssMb(): number;
  /** CPU time the process has used so far (user and system), in seconds. */
  cpuSeconds(): number;
  /** Null while it runs; then how it ended (`code 1`, `signal SIGKILL`). */
  exited(): string | null;
  stop(): Promise<void>;
}

function statusField(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1];
  return kb === undefined ? Number.NaN : Math.round(Number(kb) / 1024);
}

/** utime + stime of /proc/PID/stat (fields 14 and 15, after the command name in parentheses), in seconds. */
function cpuSecondsOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields from the third on: utime is the 14th of the line, the 12th here. Clock ticks are 100 a second on Linux.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function waitForUrl(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${log()}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the server did not answer ${url} in time:\n${log()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Runs `args` (a script and its arguments) under node with tsx, in the repository, waits until `readyPath`
 * answers, and returns the handle. `imports` are extra `--import` modules (the audit-free variant).
 */
export async function startProcess(options: {
  script: string;
  args?: string[];
  env: Record<string, string>;
  readyPath: string;
  imports?: string[];
  /** Extra node options, e.g. `--cpu-prof --cpu-prof-dir=DIR` (written when the process stops). */
  nodeArgs?: string[];
  /** A file that receives everything the process writes (created afresh), for finding the cause of a 5xx. */
  logFile?: string;
}): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      '--import',
      'tsx',
      ...(options.imports ?? []).flatMap((m) => ['--import', m]),
      path.join(repoRoot, options.script),
      ...(options.args ?? []),
    ],
    {
      cwd: repoRoot,
      env: { ...process.env, ...options.env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  // The last lines only, for the error when it does not start; the server logs at warn.
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  if (options.logFile) {
    const log = fs.createWriteStream(options.logFile);
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    // 'close', not 'exit': the process's last output (a fatal error's stack) may still be in the pipes at 'exit'.
    child.once('close', () => log.end());
  }
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForUrl(`${url}${options.readyPath}`, child, () => tail);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  const pid = child.pid!;
  return {
    url,
    pid,
    resetPeak: () => fs.writeFileSync(`/proc/${pid}/clear_refs`, '5'),
    peakRssMb: () => statusField(pid, 'VmHWM'),
    rssMb: () => statusField(pid, 'VmRSS'),
    cpuSeconds: () => cpuSecondsOf(pid),
    exited: () =>
      child.exitCode !== null
        ? `code ${child.exitCode}`
        : child.signalCode !== null
          ? `signal ${child.signalCode}`
          : null,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Custodian's server (`custodian serve`) on the given database and data directory. */
export function startCustodian(options: {
  databaseUrl: string | null;
  dataDir: string;
  env?: Record<string, string>;
  withoutAudit?: boolean;
  nodeArgs?: string[];
  logFile?: string;
}): Promise<ServerProcess> {
  return startProcess({
    script: 'apps/server/src/cli/main.ts',
    args: ['serve'],
    env: {
      DATA_DIR: options.dataDir,
      LOG_LEVEL: 'warn',
      ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
      ...options.env,
    },
    readyPath: '/healthz',
    imports: options.withoutAudit ? [path.join(repoRoot, 'bench/lib/audit-off.mjs')] : [],
    ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}),
    ...(options.logFile ? { logFile: options.logFile } : {}),
  });
}

/** Runs a script under tsx to its end; resolves with its stdout, rejects with the tail of its stderr. */
export function runScript(
  script: string,
  args: string[],
  env: Record<string, string> = {},
  onStderr: (text: string) => void = (t) => process.stderr.write(t),
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, script), ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      err = (err + c.toString()).slice(-4000);
      onStderr(c.toString());
    });
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${script} exited ${code}:\n${err}`)),
    );
  });
}

/**
 * The name a run's files carry: the engine for the quick run of 100,000 contacts (`postgresql`, `embedded`),
 * with the size for any other (`postgresql-1m`, `embedded-20k`), so that a full run never overwrites the
 * quick run's results of the same day.
 */
export function runLabel(engine: string, contacts: number): string {
  if (contacts === 100_000) return engine;
  const size =
    contacts % 1_000_000 === 0
      ? `${contacts / 1_000_000}m`
      : contacts % 1_000 === 0
        ? `${contacts / 1_000}k`
        : String(contacts);
  return `${engine}-${size}`;
}
