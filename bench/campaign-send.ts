/**
 * Campaign sending at scale (issue 8, the hook for the benchmark issue): the processing guard's throughput over
 * a segment of N people (default 100,000), and the sending rate of the real send path to an SMTP sink.
 *
 *   npx tsx bench/campaign-send.ts [--people 100000] [--send 2000] [--runs 3] [--keep]
 *
 * Uses its own database (`custodian_bench_campaign` on the server of DATABASE_URL, default the local one), migrated
 * by Custodian's migrations, and drops it afterwards unless `--keep`. People are inserted through the contacts
 * repository (encrypted, one key each) and their newsletter consent through the ledger: 80% given, 10% withdrawn,
 * 5% objected (a withdrawal on consent), 5% never asked. The guard is asked the way the send path asks it: the
 * segment's members page by page, then `answerProcessing` for each page. Sending runs `sendCampaignMessages`
 * (guard per batch of 20, decryption, rendering, one audit entry per mail) against an in-process SMTP server
 * that accepts everything, without throttling. Prints the medians as JSON.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { campaigns, sendCampaignMessages } from '../apps/server/src/modules/campaigns/index.js';
import {
  answerProcessing,
  appendLedgerEvent,
  emptyProof,
} from '../apps/server/src/modules/consents/index.js';
import { emptyPersonal, insertContactsBatch } from '../apps/server/src/modules/contacts/index.js';
import { segmentMemberIds, segments } from '../apps/server/src/modules/segments/index.js';
import { subjectKeysFor } from '../apps/server/src/modules/subjects/index.js';
import { indexerFor } from '../apps/server/src/platform/crypto/blind-index.js';
import { KeyRing } from '../apps/server/src/platform/crypto/keys.js';
import { execute, openPostgres, queryRows, transaction } from '../apps/server/src/platform/db/database.js';
import { migrateDatabase } from '../apps/server/src/platform/db/migrate.js';
import { createMailer } from '../apps/server/src/platform/mail.js';

const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '100000' },
    send: { type: 'string', default: '2000' },
    runs: { type: 'string', default: '3' },
    keep: { type: 'boolean', default: false },
  },
});
const people = Number(values.people);
const toSend = Number(values.send);
const runs = Number(values.runs);
const server = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const name = 'custodian_bench_campaign';

const admin = await openPostgres(server, { max: 1 });
await execute(admin.db, sql.raw(`drop database if exists ${name} with (force)`));
await execute(admin.db, sql.raw(`create database ${name}`));
const url = new URL(server);
url.pathname = `/${name}`;
const database = await openPostgres(url.toString(), { max: 4 });
await migrateDatabase(database);
const db = database.db;
const keys = new KeyRing(randomBytes(32));
const crypto = { subjects: subjectKeysFor(keys), indexer: indexerFor(keys) };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// The people, with a tag per sending cohort: the first `toSend` allowed ones form the sending segment.
const started = performance.now();
const [tag] = await queryRows<{ id: string }>(
  db,
  sql`insert into tags (name) values ('bench-send') returning id`,
);
const batch = 1000;
for (let done = 0; done < people; done += batch) {
  await transaction(db, async (tx) => {
    const rows = await insertContactsBatch(
      tx,
      crypto,
      Array.from({ length: Math.min(batch, people - done) }, (_, i) => ({
        personal: {
          ...emptyPersonal,
          firstName: `Bench${done + i}`,
          lastName: 'Person',
          emails: [{ value: `p${done + i}@bench.example`, label: null, primary: true }],
        },
        attributes: { ownerId: null, companyId: null, source: 'import', lifecycleStage: 'lead' },
        importId: null,
      })),
    );
    for (const [i, row] of rows.entries()) {
      const n = done + i;
      const roll = n % 20;
      if (roll === 19) continue; // never asked
      const event = (kind: 'given' | 'withdrawn', at: number) =>
        appendLedgerEvent(tx, crypto.subjects, {
          subjectId: row.subjectId,
          kind,
          purpose: 'newsletter',
          noticeId: null,
          language: 'en',
          method: 'import',
          occurredAt: new Date(Date.UTC(2026, 0, 1) + at),
          actor: { type: 'system', id: null },
          relatesTo: null,
          conflictsWith: null,
          mergedFrom: null,
          proof: emptyProof,
        });
      await event('given', n);
      if (roll >= 16) await event('withdrawn', n + 1);
    }
    const sendCohort = rows.slice(0, Math.max(0, Math.min(rows.length, toSend - done)));
    if (sendCohort.length > 0)
      await execute(
        tx,
        sql`insert into contact_tags (contact_id, tag_id)
            select unnest(${`{${sendCohort.map((r) => r.id).join(',')}}`}::uuid[]), ${tag!.id}`,
      );
  });
}
const loadSeconds = (performance.now() - started) / 1000;

// The guard over the whole population as a segment (every lead), asked page by page as the send path does.
const [everyone] = await db
  .insert(segments)
  .values({ name: 'Everyone', filter: { lifecycleStages: ['lead'] } })
  .returning();
const guardTimes: number[] = [];
let allowed = 0;
for (let r = 0; r < runs; r++) {
  const t0 = performance.now();
  let after: { at: Date; id: string } | null = null;
  let ok = 0;
  for (;;) {
    const page = await segmentMemberIds(db, everyone!.filter, { limit: 1000, after, now: new Date() });
    if (page.length === 0) break;
    const { answers } = await answerProcessing(db, 'newsletter', { contactIds: page.map((m) => m.id) });
    ok += answers.filter((a) => a.allowed).length;
    const last = page[page.length - 1]!;
    after = { at: last.createdAt, id: last.id };
  }
  guardTimes.push(performance.now() - t0);
  allowed = ok;
}

// Sending: the real path to a sink that accepts everything.
let received = 0;
const sink = new SMTPServer({
  authOptional: true,
  disabledCommands: ['AUTH', 'STARTTLS'],
  logger: false,
  onData(stream, _session, callback) {
    stream.on('data', () => {});
    stream.on('end', () => {
      received += 1;
      callback();
    });
  },
});
await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
const port = (sink.server.address() as AddressInfo).port;
const mailer = createMailer({
  host: '127.0.0.1',
  port,
  secure: false,
  auth: null,
  from: 'Bench <news@bench.example>',
})!;
const [cohort] = await db
  .insert(segments)
  .values({ name: 'Send cohort', filter: { tagIds: [tag!.id] } })
  .returning();
const sendTimes: number[] = [];
let sent = 0;
for (let r = 0; r < runs; r++) {
  const [campaign] = await db
    .insert(campaigns)
    .values({
      name: `Bench ${r}`,
      purpose: 'newsletter',
      segmentId: cohort!.id,
      subject: 'News for {{firstName}}',
      text: 'Hello {{firstName}} {{lastName}},\n\nthe news.',
      html: '<p>Hello {{firstName}} {{lastName}},</p><p>the news.</p>',
      status: 'queued',
    })
    .returning();
  const t0 = performance.now();
  sent = await sendCampaignMessages(
    {
      db,
      keys,
      ...crypto,
      mailer,
      publicUrl: 'https://crm.bench.example',
      controller: {
        name: 'Bench',
        address: 'Bench street',
        email: null,
        url: 'https://bench.example',
        dataLocation: 'EU',
      },
      minIntervalMs: 0,
      bounceDomain: 'bench.example',
    },
    campaign!.id,
  );
  sendTimes.push(performance.now() - t0);
}
mailer.close();
await new Promise<void>((resolve) => sink.close(() => resolve()));

const guardMs = median(guardTimes);
const sendMs = median(sendTimes);
console.log(
  JSON.stringify(
    {
      engine: 'postgresql',
      people,
      loadSeconds: Math.round(loadSeconds),
      guard: {
        allowed,
        medianMs: Math.round(guardMs),
        peoplePerSecond: Math.round(people / (guardMs / 1000)),
      },
      send: {
        segment: toSend,
        sentPerRun: sent,
        received,
        medianMs: Math.round(sendMs),
        mailsPerSecond: Math.round(sent / (sendMs / 1000)),
      },
    },
    null,
    2,
  ),
);
await database.close();
if (!values.keep) {
  const cleanup = await openPostgres(server, { max: 1 });
  await execute(cleanup.db, sql.raw(`drop database if exists ${name} with (force)`));
  await cleanup.close();
}
