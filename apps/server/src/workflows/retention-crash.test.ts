import { randomBytes } from 'node:crypto';
import type { CreateRetentionPolicyInput, RetentionPreview } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findContactRow, insertContactsBatch, openContacts } from '../modules/contacts/index.js';
import { createRetentionPolicy, itemRefOf } from '../modules/retention/index.js';
import { subjectKeysFor } from '../modules/subjects/index.js';
import { systemContext } from '../platform/access.js';
import { indexerFor } from '../platform/crypto/blind-index.js';
import { KeyRing } from '../platform/crypto/keys.js';
import { type Database, queryRows } from '../platform/db/database.js';
import { migrateDatabase } from '../platform/db/migrate.js';
import { crashSeed, type ProcessWorld, processWorld, runCli, seededRandom } from '../test/processes.js';

/**
 * The sweep killed mid-run 20 times (SIGKILL: no shutdown, no cleanup), each time started again: it resumes the
 * same run and handles each due record exactly once, and the set it handles is the dry run's.
 */
const masterKey = randomBytes(32);
const keys = new KeyRing(masterKey);
const deps = (database: Database) => ({
  db: database.db,
  keys,
  subjects: subjectKeysFor(keys),
  indexer: indexerFor(keys),
});

const leadsDue = 1500;
const customersDue = 600;
const notDue = 300;

let world: ProcessWorld;
let env: NodeJS.ProcessEnv;
const open = () => world.open();

beforeAll(async () => {
  world = await processWorld('retention-crash', masterKey, { LOG_LEVEL: 'silent' });
  env = world.env;
  const database = await open();
  try {
    await migrateDatabase(database);
    const { db } = database;
    await db.execute(sql`update retention_policies set enabled = false`);
    await db.execute(
      sql`insert into custom_fields (entity, key, label, type, category, purposes)
          values ('contact', 'campaign_score', 'Campaign score', 'text', 'behavioural', '{marketing_email}'),
                 ('contact', 'nickname', 'Nickname', 'text', 'identity', '{sales_follow_up}')`,
    );
    const ctx = systemContext('test');
    const policy = {
      description: '',
      purposes: [] as CreateRetentionPolicyInput['purposes'],
      onlyWithoutConsent: false,
      exemptions: { tagIds: [], openDeals: false },
      shortenedReason: null,
      enabled: true,
    } satisfies Partial<CreateRetentionPolicyInput>;
    await createRetentionPolicy({
      ...deps(database),
      ctx,
      input: {
        ...policy,
        name: 'Old leads',
        target: 'contact',
        trigger: 'created',
        period: { amount: 1, unit: 'years' },
        action: 'crypto_shred',
        lifecycleStages: ['lead'],
        categories: [],
      },
    });
    await createRetentionPolicy({
      ...deps(database),
      ctx,
      input: {
        ...policy,
        name: 'Old scores',
        target: 'contact',
        trigger: 'created',
        period: { amount: 1, unit: 'years' },
        action: 'delete_fields',
        lifecycleStages: ['customer'],
        categories: ['behavioural'],
      },
    });
    const person = (i: number, customFields: Record<string, string>) => ({
      firstName: `Person${i}`,
      lastName: `Crash${i}`,
      emails: [{ value: `p${i}-${randomBytes(3).toString('hex')}@example.test`, label: null, primary: true }],
      phones: [],
      addresses: [],
      jobTitle: null,
      dateOfBirth: null,
      customFields,
    });
    const groups: { n: number; stage: string; old: boolean; custom: Record<string, string> }[] = [
      { n: leadsDue, stage: 'lead', old: true, custom: {} },
      { n: customersDue, stage: 'customer', old: true, custom: { campaign_score: '42', nickname: 'Sam' } },
      { n: notDue, stage: 'lead', old: false, custom: {} },
    ];
    let i = 0;
    for (const g of groups)
      for (let done = 0; done < g.n; done += 300) {
        const rows = await insertContactsBatch(
          db,
          deps(database),
          Array.from({ length: Math.min(300, g.n - done) }, () => ({
            personal: person(i++, g.custom),
            attributes: { ownerId: null, companyId: null, source: 'import', lifecycleStage: g.stage },
            importId: null,
          })),
        );
        if (g.old)
          await db.execute(
            sql`update contacts set created_at = now() - interval '400 days' where id = any(${`{${rows.map((r) => r.id).join(',')}}`}::uuid[])`,
          );
      }
  } finally {
    await database.close();
  }
}, 300_000);

afterAll(() => world?.close());

const killPoints = 20;

/**
 * The real `custodian` command. With `kill`, it is killed with SIGKILL once it has printed that many more batches
 * and a further pause (ms) has passed: anywhere in the next batch's transaction, or between two.
 */
function cli(args: string[], kill?: { afterBatches: number; pauseMs: number }) {
  let armed = false;
  return runCli(args, env, {
    onStdout: (stdout, child) => {
      if (!kill || armed || (stdout.match(/ batch \d+:/g)?.length ?? 0) < kill.afterBatches) return;
      armed = true;
      setTimeout(() => child.kill('SIGKILL'), kill.pauseMs);
    },
  });
}

describe('the retention sweep, killed and restarted', () => {
  it('resumes the same run and handles each record of the dry run exactly once', async () => {
    const dry = await cli(['retention', 'run', '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    const preview = JSON.parse(dry.stdout) as RetentionPreview;
    expect(preview.itemsTruncated).toBe(false);
    const planned = preview.items.map((item) => itemRefOf(keys, item.target, item.id));
    expect(new Set(planned).size).toBe(leadsDue + customersDue);
    const plannedContacts = new Set(preview.items.map((item) => item.id));

    // Killed 20 times, each after one or two more batches and a random pause: every run resumes the same sweep.
    const random = seededRandom(crashSeed(5));
    for (let i = 0; i < killPoints; i++) {
      const killed = await cli(['retention', 'run', '--batch-size', '25'], {
        afterBatches: 1 + Math.floor(random() * 2),
        pauseMs: Math.floor(random() * 120),
      });
      expect(killed.signal, killed.stdout + killed.stderr).toBe('SIGKILL');
    }

    let runId = '';
    let database = await open();
    try {
      const [run] = await queryRows<{ id: string; status: string; items: number }>(
        database.db,
        sql`select r.id, r.status, (select count(*)::int from retention_run_items i where i.run_id = r.id) as items from retention_runs r`,
      );
      expect(run!.status).toBe('running');
      expect(run!.items).toBeGreaterThan(0);
      expect(run!.items).toBeLessThan(leadsDue + customersDue);
      runId = run!.id;
    } finally {
      await database.close();
    }

    const resumed = await cli(['retention', 'run', '--batch-size', '25']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`Retention sweep ${runId} completed`);

    database = await open();
    try {
      const { db } = database;
      const runs = await queryRows<{ id: string; status: string }>(
        db,
        sql`select id, status from retention_runs`,
      );
      expect(runs).toEqual([{ id: runId, status: 'completed' }]);
      const items = await queryRows<{ ref: string; outcome: string }>(
        db,
        sql`select target_ref as ref, outcome from retention_run_items where run_id = ${runId}`,
      );
      // Each planned record once, nothing else, nothing failed.
      expect(items.every((i) => i.outcome === 'done')).toBe(true);
      expect(items.map((i) => i.ref).sort()).toEqual([...planned].sort());
      // Each lead erased once: one certificate each.
      const [certs] = await queryRows<{ n: number }>(
        db,
        sql`select count(*)::int as n from erasure_certificates`,
      );
      expect(certs!.n).toBe(leadsDue);
      const left = await queryRows<{
        id: string;
        lifecycle_stage: string;
        custom_field_keys: string[] | null;
      }>(db, sql`select id, lifecycle_stage, custom_field_keys from contacts`);
      expect(left.filter((c) => c.lifecycle_stage === 'lead')).toHaveLength(notDue);
      expect(left.filter((c) => c.lifecycle_stage === 'lead').some((c) => plannedContacts.has(c.id))).toBe(
        false,
      );
      const customers = left.filter((c) => c.lifecycle_stage === 'customer');
      expect(customers).toHaveLength(customersDue);
      expect(customers.every((c) => JSON.stringify(c.custom_field_keys) === '["nickname"]')).toBe(true);
      // The rest of each customer's data is intact and readable.
      const sample = [];
      for (const c of customers.slice(0, 5)) sample.push((await findContactRow(db, c.id))!);
      const opened = await openContacts(db, deps(database), sample);
      expect(opened.map((o) => o.personal.customFields)).toEqual(Array(5).fill({ nickname: 'Sam' }));
      expect(
        opened.every((o) => o.personal.emails.length === 1 && o.personal.lastName?.startsWith('Crash')),
      ).toBe(true);
      // Every batch audited, once.
      const [batches] = await queryRows<{ n: number }>(
        db,
        sql`select count(*)::int as n from audit_entries where entity_id = ${runId} and action like 'retention.%' and action <> 'retention.run'`,
      );
      expect(batches!.n).toBe((leadsDue + customersDue) / 25);
    } finally {
      await database.close();
    }
  }, 600_000);
});
