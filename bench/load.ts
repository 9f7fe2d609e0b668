/**
 * The bounded load test (issue 11, item 7): a mix of reads, searches and writes against the real server, in a
 * process of its own, on a fresh database, for `--duration` seconds at `--connections` clients; the server's
 * resident memory sampled every second.
 *
 *   npm run bench:load                                   # 60 s, 50 clients, 5,000 contacts on PostgreSQL
 *   npm run bench:load -- --duration 10 --connections 20 # a short try
 *   npm run bench:load -- --embedded                     # the embedded database (PGlite)
 *
 * It fails (exit 1) on any connection error or timeout, any answer other than 2xx (every request it sends is
 * valid, so a 4xx is a failure as much as a 5xx), or when the server's RSS after the load (and `--settle`
 * seconds of rest) exceeds its RSS before the load by more than `--max-rss-growth-mb`. Results go to
 * bench/results/<date>-load-<engine>.json and .md. See bench/README.md.
 */
import type { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { DataGenerator, type Person } from './generator.js';
import { percentile } from './lib/load.js';
import { repoRoot, runScript, startCustodian } from './lib/process.js';
import { contactIdsByIndex, databaseUrl, defaultServer, signIn, vacuumAnalyze } from './lib/server.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    connections: { type: 'string', default: '50' },
    contacts: { type: 'string', default: '5000' },
    activities: { type: 'string' },
    seed: { type: 'string', default: '1' },
    embedded: { type: 'boolean', default: false },
    database: { type: 'string', default: 'custodian_load' },
    settle: { type: 'string', default: '5' },
    'max-rss-growth-mb': { type: 'string', default: '300' },
  },
});
const positive = (name: string, v: string | undefined) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number`);
  return n;
};
const duration = positive('duration', values.duration);
const connections = positive('connections', values.connections);
const contacts = positive('contacts', values.contacts);
const seed = positive('seed', values.seed);
const settleSeconds = Number(values.settle);
const maxRssGrowthMb = positive('max-rss-growth-mb', values['max-rss-growth-mb']);
const engine = values.embedded ? 'embedded' : 'postgresql';
const dataDir = path.join(repoRoot, 'bench/.data', `load-${engine}`);
const serverDir = path.join(dataDir, 'server');
const serverLog = path.join(dataDir, 'server.log');
const dbUrl = values.embedded ? null : databaseUrl(defaultServer, values.database);

const startedAt = new Date();
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The machine's CPU ticks, all and busy (neither idle nor waiting for I/O), from the first line of /proc/stat. */
function machineTicks(): { total: number; busy: number } {
  const ticks = fs
    .readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]!
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  return { total, busy: total - ticks[3]! - ticks[4]! };
}

// 1. A fresh database (bench/data.ts drops and creates it, or empties the embedded one's directory) with the
// data set loaded through Custodian's own paths: contacts (with tags), companies, deals, activities, consents.
console.error(`seeding ${contacts} contacts (bench/data.ts) …`);
const seedOut = await runScript('bench/data.ts', [
  '--contacts',
  String(contacts),
  ...(values.activities ? ['--activities', values.activities] : []),
  '--seed',
  String(seed),
  '--data-dir',
  dataDir,
  '--results-file',
  path.join(dataDir, 'seed.json'),
  ...(values.embedded ? ['--embedded'] : ['--database', values.database]),
]);
const seeded = JSON.parse(seedOut.slice(seedOut.lastIndexOf('{\n  "startedAt"'))) as Record<string, unknown>;
const vacuumAnalyzeMs = await vacuumAnalyze(dbUrl, serverDir);

// 2. The server in a process of its own, its output kept in the data directory (the cause of any 5xx is there).
const server = await startCustodian({ databaseUrl: dbUrl, dataDir: serverDir, logFile: serverLog });
let serverStopped = false;
const stopServer = async () => {
  if (!serverStopped) await server.stop();
  serverStopped = true;
};
process.once('SIGINT', () => void stopServer().then(() => process.exit(130)));

try {
  const session = await signIn(server.url);
  // The load goes through an API token, as an integration would; setup calls use the administrator's session.
  const { secret } = await session.call<{ secret: string }>('POST', '/api/v1/tokens', {
    name: 'load test',
    expiresInDays: 1,
    scopes: [
      'contacts:read',
      'contacts:write',
      'activities:read',
      'activities:write',
      'deals:read',
      'companies:read',
      'reveal:identity',
      'reveal:contact',
      'reveal:location',
      'reveal:professional',
    ],
  });
  const auth = { authorization: `Bearer ${secret}` };

  const generator = new DataGenerator({ seed, contacts, activitiesPerContact: 10 });
  const people: Person[] = [...generator.people(0, contacts)];
  const idsByIndex = await contactIdsByIndex(session, new Set(people.map((p) => p.index)));
  const known = people.flatMap((p) => (idsByIndex[p.index] ? [{ person: p, id: idsByIndex[p.index]! }] : []));
  if (known.length !== contacts) throw new Error(`found ${known.length} of the ${contacts} seeded contacts`);

  // 3. The mix. Weights in percent: reads 60, searches 25, writes 15. Ids, addresses and prefixes are drawn
  // from the seeded people by a seeded generator, so two runs send the same requests in the same proportions.
  let state = seed >>> 0;
  const random = () => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const stages = ['lead', 'prospect', 'customer', 'former'];
  const tags = ['vip', 'newsletter', 'event-2026', 'partner', 'trade-fair', 'webinar', 'inbound', 'referral'];
  const runTag = startedAt.getTime().toString(36);
  let written = 0;

  type Built = { method: 'GET' | 'POST' | 'PATCH'; path: string; body?: unknown };
  interface Kind {
    name: string;
    group: 'read' | 'search' | 'write';
    weight: number;
    build(): Built;
  }
  const kinds: Kind[] = [
    { name: 'GET one contact', group: 'read', weight: 25, build: () => get(`/contacts/${pick(known).id}`) },
    {
      name: 'GET a contact’s timeline',
      group: 'read',
      weight: 10,
      build: () => get(`/contacts/${pick(known).id}/activities?limit=20`),
    },
    {
      name: 'list contacts by stage',
      group: 'read',
      weight: 10,
      build: () => get(`/contacts?lifecycleStage=${pick(stages)}&limit=50`),
    },
    {
      name: 'list contacts by tag',
      group: 'read',
      weight: 5,
      build: () => get(`/contacts?tag=${pick(tags)}&limit=50`),
    },
    { name: 'list deals', group: 'read', weight: 10, build: () => get('/deals?limit=50') },
    {
      name: 'search by e-mail (exact)',
      group: 'search',
      weight: 13,
      build: () => get(`/contacts?q=${encodeURIComponent(pick(known).person.emails[0]!)}`),
    },
    {
      name: 'search by name prefix',
      group: 'search',
      weight: 12,
      build: () =>
        get(`/contacts?q=${encodeURIComponent([...pick(known).person.lastName].slice(0, 3).join(''))}`),
    },
    {
      name: 'POST a contact',
      group: 'write',
      weight: 5,
      build: () => {
        const n = written++;
        return {
          method: 'POST',
          path: '/api/v1/contacts',
          body: {
            firstName: 'Load',
            lastName: `Test ${n}`,
            emails: [{ value: `load.${runTag}.${n}@example.org` }],
            lifecycleStage: 'lead',
            source: 'api',
            tags: ['load-test'],
          },
        };
      },
    },
    {
      name: 'PATCH a contact',
      group: 'write',
      weight: 5,
      build: () => ({
        method: 'PATCH',
        path: `/api/v1/contacts/${pick(known).id}`,
        body: { jobTitle: `Load test title ${written++ % 1000}` },
      }),
    },
    {
      name: 'POST a note',
      group: 'write',
      weight: 5,
      build: () => ({
        method: 'POST',
        path: '/api/v1/activities',
        body: {
          type: 'note',
          subject: 'Load test',
          body: `A note written by the load test (${written++}).`,
          occurredAt: new Date().toISOString(),
          contactIds: [pick(known).id],
        },
      }),
    },
  ];
  function get(p: string): Built {
    return { method: 'GET', path: `/api/v1${p}` };
  }
  const totalWeight = kinds.reduce((s, k) => s + k.weight, 0);
  const drawKind = (): Kind => {
    let r = random() * totalWeight;
    for (const k of kinds) {
      r -= k.weight;
      if (r < 0) return k;
    }
    return kinds[kinds.length - 1]!;
  };

  // Per kind: latencies and answers by status. autocannon calls a request's onResponse and then emits
  // 'response' (with the latency) synchronously for the same answer, so the kind noted by the first is that of
  // the second. The problem of a failed answer is kept (its code, title and field paths: no data).
  const stats = new Map(
    kinds.map((k) => [k.name, { latencies: [] as number[], statuses: {} as Record<string, number> }]),
  );
  const problems: Record<string, Record<string, number>> = {};
  let answered: Kind | null = null;
  const perSecond: number[] = [];
  let thisSecond = 0;

  // 4. Memory: RSS before the load, then every second during it, then after it and a rest.
  await sleep(1000);
  const rssStartMb = server.rssMb();
  server.resetPeak();
  // With them, each second: the answers, the server's CPU (% of one core) and the machine's (% of all cores
  // busy: the server, PostgreSQL, this load generator and whatever else runs on the machine).
  const rssSamples: {
    s: number;
    rssMb: number;
    requests: number;
    serverCpuPercent: number;
    machineBusyPercent: number;
  }[] = [];
  const loadStarted = performance.now();
  const cpuAtStart = server.cpuSeconds();
  let lastCpu = cpuAtStart;
  let lastMachine = machineTicks();
  let lastTime = loadStarted;
  let diedAtSecond: number | null = null;
  const sampler = setInterval(() => {
    // A server that died is reported after the load (every later request fails to connect), not sampled.
    if (server.exited()) {
      if (diedAtSecond === null) {
        diedAtSecond = Math.round((performance.now() - loadStarted) / 1000);
        console.error(`the server exited ${diedAtSecond} s into the load (${server.exited()})`);
      }
      return;
    }
    const now = performance.now();
    const cpu = server.cpuSeconds();
    const machine = machineTicks();
    rssSamples.push({
      s: Math.round((now - loadStarted) / 1000),
      rssMb: server.rssMb(),
      requests: thisSecond,
      serverCpuPercent: Math.round((100 * (cpu - lastCpu)) / ((now - lastTime) / 1000)),
      machineBusyPercent: Math.round(
        (100 * (machine.busy - lastMachine.busy)) / Math.max(1, machine.total - lastMachine.total),
      ),
    });
    lastCpu = cpu;
    lastMachine = machine;
    lastTime = now;
    perSecond.push(thisSecond);
    thisSecond = 0;
  }, 1000);

  console.error(`load: ${duration} s, ${connections} clients, ${kinds.length} kinds of request …`);
  const instance = autocannon({
    url: server.url,
    connections,
    duration,
    requests: [
      {
        setupRequest: (request, context) => {
          const kind = drawKind();
          const built = kind.build();
          (context as { kind?: Kind }).kind = kind;
          return {
            ...request,
            method: built.method,
            path: built.path,
            headers: {
              ...auth,
              ...(built.body === undefined ? {} : { 'content-type': 'application/json' }),
            },
            ...(built.body === undefined ? { body: undefined } : { body: JSON.stringify(built.body) }),
          };
        },
        onResponse: (status, body, context) => {
          const kind = (context as { kind?: Kind }).kind!;
          answered = kind;
          const s = stats.get(kind.name)!;
          s.statuses[status] = (s.statuses[status] ?? 0) + 1;
          if (status < 200 || status > 299) {
            let summary = `${status}`;
            try {
              const p = JSON.parse(body) as { code?: string; title?: string; errors?: { field?: string }[] };
              summary = `${status} ${p.code ?? ''} ${p.title ?? ''} ${(p.errors ?? []).map((e) => e.field).join(',')}`;
            } catch {
              // not JSON
            }
            problems[kind.name] ??= {};
            const byKind = problems[kind.name]!;
            byKind[summary] = (byKind[summary] ?? 0) + 1;
          }
        },
      },
    ],
  }) as unknown as EventEmitter & PromiseLike<autocannon.Result>;
  const all: number[] = [];
  instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => {
    all.push(ms);
    thisSecond++;
    if (answered) stats.get(answered.name)!.latencies.push(ms);
    answered = null;
  });
  const result = await instance;
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  const died = server.exited();
  if (died) {
    clearInterval(sampler);
    await sleep(500);
    throw new Error(
      `the server exited during the load (${died}, ${diedAtSecond ?? '?'} s in); its output: ${path.relative(repoRoot, serverLog)}`,
    );
  }
  const serverCpuPercent = Math.round((100 * (server.cpuSeconds() - cpuAtStart)) / loadSeconds);
  clearInterval(sampler);
  const rssAfterLoadMb = server.rssMb();
  const rssPeakMb = Math.max(server.peakRssMb(), ...rssSamples.map((r) => r.rssMb));
  await sleep(settleSeconds * 1000);
  const diedAfter = server.exited();
  const rssEndMb = diedAfter ? Number.NaN : server.rssMb();
  const rssMidMb = rssSamples[Math.floor(rssSamples.length / 2)]?.rssMb ?? Number.NaN;

  // 5. Figures.
  const summarise = (latencies: number[]) => {
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      requests: sorted.length,
      p50Ms: round(percentile(sorted, 50)),
      p95Ms: round(percentile(sorted, 95)),
      p99Ms: round(percentile(sorted, 99)),
      maxMs: round(sorted[sorted.length - 1] ?? Number.NaN),
    };
  };
  const statuses: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = count ?? 0;
  const unexpected = Object.entries(statuses)
    .filter(([code]) => !code.startsWith('2'))
    .reduce((n, [, c]) => n + c, 0);
  const overall = {
    ...summarise(all),
    perSecond: Math.round(all.length / duration),
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statuses,
    resets: result.resets,
    serverCpuPercent,
  };
  const byKind = kinds.map((k) => {
    const s = stats.get(k.name)!;
    return {
      kind: k.name,
      group: k.group,
      weightPercent: round((100 * k.weight) / totalWeight),
      sharePercent: round((100 * s.latencies.length) / Math.max(1, all.length)),
      ...summarise(s.latencies),
      statuses: s.statuses,
      ...(problems[k.name] ? { problems: problems[k.name] } : {}),
    };
  });
  const groups = (['read', 'search', 'write'] as const).map((g) => ({
    group: g,
    ...summarise(byKind.filter((k) => k.group === g).flatMap((k) => stats.get(k.kind)!.latencies)),
  }));
  const rssGrowthMb = rssEndMb - rssStartMb;
  const failures: string[] = [];
  if (result.errors > 0) failures.push(`${result.errors} connection errors`);
  if (result.timeouts > 0) failures.push(`${result.timeouts} timeouts`);
  if (unexpected > 0 || result.non2xx > 0)
    failures.push(`${Math.max(unexpected, result.non2xx)} answers other than 2xx`);
  if (!(rssGrowthMb <= maxRssGrowthMb))
    failures.push(
      `RSS grew by ${rssGrowthMb} MB (start ${rssStartMb}, end ${rssEndMb}), over ${maxRssGrowthMb}`,
    );
  if (all.length === 0) failures.push('no request was answered');
  if (diedAfter) failures.push(`the server exited after the load (${diedAfter})`);

  // Lines of the server's log at error level or above (pino: "level":50 and up), for the cause of a 5xx.
  const serverErrors = fs.existsSync(serverLog)
    ? fs
        .readFileSync(serverLog, 'utf8')
        .split('\n')
        .filter((l) => /"level":(50|60)/.test(l)).length
    : 0;

  const results = {
    startedAt: startedAt.toISOString(),
    engine,
    durationSeconds: duration,
    measuredSeconds: round(loadSeconds),
    connections,
    seed,
    machine: {
      cpus: os.cpus().length,
      node: process.version,
      loadAverage: os.loadavg().map((l) => round(l, 2)),
    },
    seeded: {
      contacts,
      companies: (seeded.companies as { count?: number } | undefined)?.count,
      deals: (seeded.deals as { count?: number } | undefined)?.count,
      activities: (seeded.activities as { created?: number } | undefined)?.created,
      consentEvents: (seeded.consentEvents as { created?: number } | undefined)?.created,
      seconds: seeded.totalSeconds,
      vacuumAnalyzeMs,
    },
    overall,
    groups,
    byKind,
    memory: {
      rssStartMb,
      rssPeakMb,
      rssMidLoadMb: rssMidMb,
      rssAfterLoadMb,
      rssEndMb,
      settleSeconds,
      rssGrowthMb,
      maxRssGrowthMb,
      samples: rssSamples,
    },
    serverLogErrorLines: serverErrors,
    failures,
    passed: failures.length === 0,
  };

  const n = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '' : x.toLocaleString('en'));
  const statusText = (s: Record<string, number>) =>
    Object.entries(s)
      .map(([code, count]) => `${code}: ${n(count)}`)
      .join(', ');
  const md = [
    `# Load test, ${startedAt.toISOString().slice(0, 10)}: ${engine}, ${duration} s, ${connections} clients`,
    '',
    `Seeded: ${n(contacts)} contacts, ${n(results.seeded.companies)} companies, ${n(results.seeded.deals)} deals, ` +
      `${n(results.seeded.activities)} activities, ${n(results.seeded.consentEvents)} consent events ` +
      `(${n(Number(seeded.totalSeconds))} s). Machine: ${results.machine.cpus} cores, Node ${process.version}, ` +
      `load average at the end ${results.machine.loadAverage.join(' / ')}.`,
    '',
    `**${results.passed ? 'Passed' : `Failed: ${failures.join('; ')}`}.**`,
    '',
    '| | value |',
    '|---|---:|',
    `| requests | ${n(overall.requests)} (${n(overall.perSecond)}/s) |`,
    `| latency p50 / p95 / p99 / max | ${overall.p50Ms} / ${overall.p95Ms} / ${overall.p99Ms} / ${overall.maxMs} ms |`,
    `| connection errors / timeouts | ${overall.errors} / ${overall.timeouts} |`,
    `| server CPU during the load (% of one core) | ${serverCpuPercent}% |`,
    `| answers by status | ${statusText(statuses)} |`,
    `| server RSS before / peak / after load / after ${settleSeconds} s rest | ${rssStartMb} / ${rssPeakMb} / ${rssAfterLoadMb} / ${rssEndMb} MB |`,
    `| RSS growth (end − start), bound | ${rssGrowthMb} MB, ≤ ${maxRssGrowthMb} MB |`,
    `| RSS at mid-load → after load | ${rssMidMb} → ${rssAfterLoadMb} MB |`,
    `| server log lines at error level | ${serverErrors} |`,
    '',
    '| request | group | share | requests | p50 | p95 | p99 | statuses |',
    '|---|---|---:|---:|---:|---:|---:|---|',
    ...byKind.map(
      (k) =>
        `| ${k.kind} | ${k.group} | ${k.sharePercent}% | ${n(k.requests)} | ${k.p50Ms} | ${k.p95Ms} | ${k.p99Ms} | ${statusText(k.statuses)} |`,
    ),
    ...groups.map(
      (g) =>
        `| **all ${g.group === 'search' ? 'searches' : `${g.group}s`}** | | | ${n(g.requests)} | ${g.p50Ms} | ${g.p95Ms} | ${g.p99Ms} | |`,
    ),
    '',
    'Every 10 s of the load: RSS, answers in that second, server CPU, machine CPU busy:',
    '',
    ...rssSamples
      .filter((_, i) => (i + 1) % 10 === 0)
      .map(
        (s) =>
          `- ${s.s} s: ${s.rssMb} MB, ${s.requests}/s, server ${s.serverCpuPercent}%, machine ${s.machineBusyPercent}%`,
      ),
    '',
  ].join('\n');

  fs.mkdirSync(path.join(repoRoot, 'bench/results'), { recursive: true });
  const base = path.join(repoRoot, 'bench/results', `${startedAt.toISOString().slice(0, 10)}-load-${engine}`);
  fs.writeFileSync(`${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(`${base}.md`, md);
  console.log(md);
  console.error(
    `written: ${path.relative(repoRoot, base)}.json and .md; server log: ${path.relative(repoRoot, serverLog)}`,
  );
  if (failures.length > 0) {
    for (const [kind, p] of Object.entries(problems)) console.error(`${kind}: ${JSON.stringify(p)}`);
    process.exitCode = 1;
  }
} finally {
  await stopServer();
}
