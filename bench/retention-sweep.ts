/**
 * The retention sweep alone, in process, for quick iteration (issue 10; `npm run bench -- --only retention` measures
 * it through the server, with the API's p95 while it runs):
 *
 *   npx tsx bench/retention-sweep.ts [--people 2000] [--activities 10000] [--erase 1000] [--runs 3]
 *                                    [--batch 500] [--embedded] [--keep]
 *
 * Uses its own database (`custodian_bench_retention` on the server of DATABASE_URL, default the local one; with
 * `--embedded` a temporary directory), migrated by Custodian's migrations. `--people` customers stay; before each
 * run, `--activities` activities about them dated three years ago go in (one in ten about
 * two people, a tenth more that are recent and stay; inserted 500 at a time under keys of their own, as the
 * activities repository seals them), and `--erase` leads created 400 days ago through the contacts repository,
 * each with two recent activities of their own. Each run then sweeps twice with `runRetentionSweep`: an
 * activity policy (30 months, delete_record: rows deleted, keys shredded) alone, then a lead policy (1 year,
 * crypto_shred: the erasure workflow with its certificates) alone. Prints the medians as JSON.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CreateRetentionPolicyInput } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { activityEntity, sealPersonalFields } from '../apps/server/src/catalog/index.js';
import { activities, activityContacts } from '../apps/server/src/modules/activities/index.js';
import { emptyPersonal, insertContactsBatch } from '../apps/server/src/modules/contacts/index.js';
import { createRetentionPolicy } from '../apps/server/src/modules/retention/index.js';
import { subjectKeysFor } from '../apps/server/src/modules/subjects/index.js';
import { systemContext } from '../apps/server/src/platform/access.js';
import { indexerFor } from '../apps/server/src/platform/crypto/blind-index.js';
import { KeyRing } from '../apps/server/src/platform/crypto/keys.js';
import {
  type Database,
  execute,
  openPglite,
  openPostgres,
  queryRows,
  transaction,
} from '../apps/server/src/platform/db/database.js';
import { migrateDatabase } from '../apps/server/src/platform/db/migrate.js';
import { runRetentionSweep } from '../apps/server/src/workflows/run-retention.js';

const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '2000' },
    activities: { type: 'string', default: '10000' },
    erase: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '3' },
    batch: { type: 'string', default: '500' },
    embedded: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    database: { type: 'string', default: 'custodian_bench_retention' },
  },
});
const people = Number(values.people);
const oldActivities = Number(values.activities);
const toErase = Number(values.erase);
const runs = Number(values.runs);
const batchSize = Number(values.batch);
const name = values.database;
if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error('a database name is lower-case letters, digits and _');
const server = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (n: number) => Math.round(n);

let database: Database;
let dataDir: string | null = null;
if (values.embedded) {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'custodian-bench-retention-'));
  database = await openPglite(dataDir);
} else {
  const admin = await openPostgres(server, { max: 1 });
  await execute(admin.db, sql.raw(`drop database if exists ${name} with (force)`));
  await execute(admin.db, sql.raw(`create database ${name}`));
  await admin.close();
  const url = new URL(server);
  url.pathname = `/${name}`;
  database = await openPostgres(url.toString(), { max: 4 });
}
await migrateDatabase(database);
const db = database.db;
const keys = new KeyRing(randomBytes(32));
const ctx = systemContext('bench');
const deps = { db, keys, subjects: subjectKeysFor(keys), indexer: indexerFor(keys), database, ctx };
await execute(db, sql`update retention_policies set enabled = false`);

const person = (i: number, stage: string) => ({
  personal: {
    ...emptyPersonal,
    firstName: `Bench${i}`,
    lastName: `Sweep${i}`,
    emails: [{ value: `p${i}@bench-retention.example`, label: null, primary: true }],
    phones: [{ value: `+3531555${String(i).padStart(4, '0').slice(-4)}`, label: null, primary: true }],
  },
  attributes: { ownerId: null, companyId: null, source: 'import', lifecycleStage: stage },
  importId: null,
});

let next = 0;
async function insertPeople(n: number, stage: string): Promise<string[]> {
  const ids: string[] = [];
  for (let done = 0; done < n; done += 500) {
    const rows = await insertContactsBatch(
      db,
      deps,
      Array.from({ length: Math.min(500, n - done) }, () => person(next++, stage)),
    );
    ids.push(...rows.map((r) => r.id));
  }
  return ids;
}

const stayers = await insertPeople(people, 'customer');
const day = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * day);

/**
 * `count` activities, 500 to a statement: a key each (`createSubjects`), the text sealed under it by the catalog,
 * and the links; `contactsOf(i)` names who each is about. (The API path, `createActivity`, adds the scanner's
 * findings and an audit entry each, and loads about 100 a second.)
 */
async function addActivities(count: number, occurredAt: Date, contactsOf: (i: number) => string[]) {
  for (let done = 0; done < count; done += 500) {
    const n = Math.min(500, count - done);
    await transaction(db, async (tx) => {
      const created = await deps.subjects.createSubjects(tx, n);
      const rows = await tx
        .insert(activities)
        .values(
          created.map(({ id: subjectId, key }, i) => ({
            subjectId,
            type: 'note',
            occurredAt,
            ...sealPersonalFields(activityEntity, key, subjectId, {
              subject: `Call ${done + i}`,
              body: `Spoke about the renewal; call back on +35315550${String((done + i) % 1000).padStart(3, '0')}.`,
            }),
          })),
        )
        .returning({ id: activities.id });
      await tx
        .insert(activityContacts)
        .values(
          rows.flatMap((r, i) => contactsOf(done + i).map((contactId) => ({ activityId: r.id, contactId }))),
        );
    });
  }
}

const policyBase = {
  description: '',
  purposes: [] as CreateRetentionPolicyInput['purposes'],
  lifecycleStages: [] as CreateRetentionPolicyInput['lifecycleStages'],
  categories: [] as CreateRetentionPolicyInput['categories'],
  onlyWithoutConsent: false,
  exemptions: { tagIds: [], openDeals: false },
  shortenedReason: null,
  enabled: false,
} satisfies Partial<CreateRetentionPolicyInput>;
const activityPolicy = await createRetentionPolicy({
  ...deps,
  input: {
    ...policyBase,
    name: 'Bench: activities after 30 months',
    target: 'activity',
    trigger: 'created',
    period: { amount: 30, unit: 'months' },
    action: 'delete_record',
  },
});
const leadPolicy = await createRetentionPolicy({
  ...deps,
  input: {
    ...policyBase,
    name: 'Bench: leads after a year',
    target: 'contact',
    trigger: 'created',
    period: { amount: 1, unit: 'years' },
    action: 'crypto_shred',
    lifecycleStages: ['lead'],
  },
});

/** Sweeps with only `policyId` enabled; records handled per second. */
async function sweep(policyId: string): Promise<{ records: number; ms: number; perSecond: number }> {
  await execute(db, sql`update retention_policies set enabled = (id = ${policyId})`);
  const t = performance.now();
  const run = await runRetentionSweep(deps, { origin: 'cli', batchSize });
  const ms = performance.now() - t;
  if (run?.status !== 'completed') throw new Error('the sweep did not complete');
  const mine = run.policies.find((p) => p.policyId === policyId)!;
  if (mine.failed > 0) throw new Error(`${mine.failed} record(s) failed`);
  return { records: mine.done, ms: round(ms), perSecond: round(mine.done / (ms / 1000)) };
}

const measured: {
  activities: Awaited<ReturnType<typeof sweep>>;
  erasures: Awaited<ReturnType<typeof sweep>>;
}[] = [];
for (let r = 0; r < runs; r++) {
  const t = performance.now();
  await addActivities(oldActivities, ago(3 * 365), (n) =>
    n % 10 === 0 ? [stayers[n % people]!, stayers[(n + 1) % people]!] : [stayers[n % people]!],
  );
  await addActivities(Math.round(oldActivities / 10), ago(30), (n) => [stayers[n % people]!]);
  const leads = await insertPeople(toErase, 'lead');
  await execute(
    db,
    sql`update contacts set created_at = now() - interval '400 days' where id = any(${`{${leads.join(',')}}`}::uuid[])`,
  );
  await addActivities(toErase * 2, ago(60), (n) => [leads[n % leads.length]!]);
  console.error(`run ${r + 1}: data in ${round((performance.now() - t) / 1000)} s`);
  const activities = await sweep(activityPolicy.id);
  const erasures = toErase > 0 ? await sweep(leadPolicy.id) : { records: 0, ms: 0, perSecond: 0 };
  console.error(JSON.stringify({ run: r + 1, activities, erasures }));
  measured.push({ activities, erasures });
}
const [left] = await queryRows<{ activities: number; leads: number }>(
  db,
  sql`select (select count(*)::int from activities where occurred_at < now() - interval '30 months') as activities,
             (select count(*)::int from contacts where lifecycle_stage = 'lead') as leads`,
);

await database.close();
if (dataDir && !values.keep) fs.rmSync(dataDir, { recursive: true, force: true });
if (!dataDir && !values.keep) {
  const cleanup = await openPostgres(server, { max: 1 });
  await execute(cleanup.db, sql.raw(`drop database if exists ${name} with (force)`));
  await cleanup.close();
}
console.log(
  JSON.stringify(
    {
      engine: values.embedded ? 'embedded' : 'postgresql',
      people,
      batchSize,
      runs,
      left,
      activities: {
        records: oldActivities,
        perSecondMedian: median(measured.map((m) => m.activities.perSecond)),
        perSecond: measured.map((m) => m.activities.perSecond),
      },
      erasures: {
        records: toErase,
        perSecondMedian: median(measured.map((m) => m.erasures.perSecond)),
        perSecond: measured.map((m) => m.erasures.perSecond),
      },
    },
    null,
    2,
  ),
);
