/**
 * Loads the benchmark data set into a Custodian of its own, through Custodian's own paths, and reports how fast
 * each part loaded:
 *
 *   npm run bench:data -- [--contacts 100000] [--activities N (default 10 per contact)] [--seed 1]
 *                         [--embedded] [--database custodian_bench] [--data-dir bench/.data] [--concurrency 8]
 *                         [--contacts-only] [--results-file FILE]
 *
 * Contacts, activities and consent histories go through the CSV import (POST /api/v1/imports with `kind`
 * contacts, activities or consents, each file written to the data directory and streamed from disk), which is
 * itself a benchmark. Companies and deals go through their API endpoints, `concurrency` requests at a time.
 * On PostgreSQL (the server of DATABASE_URL, default the local one) the database is created afresh; `--embedded` uses the embedded database in the data directory instead. The data directory keeps the
 * master key, so `npm run bench` can start the server again on the same data. Prints the figures as JSON and
 * writes them to bench/results/load-<date>.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify';
import {
  activityCsvHeader,
  activityCsvMapping,
  activityCsvRow,
  consentCsvHeader,
  consentCsvMapping,
  consentCsvRow,
  consentNoticesShownSince,
  consentPurposes,
  contactCsvHeader,
  contactCsvMapping,
  contactCsvRow,
  DataGenerator,
  noticeKeyOf,
} from './generator.js';
import { runLabel } from './lib/process.js';
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
    'part-rows': { type: 'string', default: '2000000' },
    /** Where the figures go instead of bench/results/load-<date>-<engine>.json (the load test's seeding). */
    'results-file': { type: 'string' },
  },
});
const contacts = Number(values.contacts);
const totalActivities = values.activities === undefined ? contacts * 10 : Number(values.activities);
const concurrency = Number(values.concurrency);
const partRows = Number(values['part-rows']);
if (!Number.isInteger(partRows) || partRows < 1)
  throw new Error('--part-rows must be a positive whole number');
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

  type ImportState = {
    status: string;
    created: number;
    skipped: number;
    failed: number;
    rowsDone: number;
    errors: { row: number; field: string; issue: string }[];
  };
  /** Writes a CSV from generated rows into the data directory. */
  async function writeCsv(name: string, rows: Iterable<string[]>): Promise<string> {
    const file = path.join(dataDir, name);
    await pipeline(Readable.from(rows), stringify(), fs.createWriteStream(file));
    return file;
  }
  /**
   * Writes generated rows as CSV files of at most `--part-rows` rows each, every one with the header
   * (`activities-1.csv`, `activities-2.csv`, …): ten million activities make 2.3 GB, beyond the server's
   * import limit (IMPORT_LIMIT, 2 GiB), so they are imported in parts as a user would split them.
   */
  async function writeCsvParts(name: string, header: string[], rows: Iterable<string[]>): Promise<string[]> {
    const files: string[] = [];
    const iterator = rows[Symbol.iterator]();
    let next = iterator.next();
    while (!next.done || files.length === 0) {
      const file = await writeCsv(
        `${name}-${files.length + 1}.csv`,
        (function* () {
          yield header;
          for (let n = 0; n < partRows && !next.done; n++) {
            yield next.value;
            next = iterator.next();
          }
        })(),
      );
      files.push(file);
    }
    return files;
  }
  /** Imports the parts one after the other; the figures are those of all of them together. */
  async function importCsvParts(files: string[], fields: Record<string, string>) {
    const parts: Awaited<ReturnType<typeof importCsv>>[] = [];
    for (const file of files) parts.push(await importCsv(file, fields));
    const sum = (key: 'rows' | 'created' | 'skipped' | 'uploadMs' | 'totalMs' | 'csvBytes') =>
      parts.reduce((total, part) => total + part[key], 0);
    return {
      parts: parts.length,
      rows: sum('rows'),
      created: sum('created'),
      skipped: sum('skipped'),
      uploadMs: sum('uploadMs'),
      totalMs: sum('totalMs'),
      rowsPerSecond: rate(sum('rows'), sum('totalMs')),
      csvBytes: sum('csvBytes'),
    };
  }
  /** Uploads a CSV as a user would (streamed from disk) and waits for the import job to finish it. */
  async function importCsv(file: string, fields: Record<string, string>) {
    const started = performance.now();
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.set(name, value);
    form.set('dryRun', 'false');
    form.set('file', await fs.openAsBlob(file, { type: 'text/csv' }), path.basename(file));
    const upload = await fetch(`${bench.url}/api/v1/imports`, { method: 'POST', headers, body: form });
    if (upload.status !== 202)
      throw new Error(`the import answered ${upload.status}: ${await upload.text()}`);
    const { id } = (await upload.json()) as { id: string };
    const uploadMs = performance.now() - started;
    let state = await call<ImportState>('GET', `/api/v1/imports/${id}`);
    while (state.status !== 'completed' && state.status !== 'failed') {
      await new Promise((r) => setTimeout(r, 250));
      state = await call<ImportState>('GET', `/api/v1/imports/${id}`);
    }
    const totalMs = performance.now() - started;
    if (state.status !== 'completed' || state.failed > 0) {
      for (const e of state.errors.slice(0, 10)) console.error(`row ${e.row}, ${e.field}: ${e.issue}`);
      throw new Error(`the ${fields.kind} import ended ${state.status} with ${state.failed} bad rows`);
    }
    return {
      rows: state.rowsDone,
      created: state.created,
      skipped: state.skipped,
      uploadMs: Math.round(uploadMs),
      totalMs: Math.round(totalMs),
      rowsPerSecond: rate(state.rowsDone, totalMs),
      csvBytes: fs.statSync(file).size,
    };
  }

  // Contacts: a CSV written from the generator, then imported as a user would. Each person's primary e-mail
  // is kept: activities and consent events name their people by it.
  const emails: string[] = new Array(contacts);
  let t = performance.now();
  const contactsCsv = await writeCsv(
    'contacts.csv',
    (function* () {
      yield contactCsvHeader;
      for (const p of generator.people()) {
        emails[p.index] = p.emails[0]!;
        yield contactCsvRow(p);
      }
    })(),
  );
  results.generateContactsMs = Math.round(performance.now() - t);
  const contactImport = await importCsv(contactsCsv, {
    mapping: JSON.stringify(contactCsvMapping),
    source: 'benchmark generator',
    lawfulBasis: 'legitimate_interests',
    onDuplicate: 'skip',
  });
  results.import = contactImport;
  console.error(`contacts: ${contactImport.created} imported at ${contactImport.rowsPerSecond} rows/s`);

  if (!values['contacts-only']) {
    // Every contact's id, read back as a user takes them all: the CSV export (streamed, pages of 500 read and
    // audited). The generated primary e-mail carries the person's index.
    t = performance.now();
    const ids: string[] = new Array(contacts);
    const exported = await fetch(`${bench.url}/api/v1/exports?entity=contacts`, { headers });
    if (exported.status !== 200 || !exported.body)
      throw new Error(`the export answered ${exported.status}: ${await exported.text()}`);
    const records = Readable.fromWeb(exported.body as import('node:stream/web').ReadableStream).pipe(
      parse({ columns: true }),
    );
    for await (const c of records as AsyncIterable<{ id: string; email: string; otherEmails: string }>) {
      for (const e of [c.email, ...c.otherEmails.split('; ')]) {
        const index = /\.(\d+)@/.exec(e)?.[1];
        if (index !== undefined) ids[Number(index)] = c.id;
      }
    }
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

    // Activities: a CSV naming each activity's people by e-mail, imported.
    t = performance.now();
    const activitiesCsv = await writeCsvParts(
      'activities',
      activityCsvHeader,
      (function* () {
        for (const a of generator.activities()) yield activityCsvRow(a, emails);
      })(),
    );
    results.generateActivitiesMs = Math.round(performance.now() - t);
    const activityImport = await importCsvParts(activitiesCsv, {
      kind: 'activities',
      mapping: JSON.stringify(activityCsvMapping),
      source: 'benchmark generator',
    });
    results.activities = activityImport;
    console.error(
      `activities: ${activityImport.created} imported at ${activityImport.rowsPerSecond} rows/s` +
        (activityImport.skipped > 0 ? ` (${activityImport.skipped} skipped as already recorded)` : ''),
    );

    // Consent histories, with their original dates, under notices the previous system showed since before the
    // first of them: published here as a DPO registers an old text (`shownSince`).
    for (const purpose of consentPurposes) {
      await call('POST', '/api/v1/notices', {
        key: noticeKeyOf(purpose),
        name: `${purpose} notice`,
        purposes: [purpose],
        shownSince: consentNoticesShownSince,
        texts: [
          {
            language: 'en',
            text: `We use your e-mail address for ${purpose}. You can withdraw at any time.`,
          },
        ],
      });
    }
    t = performance.now();
    const consentsCsv = await writeCsvParts(
      'consents',
      consentCsvHeader,
      (function* () {
        for (const e of generator.consentEvents()) yield consentCsvRow(e, emails);
      })(),
    );
    results.generateConsentEventsMs = Math.round(performance.now() - t);
    const consentImport = await importCsvParts(consentsCsv, {
      kind: 'consents',
      mapping: JSON.stringify(consentCsvMapping),
      source: 'benchmark generator',
    });
    results.consentEvents = consentImport;
    console.error(
      `consent events: ${consentImport.created} imported at ${consentImport.rowsPerSecond} rows/s`,
    );
  }
  results.peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
} finally {
  await bench.stop();
}

results.finishedAt = new Date().toISOString();
results.totalSeconds = Math.round(
  (Date.parse(results.finishedAt as string) - Date.parse(results.startedAt as string)) / 1000,
);
const out =
  values['results-file'] ??
  path.join(
    'bench/results',
    `load-${String(results.startedAt).slice(0, 10)}-${runLabel(String(results.engine), contacts)}.json`,
  );
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(JSON.stringify(results, null, 2));
