import type { AddSuppressionsInput, Suppression } from '@custodian/contracts';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { contactEntity, indexOf } from '../../catalog/index.js';
import { assertPermission, assertStaff, type RequestContext } from '../../platform/access.js';
import type { BlindIndexer } from '../../platform/crypto/blind-index.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Db, type Executor, transaction } from '../../platform/db/database.js';
import { textArrayLiteral } from '../../platform/db/types.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { suppressionEntries } from './schema.js';

type Row = typeof suppressionEntries.$inferSelect;

const present = (row: Row): Suppression => ({
  id: row.id,
  kind: row.kind as Suppression['kind'],
  reason: row.reason as Suppression['reason'],
  requestId: row.requestId,
  createdAt: row.createdAt.toISOString(),
});

export interface Addresses {
  emails: readonly string[];
  phones: readonly string[];
}

/** The entry hashes of addresses, from the contacts' own e-mail and phone indexes (so contacts and list agree). */
export function suppressionTokens(
  indexer: BlindIndexer,
  a: Addresses,
): { kind: 'email' | 'phone'; token: string }[] {
  const emailIndex = indexOf(contactEntity, 'emails').name;
  const phoneIndex = indexOf(contactEntity, 'phones').name;
  return [
    ...a.emails.map((e) => ({
      kind: 'email' as const,
      token: indexer.suppressionHash('email', indexer.exactEmail(emailIndex, e)),
    })),
    ...a.phones.flatMap((p) => {
      const token = indexer.exactPhone(phoneIndex, p);
      return token === null
        ? []
        : [{ kind: 'phone' as const, token: indexer.suppressionHash('phone', token) }];
    }),
  ];
}

/** Which of these contact e-mail tokens (decimal strings, as the import computes them) are suppressed. */
export async function findSuppressedEmailTokens(
  ex: Executor,
  indexer: BlindIndexer,
  tokens: readonly string[],
): Promise<Set<string>> {
  if (tokens.length === 0) return new Set();
  const byHash = new Map(tokens.map((t) => [indexer.suppressionHash('email', BigInt(t)), t]));
  const rows = await ex
    .select({ token: suppressionEntries.token })
    .from(suppressionEntries)
    // One parameter for the whole list (an import batch asks for hundreds).
    .where(
      and(
        eq(suppressionEntries.kind, 'email'),
        sql`${suppressionEntries.token} = any(${textArrayLiteral([...byHash.keys()])}::text[])`,
      ),
    );
  return new Set(rows.map((r) => byHash.get(r.token)!));
}

/**
 * Entries written before the list held hashes of tokens (the tokens themselves, as decimal strings) are
 * re-hashed at start-up. Idempotent: a legacy entry whose hash is already listed is dropped.
 */
export async function rehashLegacySuppressions(db: Db, indexer: BlindIndexer): Promise<number> {
  const legacy = await db
    .select()
    .from(suppressionEntries)
    .where(sql`${suppressionEntries.token} not like 'h1:%'`);
  for (const row of legacy) {
    if (!/^-?\d+$/.test(row.token) || (row.kind !== 'email' && row.kind !== 'phone')) continue;
    const token = indexer.suppressionHash(row.kind, BigInt(row.token));
    await transaction(db, async (tx) => {
      const [twin] = await tx
        .select({ id: suppressionEntries.id })
        .from(suppressionEntries)
        .where(and(eq(suppressionEntries.kind, row.kind), eq(suppressionEntries.token, token)));
      if (twin) await tx.delete(suppressionEntries).where(eq(suppressionEntries.id, row.id));
      else await tx.update(suppressionEntries).set({ token }).where(eq(suppressionEntries.id, row.id));
    });
  }
  return legacy.length;
}

export async function findSuppressions(ex: Executor, indexer: BlindIndexer, a: Addresses): Promise<Row[]> {
  const tokens = suppressionTokens(indexer, a);
  if (tokens.length === 0) return [];
  const rows = await ex
    .select()
    .from(suppressionEntries)
    .where(
      inArray(
        suppressionEntries.token,
        tokens.map((t) => t.token),
      ),
    );
  return rows.filter((r) => tokens.some((t) => t.kind === r.kind && t.token === r.token));
}

/** Refuses to (re-)create a person on the suppression list. */
export async function assertNotSuppressed(ex: Executor, indexer: BlindIndexer, a: Addresses): Promise<void> {
  if ((await findSuppressions(ex, indexer, a)).length > 0)
    throw new AppError(
      'conflict',
      'This person is on the suppression list (they asked to be erased or not to be contacted): lift the entry only with their new, explicit consent',
    );
}

interface Deps {
  db: Db;
  keys: KeyRing;
  indexer: BlindIndexer;
  ctx: RequestContext;
}

type EntryInfo = { reason: Suppression['reason']; requestId: string | null; createdBy: string | null };

/** Adds entries (idempotent per address) inside a caller's transaction; for erasure and for staff. */
export async function suppress(
  ex: Executor,
  indexer: BlindIndexer,
  a: Addresses,
  entry: EntryInfo,
): Promise<Row[]> {
  const tokens = suppressionTokens(indexer, a);
  if (tokens.length === 0) return [];
  await ex
    .insert(suppressionEntries)
    .values(tokens.map((t) => ({ ...t, ...entry })))
    .onConflictDoNothing();
  return findSuppressions(ex, indexer, a);
}

/**
 * Erasure: lists a contact by the e-mail and phone tokens it holds (what imports and forms compare), in
 * the caller's transaction. Returns how many entries the person now has on the list.
 */
export async function suppressContactTokens(
  ex: Executor,
  indexer: BlindIndexer,
  tokens: { emailTokens: readonly bigint[]; phoneTokens: readonly bigint[] },
  entry: EntryInfo,
): Promise<number> {
  const values = [
    ...tokens.emailTokens.map((t) => ({ kind: 'email', token: indexer.suppressionHash('email', t) })),
    ...tokens.phoneTokens.map((t) => ({ kind: 'phone', token: indexer.suppressionHash('phone', t) })),
  ];
  if (values.length === 0) return 0;
  await ex
    .insert(suppressionEntries)
    .values(values.map((v) => ({ ...v, ...entry })))
    .onConflictDoNothing();
  const rows = await ex
    .select({ id: suppressionEntries.id })
    .from(suppressionEntries)
    .where(
      inArray(
        suppressionEntries.token,
        values.map((v) => v.token),
      ),
    );
  return rows.length;
}

export async function addSuppressions({
  db,
  keys,
  indexer,
  ctx,
  input,
}: Deps & { input: AddSuppressionsInput }) {
  assertPermission(ctx.actor, 'requests:manage');
  const staff = assertStaff(ctx.actor);
  return transaction(db, async (tx) => {
    const rows = await suppress(tx, indexer, input, {
      reason: input.reason,
      requestId: input.requestId ?? null,
      createdBy: staff.userId,
    });
    await recordAudit(tx, keys, ctx, { action: 'suppression.add', entityType: 'suppression' });
    return { items: rows.map(present) };
  });
}

export async function listSuppressions({ db, ctx }: Omit<Deps, 'keys' | 'indexer'>) {
  assertPermission(ctx.actor, 'requests:read');
  const rows = await db
    .select()
    .from(suppressionEntries)
    .orderBy(desc(suppressionEntries.createdAt))
    .limit(1000);
  return { items: rows.map(present) };
}

export async function checkSuppressions({ db, keys, indexer, ctx, input }: Deps & { input: Addresses }) {
  assertPermission(ctx.actor, 'requests:read');
  const rows = await findSuppressions(db, indexer, input);
  await recordAudit(db, keys, ctx, { action: 'suppression.check', entityType: 'suppression' });
  return { suppressed: rows.length > 0, ids: rows.map((r) => r.id) };
}

export async function liftSuppression({ db, keys, ctx, id }: Omit<Deps, 'indexer'> & { id: string }) {
  assertPermission(ctx.actor, 'requests:manage');
  await transaction(db, async (tx) => {
    const deleted = await tx.delete(suppressionEntries).where(eq(suppressionEntries.id, id)).returning();
    if (deleted.length === 0) throw notFound('suppression entry');
    await recordAudit(tx, keys, ctx, { action: 'suppression.lift', entityType: 'suppression', entityId: id });
  });
}

/** Every entry, as `kind:hash` → reason, for a pass over all contacts (restore safety). */
export async function loadSuppressionList(ex: Executor): Promise<Map<string, Suppression['reason']>> {
  const rows = await ex
    .select({
      kind: suppressionEntries.kind,
      token: suppressionEntries.token,
      reason: suppressionEntries.reason,
    })
    .from(suppressionEntries);
  return new Map(rows.map((r) => [`${r.kind}:${r.token}`, r.reason as Suppression['reason']]));
}

/** The reasons the list holds for a contact's stored e-mail and phone tokens (none: not listed). */
export function suppressionReasonsOf(
  indexer: BlindIndexer,
  list: ReadonlyMap<string, Suppression['reason']>,
  tokens: { emailTokens: readonly bigint[]; phoneTokens: readonly bigint[] },
): Suppression['reason'][] {
  const reasons = new Set<Suppression['reason']>();
  const look = (kind: 'email' | 'phone', token: bigint) => {
    const reason = list.get(`${kind}:${indexer.suppressionHash(kind, token)}`);
    if (reason) reasons.add(reason);
  };
  for (const t of tokens.emailTokens) look('email', t);
  for (const t of tokens.phoneTokens) look('phone', t);
  return [...reasons];
}

/** One line of an exported list: keyed hashes only, so the file holds no personal data. */
export interface ExportedSuppression {
  kind: 'email' | 'phone';
  token: string;
  reason: Suppression['reason'];
  requestId: string | null;
  createdAt: string;
}

export async function exportSuppressionList(ex: Executor): Promise<ExportedSuppression[]> {
  const rows = await ex.select().from(suppressionEntries).orderBy(suppressionEntries.createdAt);
  return rows.map((r) => ({
    kind: r.kind as ExportedSuppression['kind'],
    token: r.token,
    reason: r.reason as Suppression['reason'],
    requestId: r.requestId,
    createdAt: r.createdAt.toISOString(),
  }));
}

/** Adds exported entries the list lacks (after a restore from a backup older than them); how many were new. */
export async function restoreSuppressionEntries(
  ex: Executor,
  entries: readonly ExportedSuppression[],
): Promise<number> {
  let added = 0;
  for (let i = 0; i < entries.length; i += 500) {
    const batch = entries.slice(i, i + 500);
    const rows = await ex
      .insert(suppressionEntries)
      .values(
        batch.map((e) => ({
          kind: e.kind,
          token: e.token,
          reason: e.reason,
          requestId: e.requestId,
          createdAt: new Date(e.createdAt),
        })),
      )
      .onConflictDoNothing()
      .returning({ id: suppressionEntries.id });
    added += rows.length;
  }
  return added;
}
