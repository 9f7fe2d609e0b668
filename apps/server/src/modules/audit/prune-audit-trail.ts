import { desc, sql } from 'drizzle-orm';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { arrayParam } from '../../platform/db/bulk.js';
import { type Executor, execute, queryRows } from '../../platform/db/database.js';
import { auditCheckpoints } from './schema.js';

export type Checkpoint = typeof auditCheckpoints.$inferSelect;

/** What a checkpoint's MAC covers. */
export const checkpointContent = (c: Pick<Checkpoint, 'seq' | 'hash' | 'entries' | 'prunedThrough'>) =>
  JSON.stringify([
    'custodian-audit-checkpoint-v1',
    c.seq,
    c.hash.toString('hex'),
    c.entries,
    c.prunedThrough.toISOString(),
  ]);

export async function latestCheckpoint(ex: Executor): Promise<Checkpoint | null> {
  const [row] = await ex.select().from(auditCheckpoints).orderBy(desc(auditCheckpoints.seq)).limit(1);
  return row ?? null;
}

const uuidArray = (ids: readonly string[]) => sql`${arrayParam(ids, 'uuid')}`;

/**
 * The last position a prune up to `before` may reach: the chain is cut only as a prefix, so it stops before
 * the first sealed entry that is newer, or that names a person under a legal hold.
 */
function pruneLimit(before: Date, heldSubjects: readonly string[]) {
  return sql`(select coalesce(min(seq), (select coalesce(max(seq), 0) + 1 from audit_entries)) - 1
              from audit_entries where seq is not null
                and (occurred_at >= ${before.toISOString()}::timestamptz
                     ${heldSubjects.length > 0 ? sql`or subject_ids && ${uuidArray(heldSubjects)}` : sql``}))`;
}

/** How many entries a prune up to `before` would remove, how many older ones it must keep, and the oldest. */
export async function auditPruneFigures(
  ex: Executor,
  before: Date,
  heldSubjects: readonly string[],
): Promise<{ due: number; kept: number; oldest: Date | null }> {
  const [row] = await queryRows<{ due: number; kept: number; oldest: string | Date | null }>(
    ex,
    sql`with lim as (select ${pruneLimit(before, heldSubjects)} as s)
        select count(*) filter (where a.seq is not null and a.seq <= lim.s)::int as due,
               count(*) filter (where a.occurred_at < ${before.toISOString()}::timestamptz
                                and (a.seq is null or a.seq > lim.s))::int as kept,
               min(a.occurred_at) filter (where a.seq is not null and a.seq <= lim.s) as oldest
        from audit_entries a, lim`,
  );
  return {
    due: Number(row?.due ?? 0),
    kept: Number(row?.kept ?? 0),
    oldest: row?.oldest ? new Date(row.oldest) : null,
  };
}

/**
 * Removes up to `limit` of the oldest sealed entries recorded before `before`, in the caller's
 * transaction: a signed checkpoint keeps the position and hash of the last one removed, so the rest of the
 * chain still verifies from there. Returns how many were removed (0 when nothing is due).
 */
export async function pruneAuditTrail(
  ex: Executor,
  keys: KeyRing,
  options: { before: Date; heldSubjects: readonly string[]; limit: number },
): Promise<{ entries: number; fromSeq: number; throughSeq: number }> {
  const current = await latestCheckpoint(ex);
  const from = (current?.seq ?? 0) + 1;
  const [target] = await queryRows<{ s: number }>(
    ex,
    sql`select least(${pruneLimit(options.before, options.heldSubjects)}, ${from + options.limit - 1}::bigint)::bigint as s`,
  );
  const through = Number(target?.s ?? 0);
  if (through < from) return { entries: 0, fromSeq: from, throughSeq: from - 1 };
  const [last] = await queryRows<{ hash: Buffer | Uint8Array; entries: number; latest: string | Date }>(
    ex,
    sql`select (select hash from audit_entries where seq = ${through}) as hash,
               count(*)::int as entries, max(occurred_at) as latest
        from audit_entries where seq between ${from} and ${through}`,
  );
  const checkpoint = {
    seq: through,
    hash: Buffer.from(last!.hash),
    entries: Number(last!.entries),
    prunedThrough: new Date(last!.latest),
  };
  await ex.insert(auditCheckpoints).values({
    ...checkpoint,
    keyId: keys.masterKeyId,
    mac: keys.mac('audit-entry-mac', checkpointContent(checkpoint)),
  });
  const removed = await execute(ex, sql`delete from audit_entries where seq between ${from} and ${through}`);
  return { entries: removed, fromSeq: from, throughSeq: through };
}
