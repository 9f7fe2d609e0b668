import type { ChainStatus } from '@custodian/contracts';
import { and, asc, gt, isNotNull, isNull } from 'drizzle-orm';
import { constantTimeEqual, type KeyRing } from '../../platform/crypto/keys.js';
import type { Executor } from '../../platform/db/database.js';
import { canonicalContent, chainHash } from './canonical.js';
import { checkpointContent, latestCheckpoint } from './prune-audit-trail.js';
import { auditEntries } from './schema.js';

type Entry = typeof auditEntries.$inferSelect;
const pageSize = 1000;

/**
 * Walks the sealed chain in seal order and checks, for every entry: its MAC (content unedited),
 * its position (no entry missing before it), its link to the previous hash (order kept) and its own
 * hash. Unsealed entries are checked by MAC only. Reports the first entry that fails.
 */
export async function verifyAuditChain(ex: Executor, keys: KeyRing): Promise<ChainStatus> {
  // After a retention prune the chain starts at the signed checkpoint of the last entry removed.
  const checkpoint = await latestCheckpoint(ex);
  if (checkpoint) {
    const signer = keys.ring(checkpoint.keyId);
    const valid =
      signer !== null &&
      constantTimeEqual(signer.mac('audit-entry-mac', checkpointContent(checkpoint)), checkpoint.mac);
    if (!valid)
      return {
        intact: false,
        sealed: 0,
        unsealed: Number(await ex.$count(auditEntries, isNull(auditEntries.seq))),
        firstBroken: {
          id: `checkpoint:${checkpoint.seq}`,
          seq: String(checkpoint.seq),
          reason: 'the checkpoint entries were pruned to is not signed by a loaded master key (forged?)',
        },
        head: null,
        prunedThrough: null,
      };
  }
  let expectedSeq = (checkpoint?.seq ?? 0) + 1;
  let prev: Buffer | null = checkpoint?.hash ?? null;
  let sealed = 0;
  let lastSeq = checkpoint?.seq ?? 0;
  for (;;) {
    const page = await ex
      .select()
      .from(auditEntries)
      .where(and(isNotNull(auditEntries.seq), gt(auditEntries.seq, lastSeq)))
      .orderBy(asc(auditEntries.seq))
      .limit(pageSize);
    for (const entry of page) {
      const seq = entry.seq ?? 0;
      const reason =
        macProblem(entry, keys) ??
        (seq !== expectedSeq
          ? `entries ${expectedSeq}..${seq - 1} of the chain are missing`
          : !sameHash(entry.prevHash, prev)
            ? 'does not link to the entry sealed before it (removed or re-ordered)'
            : !sameHash(entry.hash, chainHash(entry.id, seq, canonicalContent(entry), entry.mac, prev))
              ? 'its chain hash does not match its content'
              : null);
      if (reason) return broken(entry, reason, sealed, ex);
      sealed += 1;
      expectedSeq = seq + 1;
      prev = entry.hash;
      lastSeq = seq;
    }
    if (page.length < pageSize) break;
  }
  let unsealed = 0;
  let lastId = 0;
  for (;;) {
    const page = await ex
      .select()
      .from(auditEntries)
      .where(and(isNull(auditEntries.seq), gt(auditEntries.id, lastId)))
      .orderBy(asc(auditEntries.id))
      .limit(pageSize);
    for (const entry of page) {
      const reason = macProblem(entry, keys);
      if (reason) return broken(entry, reason, sealed, ex);
      unsealed += 1;
      lastId = entry.id;
    }
    if (page.length < pageSize) break;
  }
  const head = lastSeq > 0 && prev ? { seq: String(lastSeq), hash: prev.toString('hex') } : null;
  const prunedThrough = checkpoint
    ? { seq: String(checkpoint.seq), at: checkpoint.prunedThrough.toISOString() }
    : null;
  return { intact: true, sealed, unsealed, firstBroken: null, head, prunedThrough };
}

function macProblem(entry: Entry, keys: KeyRing): string | null {
  const signer = keys.ring(entry.keyId);
  if (!signer) return 'was signed under a master key that is not loaded';
  const expected = signer.mac('audit-entry-mac', canonicalContent(entry));
  return constantTimeEqual(expected, entry.mac) ? null : 'its content was changed after it was written';
}

function sameHash(a: Buffer | null, b: Buffer | null): boolean {
  if (a === null || b === null) return a === b;
  return constantTimeEqual(a, b);
}

async function broken(entry: Entry, reason: string, sealed: number, ex: Executor): Promise<ChainStatus> {
  const unsealed = (await ex.$count(auditEntries, isNull(auditEntries.seq))) as number;
  return {
    intact: false,
    sealed,
    unsealed: Number(unsealed),
    firstBroken: { id: String(entry.id), seq: entry.seq === null ? null : String(entry.seq), reason },
    head: null,
    prunedThrough: null,
  };
}
