import { randomUUID } from 'node:crypto';
import type { RetentionPreview, RetentionRun } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalContent } from '../modules/audit/canonical.js';
import { auditEntries, pruneAuditTrail, sealAll, verifyAuditChain } from '../modules/audit/index.js';
import { subjectKeysFor } from '../modules/subjects/index.js';
import { systemContext } from '../platform/access.js';
import { indexerFor } from '../platform/crypto/blind-index.js';
import { queryRows } from '../platform/db/database.js';
import { type Caller, createTestContext, type TestContext } from '../test/context.js';
import { runRetentionSweep } from './run-retention.js';

let t: TestContext;
let dpo: Caller;
const heldPerson = randomUUID();
const oldEntries = 25;

/**
 * An entry written years ago, signed like any other (as if the installation had run that long), in the first
 * format, as entries were written then: the chain holds both formats and must verify across them.
 */
async function writeOldEntry(occurredAt: Date, subjectIds: string[] = []) {
  const content = {
    occurredAt,
    actorType: 'system',
    actorId: null,
    action: 'contact.read',
    entityType: 'contact',
    entityId: null,
    subjectIds,
    purpose: null,
    requestId: null,
    outcome: 'success',
    format: 1,
    tokenId: null,
    access: null,
    categories: [],
  };
  await t.database.db.insert(auditEntries).values({
    ...content,
    keyId: t.keys.masterKeyId,
    mac: t.keys.mac('audit-entry-mac', canonicalContent(content)),
  });
}

beforeAll(async () => {
  t = await createTestContext();
  await t.database.db.execute(sql`update retention_policies set enabled = false`);
  // Eight years of history first in the chain, then today's.
  const start = Date.now() - 8 * 366 * 86_400_000;
  for (let i = 0; i < oldEntries; i++) await writeOldEntry(new Date(start + i * 86_400_000));
  await writeOldEntry(new Date(start + oldEntries * 86_400_000), [heldPerson]);
  await writeOldEntry(new Date(start + (oldEntries + 1) * 86_400_000));
  await sealAll(t.database.db, t.keys);
  dpo = await t.login(await t.createUser('dpo'));
});
afterAll(() => t.close());

const deps = () => ({
  database: t.database,
  db: t.database.db,
  keys: t.keys,
  subjects: subjectKeysFor(t.keys),
  indexer: indexerFor(t.keys),
  ctx: systemContext('test'),
});

describe('audit trail retention', () => {
  it('prunes the oldest entries as a prefix of the chain behind a signed checkpoint; the chain still verifies', async () => {
    // The shipped policy: six years.
    await t.database.db.execute(
      sql`update retention_policies set enabled = true where id = '7e7e0000-0000-4000-8000-000000000006'`,
    );
    const preview = (
      await t.request({ method: 'POST', url: '/api/v1/retention/preview', as: dpo, body: {} })
    ).json<RetentionPreview>();
    const audit = preview.policies.find((p) => p.target === 'audit_entry')!;
    expect(audit).toMatchObject({ due: oldEntries + 2, held: 0, categories: [] });
    expect(preview.itemsTruncated).toBe(false);

    // A legal hold on someone named in an old entry stops the pruning there.
    await t.database.db.execute(sql`insert into data_subjects (id) values (${heldPerson})`);
    const [contact] = await queryRows<{ id: string }>(
      t.database.db,
      sql`insert into contacts (subject_id, source, lifecycle_stage) values (${heldPerson}, 'manual', 'lead') returning id`,
    );
    await t.database.db.execute(
      sql`insert into legal_holds (contact_id, ground, purpose, fields, reference) values (${contact!.id}, 'legal_claims', 'legal_obligation', '{lastName}', 'Case 1')`,
    );
    const held = (
      await t.request({ method: 'POST', url: '/api/v1/retention/preview', as: dpo, body: {} })
    ).json<RetentionPreview>();
    expect(held.policies.find((p) => p.target === 'audit_entry')).toMatchObject({ due: oldEntries, held: 2 });

    const run = (await runRetentionSweep(deps(), { origin: 'api', batchSize: 10 })) as RetentionRun;
    expect(run.policies.find((p) => p.policyId === audit.policyId)).toMatchObject({
      done: oldEntries,
      failed: 0,
    });
    const [items] = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from retention_run_items where run_id = ${run.id}`,
    );
    expect(items!.n).toBe(3); // 10 + 10 + 5
    const [left] = await queryRows<{ min: number }>(
      t.database.db,
      sql`select min(seq)::int as min from audit_entries`,
    );
    expect(left!.min).toBe(oldEntries + 1);

    await sealAll(t.database.db, t.keys);
    const status = await verifyAuditChain(t.database.db, t.keys);
    expect(status).toMatchObject({ intact: true, prunedThrough: { seq: String(oldEntries) } });
    const verified = await t.request({ url: '/api/v1/audit/verify', as: dpo });
    expect(verified.json()).toMatchObject({ intact: true });
  });

  it('refuses any other deletion, and a forged checkpoint is detected', async () => {
    await sealAll(t.database.db, t.keys);
    const [next] = await queryRows<{ seq: number }>(
      t.database.db,
      sql`select min(seq)::int as seq from audit_entries`,
    );
    await expect(
      t.database.db.execute(sql`delete from audit_entries where seq = ${next!.seq}`),
    ).rejects.toThrow();
    await expect(t.database.db.execute(sql`delete from audit_checkpoints`)).rejects.toThrow();
    // With the hold lifted, the prune goes on past the held person's entry.
    await t.database.db.execute(sql`update legal_holds set lifted_at = now()`);
    const pruned = await pruneAuditTrail(t.database.db, t.keys, {
      before: new Date(Date.now() - 6 * 366 * 86_400_000),
      heldSubjects: [],
      limit: 100,
    });
    expect(pruned.entries).toBe(2);
    expect((await verifyAuditChain(t.database.db, t.keys)).intact).toBe(true);
    // An administrator hiding entries behind a checkpoint of their own: the MAC gives it away.
    const [head] = await queryRows<{ seq: number; hash: Buffer }>(
      t.database.db,
      sql`select seq::int as seq, hash from audit_entries where seq is not null order by seq limit 1 offset 2`,
    );
    await t.database.db.execute(
      sql`insert into audit_checkpoints (seq, hash, entries, pruned_through, key_id, mac)
          values (${head!.seq}, ${head!.hash}, 3, now(), ${t.keys.masterKeyId}, ${Buffer.alloc(32)})`,
    );
    await t.database.db.execute(sql`delete from audit_entries where seq <= ${head!.seq}`);
    const status = await verifyAuditChain(t.database.db, t.keys);
    expect(status.intact).toBe(false);
    expect(status.firstBroken?.reason).toContain('checkpoint');
  });
});
