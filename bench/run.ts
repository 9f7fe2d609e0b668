/**
 * The benchmark suite (issue 10): loads the data set through Custodian's own paths (bench/data.ts), starts the
 * server in a process of its own, runs the scenarios against it and writes bench/results/<date>-<engine>.json and
 * a markdown table next to it. Every time is a median of `--runs` runs; where a baseline exists it is measured in
 * the same run and reported as a ratio.
 *
 *   npm run bench                                  # quick run: 100,000 contacts on PostgreSQL
 *   npm run bench -- --contacts 1000000            # the full run
 *   npm run bench -- --embedded                    # the embedded database (PGlite), 100,000 contacts
 *   npm run bench -- --reuse                       # keep the data set loaded by the last run of the same size
 *   npm run bench -- --only read,search            # some scenarios only
 *   npm run bench -- --cpu-prof /tmp/prof          # V8 CPU profiles of the server, one per server process
 *   npm run bench -- --database custodian_bench_x  # another database on the server (default custodian_bench)
 *
 * See bench/README.md for what each number means.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DataGenerator, type Person } from './generator.js';
import { type LoadResult, load } from './lib/load.js';
import {
  repoRoot,
  runLabel,
  runScript,
  type ServerProcess,
  startCustodian,
  startProcess,
} from './lib/process.js';
import {
  contactIdsByIndex,
  databaseUrl,
  defaultServer,
  type Session,
  signIn,
  vacuumAnalyze,
} from './lib/server.js';
import { type Scenario, type ScenarioContext, scenarios } from './scenarios.js';

const { values } = parseArgs({
  options: {
    contacts: { type: 'string', default: '100000' },
    activities: { type: 'string' },
    'part-rows': { type: 'string' },
    seed: { type: 'string', default: '1' },
    embedded: { type: 'boolean', default: false },
    runs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    'import-rows': { type: 'string', default: '20000' },
    only: { type: 'string' },
    reuse: { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    database: { type: 'string', default: 'custodian_bench' },
  },
});

const contacts = Number(values.contacts);
const engine = values.embedded ? 'embedded' : 'postgresql';
const seed = Number(values.seed);
const database = values.database;
// A database other than the default keeps its data set (and the master key it was encrypted under) apart.
const dataDir = path.join(
  repoRoot,
  'bench/.data',
  values.embedded || database === 'custodian_bench' ? engine : `${engine}-${database}`,
);
const serverDir = path.join(dataDir, 'server');
const manifestPath = path.join(dataDir, 'manifest.json');
const dbUrl = values.embedded ? null : databaseUrl(defaultServer, database);
const only = values.only ? new Set(values.only.split(',')) : null;
const unknown = [...(only ?? [])].filter((n) => !scenarios.some((s) => s.name === n));
if (unknown.length > 0)
  throw new Error(
    `unknown scenario ${unknown.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}`,
  );

const startedAt = new Date();
const results: Record<string, unknown> = {
  startedAt: startedAt.toISOString(),
  engine,
  contacts,
  seed,
  runs: Number(values.runs),
  connections: Number(values.connections),
  secondsPerLoad: Number(values.seconds),
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
};

// 1. The data set, through Custodian's own import paths (itself a benchmark), unless the last one can be kept.
const manifest = fs.existsSync(manifestPath)
  ? (JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as {
      contacts: number;
      seed: number;
      database?: string;
      load: unknown;
    })
  : null;
const sameDatabase = values.embedded || (manifest?.database ?? 'custodian_bench') === database;
if (values.reuse && manifest?.contacts === contacts && manifest.seed === seed && sameDatabase) {
  console.error(`reusing the data set of ${contacts} contacts in ${dataDir}`);
  results.load = { reused: true, ...(manifest.load as object) };
} else {
  console.error(`loading ${contacts} contacts (bench/data.ts) …`);
  const out = await runScript('bench/data.ts', [
    '--contacts',
    String(contacts),
    ...(values.activities ? ['--activities', values.activities] : []),
    ...(values['part-rows'] ? ['--part-rows', values['part-rows']] : []),
    '--seed',
    String(seed),
    '--data-dir',
    dataDir,
    ...(values.embedded ? ['--embedded'] : ['--database', database]),
  ]);
  // The loader's figures are its last output (a server warning may have been logged before them).
  const loaded = JSON.parse(out.slice(out.lastIndexOf('{\n  "startedAt"'))) as Record<string, unknown>;
  results.load = loaded;
  fs.writeFileSync(manifestPath, JSON.stringify({ contacts, seed, database, load: loaded }, null, 2));
}

// Then the steady state a running database keeps by itself (see vacuumAnalyze), timed and reported with the load.
results.vacuumAnalyzeMs = await vacuumAnalyze(dbUrl, serverDir);
console.error(`vacuum analyze: ${results.vacuumAnalyzeMs} ms`);

// 2. The server in a process of its own, on that data.
const generator = new DataGenerator({ seed, contacts, activitiesPerContact: 10 });
const sampleSize = Math.min(contacts, 2000);
const people: Person[] = [...generator.people(0, sampleSize)];

const nodeArgs = values['cpu-prof']
  ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(values['cpu-prof'])}`]
  : [];
let server: ServerProcess = await startCustodian({ databaseUrl: dbUrl, dataDir: serverDir, nodeArgs });
let session: Session = await signIn(server.url);

const ctx: ScenarioContext = {
  engine,
  contacts,
  runs: Number(values.runs),
  seconds: Number(values.seconds),
  connections: Number(values.connections),
  importRows: Math.min(contacts, Number(values['import-rows'])),
  databaseUrl: dbUrl,
  dataDir,
  csvPath: path.join(dataDir, 'contacts.csv'),
  people,
  ids: await contactIdsByIndex(session, new Set(people.map((p) => p.index))),
  get server() {
    return server;
  },
  get session() {
    return session;
  },
  async restart(options = {}) {
    await server.stop();
    server = await startCustodian({ databaseUrl: dbUrl, dataDir: serverDir, nodeArgs, ...options });
    session = await signIn(server.url);
  },
  async load(options): Promise<LoadResult> {
    return load({ url: server.url, connections: ctx.connections, seconds: ctx.seconds, ...options });
  },
  startBaseline: () =>
    startProcess({
      script: 'bench/baseline-server.ts',
      env: dbUrl ? { DATABASE_URL: dbUrl } : { DATA_DIR: serverDir },
      readyPath: '/healthz',
    }),
  stopServer: () => server.stop(),
};

// 3. The scenarios, each with the server's peak memory while it ran.
const measured: Record<string, unknown> = {};
const failed: string[] = [];
try {
  for (const scenario of scenarios as Scenario[]) {
    if (only && !only.has(scenario.name)) continue;
    console.error(`scenario ${scenario.name} …`);
    server.resetPeak();
    const t = performance.now();
    let result: Awaited<ReturnType<Scenario['run']>>;
    try {
      result = await scenario.run(ctx);
    } catch (err) {
      // One scenario that cannot finish (the embedded database timing out under 50 clients) is a finding to
      // report, not a reason to lose the others: it goes into the table, the run goes on, and exits non-zero.
      const message = err instanceof Error ? err.message : String(err);
      failed.push(scenario.name);
      result = {
        failed: message,
        rows: [{ measure: `did not finish: ${message}`, value: Number.NaN, unit: '', met: false }],
      };
      console.error(`scenario ${scenario.name} failed: ${message}`);
      await ctx.restart();
    }
    // A scenario that ran its own server (the import) reports that server's peak instead.
    measured[scenario.name] = {
      serverPeakRssMb: server.peakRssMb(),
      ...result,
      seconds: Math.round((performance.now() - t) / 1000),
    };
    console.error(JSON.stringify(measured[scenario.name]));
  }
} finally {
  await server.stop();
}
results.scenarios = measured;
results.finishedAt = new Date().toISOString();
results.totalSeconds = Math.round((Date.now() - startedAt.getTime()) / 1000);

const { markdownTable } = await import('./report.js');
fs.mkdirSync(path.join(repoRoot, 'bench/results'), { recursive: true });
const base = path.join(
  repoRoot,
  'bench/results',
  `${startedAt.toISOString().slice(0, 10)}-${runLabel(engine, contacts)}`,
);
fs.writeFileSync(`${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
const table = markdownTable(results);
fs.writeFileSync(`${base}.md`, table);
console.log(table);
console.error(`written: ${path.relative(repoRoot, base)}.json and .md`);
if (failed.length > 0) {
  console.error(`scenarios that did not finish: ${failed.join(', ')}`);
  process.exitCode = 1;
}
