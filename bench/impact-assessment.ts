/**
 * Impact assessment at scale (issue 7): how long `assessImpact` takes on PostgreSQL over an audit trail of
 * N entries (default 10,000,000), for one compromised account and one compromised token.
 *
 *   npx tsx bench/impact-assessment.ts [--entries 10000000] [--runs 5] [--keep]
 *
 * Uses its own database (`custodian_bench_audit` on the server of DATABASE_URL, default the local one), migrated
 * by Custodian's migrations. The trail is generated in SQL (entries are not MAC-signed: the assessment does not
 * read MACs): 200 staff accounts with skewed activity, 400 tokens, 2,000,000 people, 1-3 people per entry, 90 days,
 * both entry formats, 8% denied calls. Prints the medians as JSON. `--keep` reuses a trail already generated.
 */
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { assessImpact } from '../apps/server/src/modules/audit/impact-assessment.js';
import { execute, openPostgres, queryRows } from '../apps/server/src/platform/db/database.js';
import { migrateDatabase } from '../apps/server/src/platform/db/migrate.js';

const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '10000000' },
    runs: { type: 'string', default: '5' },
    keep: { type: 'boolean', default: false },
  },
});
const entries = Number(values.entries);
const runs = Number(values.runs);
const server = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const name = 'custodian_bench_audit';

const admin = await openPostgres(server, { max: 1 });
const [exists] = await queryRows<{ n: number }>(
  admin.db,
  sql`select count(*)::int as n from pg_database where datname = ${name}`,
);
if (!values.keep || !exists?.n) {
  if (exists?.n) await execute(admin.db, sql.raw(`drop database ${name} with (force)`));
  await execute(admin.db, sql.raw(`create database ${name}`));
}
await admin.close();
const url = new URL(server);
url.pathname = `/${name}`;
const database = await openPostgres(url.toString(), { max: 2 });
await migrateDatabase(database);
const db = database.db;

const uuidOf = (prefix: string, n: string) =>
  `(substr(md5('${prefix}' || ${n}), 1, 8) || '-' || substr(md5('${prefix}' || ${n}), 9, 4) || '-4' || substr(md5('${prefix}' || ${n}), 14, 3) || '-8' || substr(md5('${prefix}' || ${n}), 18, 3) || '-' || substr(md5('${prefix}' || ${n}), 21, 12))::uuid`;

const [count] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from audit_entries`);
if ((count?.n ?? 0) < entries) {
  const started = performance.now();
  // Bulk load without the secondary indexes, then build them once (as a restore would).
  const indexes = await queryRows<{ indexname: string; indexdef: string }>(
    db,
    sql`select indexname, indexdef from pg_indexes where tablename = 'audit_entries' and indexname <> 'audit_entries_pkey'`,
  );
  for (const i of indexes) await execute(db, sql.raw(`drop index ${i.indexname}`));
  const chunk = 1_000_000;
  const start = Date.UTC(2026, 8, 1);
  for (let done = count?.n ?? 0; done < entries; done += chunk) {
    const upto = Math.min(entries, done + chunk);
    // Account k (skewed: a few accounts do most of the work); every third call of an account through its token.
    await execute(
      db,
      sql.raw(`
      insert into audit_entries (occurred_at, actor_type, actor_id, action, entity_type, entity_id, subject_ids,
        purpose, request_id, outcome, key_id, mac, format, token_id, access, categories)
      select to_timestamp(${start / 1000} + (g * 7776000.0 / ${entries})) as occurred_at,
        case when g % 3 = 0 then 'token' else 'user' end,
        ${uuidOf('user', 'a.k')},
        (array['contact.read', 'contact.list', 'contact.update', 'activity.create', 'deal.read'])[1 + g % 5],
        'contact', null,
        array[${uuidOf('person', '(hashint8(g) & 2147483647) % 2000000')}]
          || case when g % 4 = 0 then array[${uuidOf('person', '(hashint8(g + 1) & 2147483647) % 2000000')}] else '{}' end
          || case when g % 9 = 0 then array[${uuidOf('person', '(hashint8(g + 2) & 2147483647) % 2000000')}] else '{}' end,
        'sales_follow_up', null,
        case when g % 13 = 0 then 'denied' else 'success' end,
        'bench', '\\x00'::bytea,
        case when g < ${entries / 5} then 1 else 2 end,
        case when g % 3 = 0 and g >= ${entries / 5} then ${uuidOf('token', 'a.k * 2 + g % 2')} end,
        case when g < ${entries / 5} then null when g % 5 in (2, 3) then 'change' else 'read' end,
        case when g < ${entries / 5} then '{}'::text[] else (array[array['identity', 'contact', 'professional'], array['identity', 'behavioural', 'professional']])[1 + g % 2][1:1 + g % 3] end
      from generate_series(${done}, ${upto - 1}) as g,
        lateral (select least(199, floor(power((hashint8(g + 7) & 2147483647) / 2147483648.0, 2) * 200))::int as k) as a`),
    );
    process.stderr.write(`generated ${upto} entries\n`);
  }
  for (const i of indexes) {
    await execute(db, sql.raw(i.indexdef));
    process.stderr.write(`built ${i.indexname}\n`);
  }
  await execute(db, sql`analyze audit_entries`);
  process.stderr.write(`generated in ${Math.round((performance.now() - started) / 1000)} s\n`);
}

// The busiest account (as a compromised admin would be) and one of its tokens.
const [busiest] = await queryRows<{ actor_id: string; n: number }>(
  db,
  sql`select actor_id::text, count(*)::int as n from audit_entries group by 1 order by 2 desc limit 1`,
);
const [typical] = await queryRows<{ actor_id: string; n: number }>(
  db,
  sql`select actor_id::text, count(*)::int as n from audit_entries group by 1 order by 2 desc offset 100 limit 1`,
);
const [token] = await queryRows<{ token_id: string; n: number }>(
  db,
  sql`select token_id::text, count(*)::int as n from audit_entries where token_id = (select token_id from audit_entries where actor_id = ${busiest!.actor_id}::uuid and token_id is not null limit 1) group by 1`,
);
const end = new Date(Date.UTC(2026, 8, 1) + 90 * 86_400_000);
const daysBefore = (d: number) => new Date(end.getTime() - d * 86_400_000).toISOString();

async function measure(label: string, input: Parameters<typeof assessImpact>[1]) {
  const times: number[] = [];
  let result: Awaited<ReturnType<typeof assessImpact>> | null = null;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    result = await assessImpact(db, input);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return {
    label,
    medianMs: Math.round(times[Math.floor(times.length / 2)]!),
    maxMs: Math.round(times[times.length - 1]!),
    people: result!.people,
    entries: result!.entries.read + result!.entries.change,
  };
}

const results = [
  await measure(`busiest account (${busiest!.n} entries in all), 7 days`, {
    actor: { type: 'user', id: busiest!.actor_id },
    from: daysBefore(7),
    to: end.toISOString(),
    limit: 1000,
  }),
  await measure('busiest account, all 90 days', {
    actor: { type: 'user', id: busiest!.actor_id },
    from: daysBefore(90),
    to: end.toISOString(),
    limit: 1000,
  }),
  await measure(`typical account (${typical!.n} entries in all), all 90 days`, {
    actor: { type: 'user', id: typical!.actor_id },
    from: daysBefore(90),
    to: end.toISOString(),
    limit: 1000,
  }),
  await measure(`one token of the busiest account (${token!.n} entries), all 90 days`, {
    actor: { type: 'token', id: token!.token_id },
    from: daysBefore(90),
    to: end.toISOString(),
    limit: 1000,
  }),
];
console.log(
  JSON.stringify(
    { scenario: 'impact-assessment', engine: 'postgres', auditEntries: entries, runs, results },
    null,
    2,
  ),
);
await database.close();
