import { asc, desc, isNotNull, isNull, sql } from 'drizzle-orm';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { arrayParam } from '../../platform/db/bulk.js';
import { type Db, execute, queryRows, transaction } from '../../platform/db/database.js';
import { canonicalContent, chainHash } from './canonical.js';
import { auditEntries } from './schema.js';

/**
 * Chains committed, unsealed entries in seal order. One sealer at a time across all servers
 * (an advisory lock); a transaction that commits late is simply sealed in a later batch.
 * Returns how many entries it sealed (0 when another sealer holds the lock).
 */
export async function sealAuditChain(
  db: Db,
  _keys: KeyRing,
  options: { batchSize?: number } = {},
): Promise<number> {
  const batchSize = options.batchSize ?? 500;
  return transaction(db, async (tx) => {
    const [lock] = await queryRows<{ locked: boolean }>(
      tx,
      sql`select pg_try_advisory_xact_lock(hashtext('custodian.audit.sealer')) as locked`,
    );
    if (!lock?.locked) return 0;
    const pending = await tx
      .select()
      .from(auditEntries)
      .where(isNull(auditEntries.seq))
      .orderBy(asc(auditEntries.id))
      .limit(batchSize);
    if (pending.length === 0) return 0;
    const [head] = await tx
      .select({ seq: auditEntries.seq, hash: auditEntries.hash })
      .from(auditEntries)
      .where(isNotNull(auditEntries.seq))
      .orderBy(desc(auditEntries.seq))
      .limit(1);
    let seq = head?.seq ?? 0;
    let prev = head?.hash ?? null;
    const links: { id: number; seq: number; prev: Buffer | null; hash: Buffer }[] = [];
    for (const entry of pending) {
      seq += 1;
      const hash = chainHash(entry.id, seq, canonicalContent(entry), entry.mac, prev);
      links.push({ id: entry.id, seq, prev, hash });
      prev = hash;
    }
    // One statement for the batch: a round trip per entry made the sealer the busiest writer under load.
    await execute(
      tx,
      sql`update audit_entries as a
          set seq = v.seq, prev_hash = v.prev, hash = v.hash, sealed_at = now()
          from unnest(
            ${arrayParam(
              links.map((l) => l.id),
              'bigint',
            )},
            ${arrayParam(
              links.map((l) => l.seq),
              'bigint',
            )},
            ${arrayParam(
              links.map((l) => l.prev),
              'bytea',
            )},
            ${arrayParam(
              links.map((l) => l.hash),
              'bytea',
            )}
          ) as v(id, seq, prev, hash)
          where a.id = v.id`,
    );
    return pending.length;
  });
}

/**
 * Moves the keys waiting in the pending list of the subject index into the index proper. Writers only append to
 * that list (see the index in schema.ts); a search reads all of it, so the sealer empties it a moment later, in
 * the background. Returns how many pending pages it cleaned.
 */
export async function cleanSubjectIndex(db: Db): Promise<number> {
  const [row] = await queryRows<{ pages: number | string }>(
    db,
    sql`select gin_clean_pending_list('audit_entries_subject_ids_idx'::regclass) as pages`,
  );
  return Number(row?.pages ?? 0);
}

/** Seals until nothing is left (for commands and tests that need the whole chain sealed now). */
export async function sealAll(db: Db, keys: KeyRing): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await sealAuditChain(db, keys);
    total += n;
    if (n === 0) return total;
  }
}
