import {
  dpvLegalBasisOf,
  type LawfulBasis,
  type PurposeRecord,
  type UpdatePurposeInput,
} from '@custodian/contracts';
import { eq } from 'drizzle-orm';
import { assertPermission, type RequestContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Db, type Executor, type Tx, transaction } from '../../platform/db/database.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { purposesTable } from './schema.js';

type PurposeRow = typeof purposesTable.$inferSelect;

function present(row: PurposeRow): PurposeRecord {
  const lawfulBasis = row.lawfulBasis as LawfulBasis;
  return {
    key: row.key as PurposeRecord['key'],
    name: row.name,
    description: row.description,
    lawfulBasis,
    art9Condition: row.art9Condition as PurposeRecord['art9Condition'],
    categories: row.categories as PurposeRecord['categories'],
    retention: row.retention,
    minimumRetentionMonths: row.minimumRetentionMonths,
    ccpaSaleOrSharing: row.ccpaSaleOrSharing,
    profiling: row.profiling,
    automatedDecisions: row.automatedDecisions,
    dpvPurpose: row.dpvPurpose,
    dpvLegalBasis: dpvLegalBasisOf[lawfulBasis],
    updatedAt: row.updatedAt.toISOString(),
  };
}

interface Deps {
  db: Db;
  keys: KeyRing;
  ctx: RequestContext;
}

export async function findPurposes({ db, ctx }: Deps): Promise<{ items: PurposeRecord[] }> {
  assertPermission(ctx.actor, 'catalog:read');
  const rows = await db.select().from(purposesTable).orderBy(purposesTable.key);
  return { items: rows.map(present) };
}

export async function getPurpose({ db, ctx, key }: Deps & { key: string }): Promise<PurposeRecord> {
  assertPermission(ctx.actor, 'catalog:read');
  const [row] = await db.select().from(purposesTable).where(eq(purposesTable.key, key));
  if (!row) throw notFound('purpose');
  return present(row);
}

/** The justification must hold together: special categories need an Art. 9 condition, explicit consent needs consent. */
function check(next: PurposeRow): void {
  const details = [];
  if (next.categories.includes('special') && !next.art9Condition)
    details.push({
      field: 'body.art9Condition',
      issue: 'is required for a purpose that uses special categories',
    });
  if (next.art9Condition === 'explicit_consent' && next.lawfulBasis !== 'consent')
    details.push({
      field: 'body.lawfulBasis',
      issue: 'must be consent when the Art. 9 condition is explicit consent',
    });
  if (next.minimumRetentionMonths !== null && next.lawfulBasis !== 'legal_obligation')
    details.push({
      field: 'body.minimumRetentionMonths',
      issue: 'is only for a purpose whose lawful basis is a legal obligation',
    });
  if (next.automatedDecisions && !next.profiling)
    details.push({ field: 'body.profiling', issue: 'must be true when decisions are automated' });
  if (details.length > 0)
    throw new AppError('validation_failed', 'The purpose does not hold together', { details });
}

/** What other modules do, in the same transaction, once a purpose changed (wired in app.ts). */
export type PurposeChanged = (tx: Tx, change: { key: string; ctx: RequestContext }) => Promise<void>;

export async function updatePurpose({
  db,
  keys,
  ctx,
  key,
  input,
  onChanged,
}: Deps & { key: string; input: UpdatePurposeInput; onChanged?: PurposeChanged }): Promise<PurposeRecord> {
  assertPermission(ctx.actor, 'purposes:manage');
  return transaction(db, async (tx) => {
    const [current] = await tx.select().from(purposesTable).where(eq(purposesTable.key, key)).for('update');
    if (!current) throw notFound('purpose');
    const next: PurposeRow = {
      ...current,
      ...input,
      updatedAt: new Date(),
      updatedBy: ctx.actor.kind === 'user' || ctx.actor.kind === 'token' ? ctx.actor.userId : null,
    } as PurposeRow;
    check(next);
    const [row] = await tx.update(purposesTable).set(next).where(eq(purposesTable.key, key)).returning();
    await recordAudit(tx, keys, ctx, { action: 'purpose.update', entityType: 'purpose', entityId: key });
    // E.g. lead scores of people the guard refuses under the new basis go now, not at the next run.
    await onChanged?.(tx, { key, ctx });
    return present(row!);
  });
}

/** A purpose as the guard and receipts need it, without a caller's permission check. */
export async function findPurposeRecord(ex: Executor, key: string): Promise<PurposeRecord | null> {
  const [row] = await ex.select().from(purposesTable).where(eq(purposesTable.key, key));
  return row ? present(row) : null;
}

export async function findPurposeRecords(ex: Executor): Promise<PurposeRecord[]> {
  return (await ex.select().from(purposesTable).orderBy(purposesTable.key)).map(present);
}
