import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyRing } from '../../platform/crypto/keys.js';
import { type Database, queryRows, transaction } from '../../platform/db/database.js';
import { createTestDatabase } from '../../test/database.js';
import { createRun, finishRun, handledRefs, itemRefOf, recordRunItems, runItemsKeptDays } from './index.js';

let database: Database;
const keys = new KeyRing(randomBytes(32));
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

describe('run items', () => {
  it('records a batch in one statement, numbers batches in order, and finds what was handled', async () => {
    const { db } = database;
    const run = await createRun(db, { origin: 'cli', asOf: new Date(), startedBy: null, counts: {} });
    const [policy, other] = [randomUUID(), randomUUID()];
    const refs = Array.from({ length: 1200 }, () => itemRefOf(keys, 'activity', randomUUID()));
    const first = await transaction(db, (tx) =>
      recordRunItems(
        tx,
        run.id,
        refs.slice(0, 1000).map((ref) => ({ policyId: policy, target: 'activity', ref, outcome: 'done' })),
      ),
    );
    const second = await recordRunItems(db, run.id, [
      { policyId: policy, target: 'activity', ref: refs[1000]!, outcome: 'failed' },
      { policyId: other, target: 'audit_entry', ref: refs[1001]!, outcome: 'done', records: 250 },
    ]);
    expect([first, second]).toEqual([1, 2]);
    expect(await recordRunItems(db, run.id, [])).toBe(0);

    const handled = await handledRefs(db, run.id, policy, refs);
    expect(handled.size).toBe(1001);
    expect(handled.has(refs[999]!) && handled.has(refs[1000]!) && !handled.has(refs[1001]!)).toBe(true);
    expect(await handledRefs(db, run.id, other, refs)).toEqual(new Set([refs[1001]]));
    expect((await handledRefs(db, run.id, policy, [])).size).toBe(0);

    const batches = await queryRows<{ batch: number; n: number }>(
      db,
      sql`select batch, count(*)::int as n from retention_run_items where run_id = ${run.id} group by batch order by batch`,
    );
    expect(batches).toEqual([
      { batch: 1, n: 1000 },
      { batch: 2, n: 2 },
    ]);
    const finished = await finishRun(db, run.id, 'completed');
    expect(finished.batches).toBe(2);
    expect(finished.counts[policy]).toMatchObject({ done: 1000, failed: 1 });
    expect(finished.counts[other]).toMatchObject({ done: 250, failed: 0 });
  });

  it('refuses the same record twice in one run', async () => {
    const { db } = database;
    const run = await createRun(db, { origin: 'cli', asOf: new Date(), startedBy: null, counts: {} });
    const item = { policyId: randomUUID(), target: 'contact', ref: itemRefOf(keys, 'contact', randomUUID()) };
    await recordRunItems(db, run.id, [{ ...item, outcome: 'done' }]);
    await expect(
      transaction(db, (tx) => recordRunItems(tx, run.id, [{ ...item, outcome: 'done' }])),
    ).rejects.toThrow();
    await finishRun(db, run.id, 'completed');
  });

  it('keeps a finished run’s items for a while, then drops them when a later run ends', async () => {
    const { db } = database;
    const itemsOf = async (runId: string) => {
      const [row] = await queryRows<{ n: number }>(
        db,
        sql`select count(*)::int as n from retention_run_items where run_id = ${runId}`,
      );
      return row!.n;
    };
    const withItems = async (n: number) => {
      const run = await createRun(db, { origin: 'cli', asOf: new Date(), startedBy: null, counts: {} });
      const policyId = randomUUID();
      await recordRunItems(
        db,
        run.id,
        Array.from({ length: n }, () => ({
          policyId,
          target: 'contact',
          ref: itemRefOf(keys, 'contact', randomUUID()),
          outcome: 'done' as const,
        })),
      );
      return run.id;
    };
    const endedDaysAgo = (runId: string, days: number) =>
      db.execute(
        sql`update retention_runs set finished_at = now() - make_interval(days => ${days}) where id = ${runId}`,
      );

    const old = await withItems(3);
    const oldFinished = await finishRun(db, old, 'completed');
    await endedDaysAgo(old, runItemsKeptDays + 1);
    const recent = await withItems(2);
    await finishRun(db, recent, 'failed');
    await endedDaysAgo(recent, runItemsKeptDays - 1);
    const latest = await withItems(4);
    const finished = await finishRun(db, latest, 'completed');

    expect([await itemsOf(old), await itemsOf(recent), await itemsOf(latest)]).toEqual([0, 2, 4]);
    // The counts stay on the runs themselves.
    expect(Object.values(oldFinished.counts)[0]).toMatchObject({ done: 3 });
    expect(Object.values(finished.counts)[0]).toMatchObject({ done: 4 });
    const [kept] = await queryRows<{ counts: Record<string, { done: number }> }>(
      db,
      sql`select counts from retention_runs where id = ${old}`,
    );
    expect(Object.values(kept!.counts)[0]!.done).toBe(3);
  });
});
