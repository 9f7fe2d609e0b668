/**
 * Loads the benchmark data set into a Custodian of its own, through Custodian's own paths, and reports how fast
 * each part loaded:
 *
 *   npm run bench:data -- [--contacts 100000] [--activities N (default 10 per contact)] [--seed 1]
 *                         [--embedded] [--database custodian_bench] [--data-dir bench/.data] [--concurrency 8]
 *                         [--contacts-only]
 *
 * Contacts go through the CSV import (POST /api/v1/imports, the file streamed from disk), which is itself a
 * benchmark. Companies, deals, activities and consent histories go through their API endpoints, `concurrency`
 * requests at a time. On PostgreSQL (the server of DATABASE_URL, default the local one) the database is created
 * afresh; `--embedded` uses the embedded database in the data directory instead. The data directory keeps the
 * master key, so `npm run bench` can start the server again on the same data. Prints the figures as JSON and
 * writes them to bench/results/load-<date>.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { stringify } from 'csv-stringify';
import {
  type Activity,
  type ConsentEvent,
  contactCsvHeader,
  contactCsvMapping,
  contactCsvRow,
  DataGenerator,
} from './generator.js';
import {
  adminSession,
  type BenchServer,
  defaultServer,
  recreateDatabase,
  startBenchServer,
} from './lib/server.js';

const { values } = parseArgs({
  options: {
    contacts: { type: 'string', default: '100000' },
    activities: { type: 'string' },
    seed: { type: 'string', default: '1' },
    embedded: { type: 'boolean', default: false },
    database: { type: 'string', default: 'custodian_bench' },
    'data-dir': { type: 'string', default: 'bench/.data' },
    concurrency: { type: 'string', default: '8' },
    'contacts-only': { type: 'boolean', default: false },
  },
});
const contacts = Number(values.contacts);
const totalActivities = values.activities === undefined ? contacts * 10 : Number(values.activities);
const concurrency = Number(values.concurrency);
if (!Number.isInteger(contacts) || contacts < 1)
  throw new Error('--contacts must be a positive whole number');
if (!Number.isInteger(totalActivities) || totalActivities < 0)
  throw new Error('--activities must be a whole number');

const dataDir = path.resolve(values['data-dir']);
fs.rmSync(dataDir, { recursive: true, force: true });
fs.mkdirSync(dataDir, { recursive: true });
const databaseUrl = values.embedded ? null : await recreateDatabase(defaultServer, values.database);
const generator = new DataGenerator({
  seed: Number(values.seed),
  contacts,
  activitiesPerContact: totalActivities / contacts,
});

/** Runs `work` over `items` with at most `n` at a time; the first failure stops the run. */
async function inPool<T>(items: Iterable<T>, n: number, work: (item: T) => Promise<void>): Promise<number> {
  const iterator = items[Symbol.iterator]();
  let done = 0;
  const lane = async () => {
    for (let next = iterator.next(); !next.done; next = iterator.next()) {
      await work(next.value);
      done++;
    }
  };
  await Promise.all(Array.from({ length: n }, lane));
  return done;
}

const rate = (count: number, ms: number) => Math.round((count / ms) * 1000);
const results: Record<string, unknown> = {
  startedAt: new Date().toISOString(),
  engine: databaseUrl ? 'postgresql' : 'embedded',
  contacts,
  seed: Number(values.seed),
  concurrency,
};

const bench: BenchServer = await startBenchServer({
  databaseUrl,
  dataDir: path.join(dataDir, 'server'),
});
try {
  const { call, headers } = await adminSession(bench);

  // Contacts: a CSV written from the generator, then imported as a user would.
  const csvPath = path.join(dataDir, 'contacts.csv');
  let t = performance.now();
  await pipeline(
    Readable.from(
      (function* () {
        yield contactCsvHeader;
        for (const p of generator.people()) yield contactCsvRow(p);
      })(),
    ),
    stringify(),
    fs.createWriteStream(csvPath),
  );
  results.generateContactsMs = Math.round(performance.now() - t);

  t = performance.now();
  const form = new FormData();
  form.set('mapping', JSON.stringify(contactCsvMapping));
  form.set('source', 'benchmark generator');
  form.set('lawfulBasis', 'legitimate_interests');
  form.set('onDuplicate', 'skip');
  form.set('dryRun', 'false');
  form.set('file', await fs.openAsBlob(csvPath, { type: 'text/csv' }), 'contacts.csv');
  const upload = await fetch(`${bench.url}/api/v1/imports`, { method: 'POST', headers, body: form });
  if (upload.status !== 202) throw new Error(`the import answered ${upload.status}`);
  const { id: importId } = (await upload.json()) as { id: string };
  const uploadedMs = performance.now() - t;
  type ImportState = {
    status: string;
    created: number;
    failed: number;
    rowsDone: number;
    errors: { row: number; field: string; issue: string }[];
  };
  let state = await call<ImportState>('GET', `/api/v1/imports/${importId}`);
  while (state.status !== 'completed' && state.status !== 'failed') {
    await new Promise((r) => setTimeout(r, 250));
    state = await call<ImportState>('GET', `/api/v1/imports/${importId}`);
  }
  const importMs = performance.now() - t;
  if (state.status !== 'completed' || state.failed > 0) {
    for (const e of state.errors.slice(0, 10)) console.error(`row ${e.row}, ${e.field}: ${e.issue}`);
    throw new Error(`the import ended ${state.status} with ${state.failed} bad rows`);
  }
  results.import = {
    rows: state.created,
    uploadMs: Math.round(uploadedMs),
    totalMs: Math.round(importMs),
    rowsPerSecond: rate(state.created, importMs),
    csvBytes: fs.statSync(csvPath).size,
  };
  console.error(`contacts: ${state.created} imported at ${rate(state.created, importMs)} rows/s`);

  if (!values['contacts-only']) {
    // Every contact's id, read back page by page; the generated primary e-mail carries the person's index.
    t = performance.now();
    const ids: string[] = new Array(contacts);
    let cursor: string | null = null;
    do {
      const page: { items: { id: string; emails: { value: string }[] }[]; nextCursor: string | null } =
        await call(
          'GET',
          `/api/v1/contacts?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
      for (const c of page.items) {
        for (const e of c.emails) {
          const index = /\.(\d+)@/.exec(e.value)?.[1];
          if (index !== undefined) ids[Number(index)] = c.id;
        }
      }
      cursor = page.nextCursor;
    } while (cursor);
    results.readIdsMs = Math.round(performance.now() - t);
    const missing = ids.filter((id) => !id).length + (contacts - ids.length);
    if (missing > 0) throw new Error(`${missing} imported contacts were not found again`);

    // Companies and deals.
    t = performance.now();
    const companyIds: string[] = new Array(generator.companies);
    await inPool(generator.companyRecords(), concurrency, async (c) => {
      const created = await call<{ id: string }>('POST', '/api/v1/companies', {
        name: c.name,
        domain: c.domain,
        city: c.city,
        country: c.country,
      });
      companyIds[c.index] = created.id;
    });
    results.companies = {
      count: generator.companies,
      perSecond: rate(generator.companies, performance.now() - t),
    };

    const { items: pipelines } = await call<{ items: { id: string; stages: { id: string }[] }[] }>(
      'GET',
      '/api/v1/pipelines',
    );
    const board = pipelines[0];
    if (!board) throw new Error('there is no pipeline to put deals in');
    t = performance.now();
    await inPool(generator.dealRecords(), concurrency, async (d) => {
      await call('POST', '/api/v1/deals', {
        title: d.name,
        pipelineId: board.id,
        stageId: board.stages[d.stage % board.stages.length]!.id,
        amountMinor: d.amount,
        currency: d.currency,
        contactIds: [ids[d.contact]!],
        companyId: d.company === null ? null : companyIds[d.company]!,
      });
    });
    results.deals = { count: generator.deals, perSecond: rate(generator.deals, performance.now() - t) };
    console.error(`companies and deals: ${generator.companies} and ${generator.deals}`);

    // Activities, person by person.
    t = performance.now();
    const activityCount = await inPool(generator.activities(), concurrency, async (a: Activity) => {
      await call('POST', '/api/v1/activities', {
        type: a.type,
        subject: a.subject,
        body: a.body,
        occurredAt: a.occurredAt,
        durationMinutes: a.durationMinutes,
        direction: a.direction,
        contactIds: a.alsoWith === null ? [ids[a.contact]!] : [ids[a.contact]!, ids[a.alsoWith]!],
      });
    });
    results.activities = { count: activityCount, perSecond: rate(activityCount, performance.now() - t) };
    console.error(`activities: ${activityCount} at ${rate(activityCount, performance.now() - t)}/s`);

    // Consent histories under the notice in force for each purpose (published here, as a DPO would).
    const notices = new Map<string, string>();
    for (const purpose of ['newsletter', 'marketing_email']) {
      const notice = await call<{ id: string }>('POST', '/api/v1/notices', {
        key: `bench-${purpose.replace(/_/g, '-')}`,
        name: `${purpose} notice`,
        purposes: [purpose],
        texts: [
          {
            language: 'en',
            text: `We use your e-mail address for ${purpose}. You can withdraw at any time.`,
          },
        ],
      });
      notices.set(purpose, notice.id);
    }
    // A person's events in order, one person per lane. They are dated now: the ledger (rightly) refuses a consent
    // dated before the notice it was given under, and notices cannot be back-dated.
    function* histories(): Generator<ConsentEvent[]> {
      let current: ConsentEvent[] = [];
      for (const e of generator.consentEvents()) {
        if (current.length > 0 && current[0]!.contact !== e.contact) {
          yield current;
          current = [];
        }
        current.push(e);
      }
      if (current.length > 0) yield current;
    }
    t = performance.now();
    let consentCount = 0;
    await inPool(histories(), concurrency, async (events) => {
      for (const e of events) {
        const proof = { method: e.method, source: 'benchmark generator' };
        await call(
          'POST',
          `/api/v1/contacts/${ids[e.contact]}/consents/events`,
          e.kind === 'withdrawn'
            ? { kind: 'withdrawn', purpose: e.purpose, ...proof }
            : {
                kind: e.kind,
                purpose: e.purpose,
                noticeId: notices.get(e.purpose),
                language: 'en',
                ...proof,
              },
        );
        consentCount++;
      }
    });
    results.consentEvents = { count: consentCount, perSecond: rate(consentCount, performance.now() - t) };
    console.error(`consent events: ${consentCount}`);
  }
  results.peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
} finally {
  await bench.stop();
}

results.finishedAt = new Date().toISOString();
fs.mkdirSync('bench/results', { recursive: true });
const out = path.join(
  'bench/results',
  `load-${String(results.startedAt).slice(0, 10)}-${results.engine}.json`,
);
fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(JSON.stringify(results, null, 2));
