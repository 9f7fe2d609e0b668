/**
 * The scenarios of `npm run bench` (bench/run.ts). Each returns its figures and the rows it adds to the table:
 * a measure, its value, the baseline measured in the same run where one exists, the ratio, and the target.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../apps/server/src/platform/config.js';
import { execute, openPglite, openPostgres, queryRows } from '../apps/server/src/platform/db/database.js';
import { contactCsvMapping, type Person } from './generator.js';
import { type LoadResult, load } from './lib/load.js';
import { runScript, type ServerProcess, startCustodian } from './lib/process.js';
import { adminSession, defaultServer, median, recreateDatabase, type Session } from './lib/server.js';

export interface ScenarioContext {
  engine: 'postgresql' | 'embedded';
  contacts: number;
  runs: number;
  seconds: number;
  connections: number;
  importRows: number;
  databaseUrl: string | null;
  dataDir: string;
  csvPath: string;
  /** The first people of the data set, as generated, and their contact ids by index (erased ones missing). */
  people: Person[];
  ids: string[];
  readonly server: ServerProcess;
  readonly session: Session;
  restart(options?: { withoutAudit?: boolean }): Promise<void>;
  load(
    options: Omit<Parameters<typeof load>[0], 'url' | 'connections' | 'seconds'> & {
      connections?: number;
      seconds?: number;
    },
  ): Promise<LoadResult>;
  startBaseline(): Promise<ServerProcess>;
  stopServer(): Promise<void>;
}

export interface Row {
  measure: string;
  value: number;
  unit: string;
  baseline?: number;
  /** value ÷ baseline */
  ratio?: number;
  target?: string;
  met?: boolean;
}

export interface Scenario {
  name: string;
  run(ctx: ScenarioContext): Promise<{ rows: Row[]; [k: string]: unknown }>;
}

const round = (n: number, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;
/** The 95th percentile of a few runs is their maximum: reported as such, never interpolated. */
const p95 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)]!;
};
const medianOf = <T>(xs: T[], f: (x: T) => number) => median(xs.map(f));

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await work();
  return { ms: performance.now() - t, value };
}

/** Median percentiles over several loads of the same kind. */
function summarise(loads: LoadResult[]) {
  return {
    requests: loads.reduce((n, l) => n + l.requests, 0),
    perSecond: medianOf(loads, (l) => l.perSecond),
    p50Ms: medianOf(loads, (l) => l.p50Ms),
    p95Ms: medianOf(loads, (l) => l.p95Ms),
    p99Ms: medianOf(loads, (l) => l.p99Ms),
    errors: loads.reduce((n, l) => n + l.errors, 0),
    non2xx: loads.reduce((n, l) => n + l.non2xx, 0),
    runs: loads,
  };
}

function checkClean(name: string, s: { errors: number; non2xx: number }) {
  if (s.errors > 0 || s.non2xx > 0)
    throw new Error(`${name}: ${s.errors} connection errors and ${s.non2xx} answers other than 2xx`);
}

const rotate = <T>(items: T[]) => {
  let i = 0;
  return () => items[i++ % items.length]!;
};

const warmUpSeconds = 2;

/** GET one contact (decrypted, presented, the read audited) against a minimal Fastify + SQL reader. */
const read: Scenario = {
  name: 'read',
  async run(ctx) {
    const ids = ctx.ids.filter(Boolean);
    const custodian: LoadResult[] = [];
    const baseline: LoadResult[] = [];
    const nextId = rotate(ids);
    const measureBaseline = async () => {
      const b = await ctx.startBaseline();
      try {
        await load({
          url: b.url,
          connections: ctx.connections,
          seconds: warmUpSeconds,
          next: () => ({ path: `/contacts/${nextId()}` }),
        });
        for (let r = 0; r < ctx.runs; r++)
          baseline.push(
            await load({
              url: b.url,
              connections: ctx.connections,
              seconds: ctx.seconds,
              next: () => ({ path: `/contacts/${nextId()}` }),
            }),
          );
        return b.peakRssMb();
      } finally {
        await b.stop();
      }
    };
    // Each server gets a short load first, not counted: a process just started runs its code unoptimised and its
    // connections are still preparing their statements, and the first measured load came out a third slower.
    await ctx.load({
      seconds: warmUpSeconds,
      headers: ctx.session.headers,
      next: () => ({ path: `/api/v1/contacts/${nextId()}` }),
    });
    for (let r = 0; r < ctx.runs; r++)
      custodian.push(
        await ctx.load({
          headers: ctx.session.headers,
          next: () => ({ path: `/api/v1/contacts/${nextId()}` }),
        }),
      );
    let baselineRss: number;
    if (ctx.engine === 'postgresql') baselineRss = await measureBaseline();
    else {
      // The embedded database belongs to one process at a time.
      await ctx.stopServer();
      baselineRss = await measureBaseline();
      await ctx.restart();
    }
    const c = summarise(custodian);
    const b = summarise(baseline);
    checkClean('read', c);
    checkClean('read baseline', b);
    const ratio = round(c.perSecond / b.perSecond, 2);
    return {
      custodian: c,
      baseline: { ...b, peakRssMb: baselineRss },
      rows: [
        {
          measure: `GET one contact, ${ctx.connections} clients`,
          value: c.perSecond,
          unit: 'req/s',
          baseline: b.perSecond,
          ratio,
          target: 'ratio ≥ 0.5',
          met: ratio >= 0.5,
        },
        { measure: 'GET one contact p95', value: c.p95Ms, unit: 'ms', baseline: b.p95Ms },
      ],
    };
  },
};

/** Search (exact e-mail, name prefix) and a filtered list page under concurrent clients. */
const search: Scenario = {
  name: 'search',
  async run(ctx) {
    const emails = rotate(ctx.people.map((p) => p.emails[0]!));
    const prefixes = rotate(ctx.people.map((p) => [...p.lastName].slice(0, 3).join('')));
    const stages = rotate(['lead', 'prospect', 'customer', 'former']);
    const kinds = [
      {
        key: 'emailExact',
        measure: 'search by e-mail (exact)',
        target: 100,
        path: () => `/api/v1/contacts?q=${encodeURIComponent(emails())}`,
      },
      {
        key: 'namePrefix',
        measure: 'search by name prefix (3 letters)',
        target: 100,
        path: () => `/api/v1/contacts?q=${encodeURIComponent(prefixes())}`,
      },
      {
        key: 'listFiltered',
        measure: 'list page filtered by stage (50 rows)',
        target: 50,
        path: () => `/api/v1/contacts?lifecycleStage=${stages()}&limit=50`,
      },
    ];
    const out: Record<string, unknown> = {};
    const rows: Row[] = [];
    for (const kind of kinds) {
      const loads: LoadResult[] = [];
      for (let r = 0; r < ctx.runs; r++)
        loads.push(await ctx.load({ headers: ctx.session.headers, next: () => ({ path: kind.path() }) }));
      const s = summarise(loads);
      checkClean(kind.key, s);
      out[kind.key] = s;
      rows.push(
        {
          measure: `${kind.measure}, ${ctx.connections} clients, p50 / p99 ${s.requests === 0 ? '–' : `${s.p50Ms} / ${s.p99Ms}`} ms`,
          value: s.p95Ms,
          unit: 'ms p95',
          target: `p95 ≤ ${kind.target} ms`,
          met: s.p95Ms <= kind.target,
        },
        { measure: `${kind.measure}: throughput`, value: s.perSecond, unit: 'req/s' },
      );
    }
    return { ...out, rows };
  },
};

/** The processing guard over a 100,000-person segment (everyone, up to 100,000 contacts; else a tag). */
const guard: Scenario = {
  name: 'guard',
  async run(ctx) {
    let segment: Record<string, string> = {};
    let size = ctx.contacts;
    if (ctx.contacts > 100_000) {
      if (!ctx.databaseUrl) throw new Error('the guard scenario above 100,000 contacts needs PostgreSQL');
      // Set-up, not measured: a tag on the first 100,000 contacts (tags are workspace labels, not personal data).
      const database = await openPostgres(ctx.databaseUrl, { max: 1 });
      try {
        await execute(
          database.db,
          sql`insert into tags (name) values ('bench-guard-100k') on conflict do nothing`,
        );
        const [tag] = await queryRows<{ id: string }>(
          database.db,
          sql`select id from tags where lower(name) = 'bench-guard-100k'`,
        );
        await execute(
          database.db,
          sql`insert into contact_tags (contact_id, tag_id)
              select id, ${tag!.id}::uuid from contacts order by created_at, id limit 100000
              on conflict do nothing`,
        );
        segment = { tagId: tag!.id };
        size = 100_000;
      } finally {
        await database.close();
      }
    }
    const times: number[] = [];
    let answer = { allowedCount: 0, refusedCount: 0 };
    for (let r = 0; r < ctx.runs; r++) {
      const { ms, value } = await timed(() =>
        ctx.session.call<{ allowedCount: number; refusedCount: number }>(
          'POST',
          '/api/v1/contacts/may-process',
          {
            purpose: 'newsletter',
            segment,
          },
        ),
      );
      times.push(ms);
      answer = value;
    }
    const ms = round(median(times));
    return {
      segmentSize: size,
      allowed: answer.allowedCount,
      refused: answer.refusedCount,
      timesMs: times.map((t) => round(t)),
      rows: [
        {
          measure: `processing guard, ${size.toLocaleString('en')}-person segment (POST /contacts/may-process)`,
          value: ms,
          unit: 'ms',
          target: '< 1,000 ms',
          met: ms < 1000,
        },
      ],
    };
  },
};

/** The access package of person 0 (1,000 activities): request, verify, then fulfil (the package is built). */
const access: Scenario = {
  name: 'access',
  async run(ctx) {
    const email = ctx.people[0]!.emails[0]!;
    const times: number[] = [];
    const runs = Math.max(ctx.runs, 5);
    for (let r = 0; r < runs; r++) {
      const request = await ctx.session.call<{ id: string }>('POST', '/api/v1/requests', {
        type: 'access',
        requester: { email },
      });
      await ctx.session.call('POST', `/api/v1/requests/${request.id}/verify`, { method: 'email_code' });
      const { ms } = await timed(() => ctx.session.call('POST', `/api/v1/requests/${request.id}/fulfil`, {}));
      times.push(ms);
    }
    const value = round(p95(times));
    return {
      timesMs: times.map((t) => round(t)),
      medianMs: round(median(times)),
      rows: [
        {
          measure: `access package, person with 1,000 activities (${runs} runs, median ${round(median(times))} ms)`,
          value,
          unit: 'ms p95',
          target: 'p95 ≤ 2,000 ms',
          met: value <= 2000,
        },
      ],
    };
  },
};

/** The online part of an erasure (the request's answer): people from the end of the sample. */
const erasure: Scenario = {
  name: 'erasure',
  async run(ctx) {
    const victims = ctx.ids
      .map((id, index) => ({ id, index }))
      .filter((v) => v.id && v.index > 0)
      .slice(-Math.max(ctx.runs, 5));
    const times: number[] = [];
    for (const v of victims) {
      const { ms } = await timed(() =>
        ctx.session.call('POST', `/api/v1/contacts/${v.id}/erasure`, { reason: 'benchmark run' }),
      );
      times.push(ms);
      delete ctx.ids[v.index];
    }
    const value = round(p95(times));
    return {
      people: victims.length,
      activities: victims.map((v) => ctx.people[v.index]?.activities ?? null),
      timesMs: times.map((t) => round(t)),
      rows: [
        {
          measure: `erasure, online part (${victims.length} people, median ${round(median(times))} ms)`,
          value,
          unit: 'ms p95',
          target: 'p95 ≤ 1,000 ms',
          met: value <= 1000,
        },
      ],
    };
  },
};

/** Write throughput with the audit entry and with a server whose recordAudit writes nothing. */
const audit: Scenario = {
  name: 'audit',
  async run(ctx) {
    const ids = rotate(ctx.ids.filter(Boolean));
    let n = 0;
    const write = () => ({
      path: `/api/v1/contacts/${ids()}`,
      body: { jobTitle: `Benchmark title ${n++ % 1000}` },
    });
    const latestEntry = async () =>
      (await ctx.session.call<{ items: { id: number }[] }>('GET', '/api/v1/audit?limit=1')).items[0]?.id ?? 0;
    const measure = async () => {
      const loads: LoadResult[] = [];
      for (let r = 0; r < ctx.runs; r++)
        loads.push(await ctx.load({ method: 'PATCH', headers: ctx.session.headers, next: write }));
      const s = summarise(loads);
      checkClean('audit', s);
      return s;
    };
    const withAudit = await measure();
    await ctx.restart({ withoutAudit: true });
    const before = await latestEntry();
    const without = await measure();
    const after = await latestEntry();
    await ctx.restart();
    if (after !== before)
      throw new Error('the audit-free server wrote audit entries: the comparison is void');
    const lost = round(1 - withAudit.perSecond / without.perSecond, 3);
    return {
      withAudit,
      withoutAudit: without,
      rows: [
        {
          measure: `PATCH a contact, ${ctx.connections} clients, with the audit entry (baseline: without)`,
          value: withAudit.perSecond,
          unit: 'req/s',
          baseline: without.perSecond,
          ratio: round(withAudit.perSecond / without.perSecond, 2),
          target: '≤ 10% lost',
          met: lost <= 0.1,
        },
      ],
    };
  },
};

/** A retention sweep deleting old activities, and the API's p95 while it runs against before. */
const retention: Scenario = {
  name: 'retention',
  async run(ctx) {
    const { call } = ctx.session;
    type Policy = { id: string; enabled: boolean };
    const { items } = await call<{ items: Policy[] }>('GET', '/api/v1/retention/policies');
    const enabled = items.filter((p) => p.enabled);
    for (const p of enabled) await call('PATCH', `/api/v1/retention/policies/${p.id}`, { enabled: false });
    const stages = rotate(['lead', 'prospect', 'customer', 'former']);
    const list = () => ({ path: `/api/v1/contacts?lifecycleStage=${stages()}&limit=50` });
    const connections = 10;
    try {
      const before = await ctx.load({ connections, headers: ctx.session.headers, next: list });
      const policy = await call<Policy>('POST', '/api/v1/retention/policies', {
        name: 'Benchmark: activities after 30 months',
        target: 'activity',
        trigger: 'created',
        period: { amount: 30, unit: 'months' },
        action: 'delete_record',
      });
      type Run = {
        status: string;
        startedAt: string;
        finishedAt: string | null;
        policies: { policyId: string; done: number; failed: number }[];
      };
      const latest = async () =>
        (await call<{ items: (Run & { id: string })[] }>('GET', '/api/v1/retention/runs?limit=1')).items[0];
      const previous = (await latest())?.id;
      await call('POST', '/api/v1/retention/runs', {});
      // The sweep starts when the job worker picks it up; the load starts with it.
      let run = await latest();
      while (!run || run.id === previous) {
        await new Promise((r) => setTimeout(r, 100));
        run = await latest();
      }
      const during = await ctx.load({ connections, headers: ctx.session.headers, next: list });
      while (run.status === 'running') {
        await new Promise((r) => setTimeout(r, 500));
        run = (await latest())!;
      }
      await call('PATCH', `/api/v1/retention/policies/${policy.id}`, { enabled: false });
      if (run.status !== 'completed') throw new Error(`the sweep ended ${run.status}`);
      const done = run.policies.reduce((s, p) => s + p.done, 0);
      const failed = run.policies.reduce((s, p) => s + p.failed, 0);
      const sweepMs = new Date(run.finishedAt!).getTime() - new Date(run.startedAt).getTime();
      const perSecond = round(done / (sweepMs / 1000));
      const added = round(during.p95Ms / before.p95Ms - 1, 2);
      checkClean('retention', before);
      checkClean('retention', during);
      return {
        records: done,
        failed,
        sweepMs,
        loadSecondsWithinSweep: round(Math.min(ctx.seconds, sweepMs / 1000), 1),
        before,
        during,
        rows: [
          {
            measure: `retention sweep, activities deleted and keys shredded (${done.toLocaleString('en')} records)`,
            value: perSecond,
            unit: 'records/s',
            target: '≥ 20,000/s',
            met: perSecond >= 20_000,
          },
          {
            measure: `list p95 during the sweep, ${connections} clients (baseline: before it)`,
            value: during.p95Ms,
            unit: 'ms',
            baseline: before.p95Ms,
            ratio: round(during.p95Ms / before.p95Ms, 2),
            target: '≤ +10%',
            met: added <= 0.1,
          },
        ],
      };
    } finally {
      for (const p of enabled) await call('PATCH', `/api/v1/retention/policies/${p.id}`, { enabled: true });
    }
  },
};

/** The first `rows` rows of the data set's contacts CSV (and its header), as a file of their own. */
async function cutCsv(from: string, to: string, rows: number): Promise<void> {
  const source = fs.createReadStream(from);
  const out = stringify();
  const written = pipeline(out, fs.createWriteStream(to));
  let n = -1; // the header
  for await (const record of source.pipe(parse())) {
    if (!out.write(record)) await new Promise((r) => out.once('drain', r));
    if (++n >= rows) break;
  }
  source.destroy();
  out.end();
  await written;
}

/** Imports on an empty Custodian: the API and the CLI, against PostgreSQL's (or PGlite's) COPY of the same file. */
const importScenario: Scenario = {
  name: 'import',
  async run(ctx) {
    const rows = ctx.importRows;
    const csv = path.join(ctx.dataDir, `import-${rows}.csv`);
    await cutCsv(ctx.csvPath, csv, rows);
    const dir = path.join(ctx.dataDir, 'import');
    const fresh = async () => {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir, { recursive: true });
      return ctx.engine === 'postgresql' ? recreateDatabase(defaultServer, 'custodian_bench_import') : null;
    };
    const env = (url: string | null): Record<string, string> => ({
      DATA_DIR: dir,
      LOG_LEVEL: 'warn',
      ...(url ? { DATABASE_URL: url } : {}),
    });

    // Through the API, as bench/data.ts loads.
    const api: number[] = [];
    let apiPeak = 0;
    for (let r = 0; r < ctx.runs; r++) {
      const url = await fresh();
      const server = await startCustodian({ databaseUrl: url, dataDir: dir });
      try {
        const session = await adminSession({ url: server.url, config: loadConfig(env(url)) });
        server.resetPeak();
        const t = performance.now();
        const form = new FormData();
        form.set('mapping', JSON.stringify(contactCsvMapping));
        form.set('source', 'benchmark');
        form.set('lawfulBasis', 'legitimate_interests');
        form.set('onDuplicate', 'skip');
        form.set('file', await fs.openAsBlob(csv, { type: 'text/csv' }), 'contacts.csv');
        const upload = await fetch(`${server.url}/api/v1/imports`, {
          method: 'POST',
          headers: session.headers,
          body: form,
        });
        if (upload.status !== 202) throw new Error(`the import answered ${upload.status}`);
        const { id } = (await upload.json()) as { id: string };
        let state = { status: 'queued', created: 0 };
        while (state.status !== 'completed' && state.status !== 'failed') {
          await new Promise((res) => setTimeout(res, 100));
          state = await session.call('GET', `/api/v1/imports/${id}`);
        }
        if (state.status !== 'completed' || state.created !== rows)
          throw new Error(`the import ended ${state.status} with ${state.created} of ${rows} created`);
        api.push(rows / ((performance.now() - t) / 1000));
        apiPeak = Math.max(apiPeak, server.peakRssMb());
      } finally {
        await server.stop();
      }
    }

    // Through the CLI (`custodian import contacts`), on a migrated empty database, the process timed end to end.
    const cli: number[] = [];
    const map = Object.entries(contactCsvMapping).flatMap(([column, field]) => [
      '--map',
      `${column}=${field}`,
    ]);
    for (let r = 0; r < ctx.runs; r++) {
      const url = await fresh();
      await runScript('apps/server/src/cli/main.ts', ['migrate'], env(url), () => {});
      const t = performance.now();
      await runScript(
        'apps/server/src/cli/main.ts',
        [
          'import',
          'contacts',
          csv,
          ...map,
          '--source',
          'benchmark',
          '--lawful-basis',
          'legitimate_interests',
        ],
        env(url),
        () => {},
      );
      cli.push(rows / ((performance.now() - t) / 1000));
    }

    // The baseline: COPY of the same file into a table of text columns, in the same engine.
    const copy: number[] = [];
    const header = fs.readFileSync(csv, 'utf8').split('\n', 1)[0]!;
    const columns = header.split(',').map((_, i) => `c${i} text`);
    for (let r = 0; r < ctx.runs; r++) {
      const url = await fresh();
      if (url) {
        const { default: pg } = await import('pg');
        const { from } = await import('pg-copy-streams');
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          await client.query(`create table bench_copy (${columns.join(', ')})`);
          const t = performance.now();
          await pipeline(
            fs.createReadStream(csv),
            client.query(from('copy bench_copy from stdin with (format csv, header true)')),
          );
          copy.push(rows / ((performance.now() - t) / 1000));
        } finally {
          await client.end();
        }
      } else {
        const database = await openPglite(path.join(dir, 'copy'));
        if (database.driver.kind !== 'pglite') throw new Error('expected the embedded database');
        const client = database.driver.client;
        try {
          await client.exec(`create table bench_copy (${columns.join(', ')})`);
          const t = performance.now();
          await client.query("copy bench_copy from '/dev/blob' with (format csv, header true)", [], {
            blob: await fs.openAsBlob(csv),
          });
          copy.push(rows / ((performance.now() - t) / 1000));
        } finally {
          await database.close();
        }
      }
    }
    if (ctx.engine === 'postgresql') await recreateDatabase(defaultServer, 'custodian_bench_import');
    fs.rmSync(dir, { recursive: true, force: true });

    const apiRate = round(median(api));
    const cliRate = round(median(cli));
    const copyRate = round(median(copy));
    return {
      importedRows: rows,
      apiRowsPerSecond: api.map((x) => round(x)),
      cliRowsPerSecond: cli.map((x) => round(x)),
      copyRowsPerSecond: copy.map((x) => round(x)),
      serverPeakRssMb: apiPeak,
      rows: [
        {
          measure: `import ${rows.toLocaleString('en')} contacts, POST /api/v1/imports (baseline: COPY)`,
          value: apiRate,
          unit: 'rows/s',
          baseline: copyRate,
          ratio: round(apiRate / copyRate, 3),
          target: '≥ 25,000 rows/s',
          met: apiRate >= 25_000,
        },
        {
          measure: `import ${rows.toLocaleString('en')} contacts, custodian import contacts (process timed whole)`,
          value: cliRate,
          unit: 'rows/s',
          baseline: copyRate,
          ratio: round(cliRate / copyRate, 3),
          target: '≥ 25,000 rows/s',
          met: cliRate >= 25_000,
        },
      ],
    };
  },
};

/** In this order: reads first, the scenarios that change data (erasure, audit writes, retention) after. */
export const scenarios: Scenario[] = [read, search, guard, access, erasure, audit, retention, importScenario];
