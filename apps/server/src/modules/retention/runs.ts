import type { RetentionRun } from '@custodian/contracts';
import { and, desc, eq, sql } from 'drizzle-orm';
import { assertPermission, type RequestContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { arrayParam } from '../../platform/db/bulk.js';
import { type Db, type Executor, queryRows } from '../../platform/db/database.js';
import { retentionRunItems, retentionRuns } from './schema.js';

type RunRow = typeof retentionRuns.$inferSelect;
export type RunCounts = RunRow['counts'];
export type ItemOutcome = 'done' | 'failed';

/**
 * What a run item names: a keyed hash of the record id, so the sweep can prove it handled each record once
 * without keeping the ids of records that are gone (an erasure's verification would find them).
 */
export const itemRefOf = (keys: KeyRing, target: string, id: string) =>
  keys.mac('retention-item', `${target}:${id}`).toString('base64url');

export async function findRunningRun(ex: Executor): Promise<RunRow | null> {
  const [row] = await ex.select().from(retentionRuns).where(eq(retentionRuns.status, 'running'));
  return row ?? null;
}

export async function createRun(
  ex: Executor,
  values: { origin: RetentionRun['origin']; asOf: Date; startedBy: string | null; counts: RunCounts },
): Promise<RunRow> {
  const [row] = await ex
    .insert(retentionRuns)
    .values({ status: 'running', ...values })
    .returning();
  return row!;
}

/** Of these refs, the ones this run already handled for the policy. */
export async function handledRefs(
  ex: Executor,
  runId: string,
  policyId: string,
  refs: readonly string[],
): Promise<Set<string>> {
  if (refs.length === 0) return new Set();
  const rows = await ex
    .select({ ref: retentionRunItems.targetRef })
    .from(retentionRunItems)
    .where(
      and(
        eq(retentionRunItems.runId, runId),
        eq(retentionRunItems.policyId, policyId),
        sql`${retentionRunItems.targetRef} = any(${arrayParam(refs, 'text')})`,
      ),
    );
  return new Set(rows.map((r) => r.ref));
}

/** Records items in the transaction that handled them, as one batch: its number and its items in one statement. */
export async function recordRunItems(
  ex: Executor,
  runId: string,
  items: readonly { policyId: string; target: string; ref: string; outcome: ItemOutcome; records?: number }[],
): Promise<number> {
  if (items.length === 0) return 0;
  const column = <T extends string | number>(
    f: (i: (typeof items)[number]) => T,
    type: 'text' | 'uuid' | 'int',
  ) => arrayParam(items.map(f), type);
  const [row] = await queryRows<{ batch: number }>(
    ex,
    sql`with run as (update retention_runs set batches = batches + 1 where id = ${runId} returning batches),
             items as (
               insert into retention_run_items (run_id, policy_id, target, target_ref, outcome, records, batch)
               select ${runId}::uuid, i.policy_id, i.target, i.ref, i.outcome, i.records, run.batches
               from run, unnest(${column((i) => i.policyId, 'uuid')}, ${column((i) => i.target, 'text')},
                                ${column((i) => i.ref, 'text')}, ${column((i) => i.outcome, 'text')},
                                ${column((i) => i.records ?? 1, 'int')}) as i(policy_id, target, ref, outcome, records))
        select batches as batch from run`,
  );
  return Number(row!.batch);
}

/** Done and failed per policy, from the items. */
async function itemCounts(
  ex: Executor,
  runId: string,
): Promise<Map<string, { done: number; failed: number }>> {
  const rows = await queryRows<{ policy_id: string; done: number; failed: number }>(
    ex,
    sql`select policy_id, coalesce(sum(records) filter (where outcome = 'done'), 0)::int as done,
               coalesce(sum(records) filter (where outcome = 'failed'), 0)::int as failed
        from retention_run_items where run_id = ${runId} group by policy_id`,
  );
  return new Map(rows.map((r) => [r.policy_id, { done: Number(r.done), failed: Number(r.failed) }]));
}

/**
 * How long a finished sweep keeps its items. They exist so that a sweep cut off by a crash resumes without doing
 * anything twice; once it has ended, its counts are on the run and each batch is in the audit trail, so the items
 * are only kept a while to investigate a sweep, not one row per record swept for ever.
 */
export const runItemsKeptDays = 90;

/**
 * Ends a run with its counts taken from its items, and drops the items of runs that ended more than
 * `runItemsKeptDays` ago (never those of a running sweep). Returns the run.
 */
export async function finishRun(
  ex: Executor,
  runId: string,
  status: 'completed' | 'failed',
): Promise<RunRow> {
  const [current] = await ex.select().from(retentionRuns).where(eq(retentionRuns.id, runId));
  const counts: RunCounts = { ...current!.counts };
  for (const [policyId, c] of await itemCounts(ex, runId))
    counts[policyId] = { held: 0, exempt: 0, ...counts[policyId], ...c };
  const [row] = await ex
    .update(retentionRuns)
    .set({ status, finishedAt: new Date(), counts })
    .where(eq(retentionRuns.id, runId))
    .returning();
  await pruneRunItems(ex, runItemsKeptDays);
  return row!;
}

/** Deletes the items of runs that ended more than `days` days ago; answers how many went. */
export async function pruneRunItems(ex: Executor, days: number): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    ex,
    sql`with gone as (
          delete from retention_run_items where run_id in (
            select id from retention_runs
            where status <> 'running' and finished_at < now() - make_interval(days => ${days}))
          returning 1)
        select count(*)::int as n from gone`,
  );
  return Number(rows[0]?.n ?? 0);
}

export async function presentRun(ex: Executor, row: RunRow): Promise<RetentionRun> {
  const live = row.status === 'running' ? await itemCounts(ex, row.id) : new Map();
  const policyIds = new Set([...Object.keys(row.counts), ...live.keys()]);
  return {
    id: row.id,
    status: row.status as RetentionRun['status'],
    origin: row.origin as RetentionRun['origin'],
    asOf: row.asOf.toISOString(),
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    batches: row.batches,
    policies: [...policyIds].map((policyId) => ({
      policyId,
      done: 0,
      held: 0,
      exempt: 0,
      failed: 0,
      ...row.counts[policyId],
      ...live.get(policyId),
    })),
  };
}

export async function listRetentionRuns({
  db,
  ctx,
  limit,
}: {
  db: Db;
  ctx: RequestContext;
  limit: number;
}): Promise<{ items: RetentionRun[] }> {
  assertPermission(ctx.actor, 'retention:read');
  const rows = await db.select().from(retentionRuns).orderBy(desc(retentionRuns.startedAt)).limit(limit);
  const items: RetentionRun[] = [];
  for (const row of rows) items.push(await presentRun(db, row));
  return { items };
}
