import type { AddSuppressionsInput, Suppression } from '@custodian/contracts';
import { and, desc, eq, inArray } from 'drizzle-orm';
import { contactEntity, indexOf } from '../../catalog/index.js';
import { assertPermission, assertStaff, type RequestContext } from '../../platform/access.js';
import type { BlindIndexer } from '../../platform/crypto/blind-index.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Db, type Executor, transaction } from '../../platform/db/database.js';
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

/** The tokens of addresses, by the contacts' own e-mail and phone indexes (so contacts and list agree). */
export function suppressionTokens(
  indexer: BlindIndexer,
  a: Addresses,
): { kind: 'email' | 'phone'; token: string }[] {
  const emailIndex = indexOf(contactEntity, 'emails').name;
  const phoneIndex = indexOf(contactEntity, 'phones').name;
  return [
    ...a.emails.map((e) => ({ kind: 'email' as const, token: indexer.exactEmail(emailIndex, e).toString() })),
    ...a.phones.flatMap((p) => {
      const token = indexer.exactPhone(phoneIndex, p);
      return token === null ? [] : [{ kind: 'phone' as const, token: token.toString() }];
    }),
  ];
}

/** The entries matching any of these e-mail tokens (decimal strings, as the import computes them). */
export async function findSuppressedEmailTokens(
  ex: Executor,
  tokens: readonly string[],
): Promise<Set<string>> {
  if (tokens.length === 0) return new Set();
  const rows = await ex
    .select({ token: suppressionEntries.token })
    .from(suppressionEntries)
    .where(and(eq(suppressionEntries.kind, 'email'), inArray(suppressionEntries.token, [...tokens])));
  return new Set(rows.map((r) => r.token));
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

/** Adds entries (idempotent per address) inside a caller's transaction; for erasure and for staff. */
export async function suppress(
  ex: Executor,
  indexer: BlindIndexer,
  a: Addresses,
  entry: { reason: Suppression['reason']; requestId: string | null; createdBy: string | null },
): Promise<Row[]> {
  const tokens = suppressionTokens(indexer, a);
  if (tokens.length === 0) return [];
  await ex
    .insert(suppressionEntries)
    .values(tokens.map((t) => ({ ...t, ...entry })))
    .onConflictDoNothing();
  return findSuppressions(ex, indexer, a);
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
