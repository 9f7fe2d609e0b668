import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CreateRetentionPolicyInput, RetentionPreview } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findContactRow, insertContactsBatch, openContacts } from '../modules/contacts/index.js';
import { createRetentionPolicy, itemRefOf } from '../modules/retention/index.js';
import { subjectKeysFor } from '../modules/subjects/index.js';
import { systemContext } from '../platform/access.js';
import { indexerFor } from '../platform/crypto/blind-index.js';
import { KeyRing } from '../platform/crypto/keys.js';
import { type Database, openPglite, openPostgres, queryRows } from '../platform/db/database.js';
import { migrateDatabase } from '../platform/db/migrate.js';
import { createTestDatabase } from '../test/database.js';

/**
 * The sweep killed mid-run (SIGKILL: no shutdown, no cleanup), then started again: it resumes the same run
 * and handles each due record exactly once, and the set it handles is the dry run's.
 */
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
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

let base = '';
let env: Record<string, string> = {};
let open: () => Promise<Database>;
let drop: () => Promise<void> = async () => {};

beforeAll(async () => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'custodian-retention-'));
  env = {
    DATA_DIR: path.join(base, 'data'),
    CUSTODIAN_MASTER_KEY: masterKey.toString('base64'),
    LOG_LEVEL: 'silent',
  };
  if (process.env.DATABASE_URL) {
    const database = await createTestDatabase();
    const url = database.url!;
    env.DATABASE_URL = url;
    open = () => openPostgres(url, { max: 2 });
    // Dropped at the end.
    drop = () => database.close();
  } else {
    open = () => openPglite(env.DATA_DIR!);
  }
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

afterAll(async () => {
  await drop();
  fs.rmSync(base, { recursive: true, force: true });
});

/** The real `custodian` command; `killAfter` batches printed, it is killed with SIGKILL. */
function cli(
  args: string[],
  killAfter?: number,
): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  delete childEnv.DATABASE_URL;
  delete childEnv.DATA_DIR;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/cli/main.ts', ...args], {
      cwd: repoRoot,
      env: { ...childEnv, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (killAfter !== undefined && (stdout.match(/ batch \d+:/g)?.length ?? 0) >= killAfter)
        child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
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

    const killed = await cli(['retention', 'run', '--batch-size', '50'], 6);
    expect(killed.signal).toBe('SIGKILL');

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

    const resumed = await cli(['retention', 'run', '--batch-size', '50']);
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
      expect(batches!.n).toBe((leadsDue + customersDue) / 50);
    } finally {
      await database.close();
    }
  }, 600_000);
});
