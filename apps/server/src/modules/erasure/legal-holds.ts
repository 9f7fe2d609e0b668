import type { LegalHold, PlaceLegalHoldInput } from '@custodian/contracts';
import { and, desc, eq, isNull, or, sql } from 'drizzle-orm';
import { assertPermission, assertStaff, type RequestContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Db, type Executor, transaction } from '../../platform/db/database.js';
import { rethrowMissingLink } from '../../platform/db/errors.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { findContactRow } from '../contacts/index.js';
import { assertNoIdentifiers } from '../scanner/index.js';
import { legalHolds } from './schema.js';

type Row = typeof legalHolds.$inferSelect;

const today = () => new Date().toISOString().slice(0, 10);
const isActive = (row: Row) => row.liftedAt === null && (row.until === null || row.until >= today());

export const presentHold = (row: Row): LegalHold => ({
  id: row.id,
  contactId: row.contactId,
  ground: row.ground as LegalHold['ground'],
  purpose: row.purpose as LegalHold['purpose'],
  fields: row.fields as LegalHold['fields'],
  reference: row.reference,
  until: row.until,
  createdAt: row.createdAt.toISOString(),
  createdBy: row.createdBy,
  liftedAt: row.liftedAt?.toISOString() ?? null,
  liftedBy: row.liftedBy,
  active: isActive(row),
});

/** The holds in force on a contact now: not lifted, and not past their end date. */
export async function activeHoldsOf(ex: Executor, contactId: string): Promise<Row[]> {
  return ex
    .select()
    .from(legalHolds)
    .where(
      and(
        eq(legalHolds.contactId, contactId),
        isNull(legalHolds.liftedAt),
        or(isNull(legalHolds.until), sql`${legalHolds.until} >= current_date`),
      ),
    );
}

interface Deps {
  db: Db;
  keys: KeyRing;
  ctx: RequestContext;
}

export async function placeLegalHold({
  db,
  keys,
  ctx,
  contactId,
  input,
}: Deps & { contactId: string; input: PlaceLegalHoldInput }): Promise<LegalHold> {
  assertPermission(ctx.actor, 'requests:manage');
  const staff = assertStaff(ctx.actor);
  assertNoIdentifiers({ 'body.reference': input.reference });
  if (input.until && input.until < today())
    throw new AppError('validation_failed', 'A hold cannot end in the past', {
      details: [{ field: 'body.until', issue: 'is in the past' }],
    });
  return transaction(db, async (tx) => {
    const contact = await findContactRow(tx, contactId, { forUpdate: true });
    if (!contact) throw notFound('contact');
    let row: Row;
    try {
      [row] = (await tx
        .insert(legalHolds)
        .values({ contactId, ...input, until: input.until ?? null, createdBy: staff.userId })
        .returning()) as [Row];
    } catch (err) {
      rethrowMissingLink(err, { legal_holds_purpose_purposes_key_fk: 'body.purpose' });
    }
    await recordAudit(tx, keys, ctx, {
      action: 'legalHold.place',
      entityType: 'legalHold',
      entityId: row.id,
      subjectIds: [contact.subjectId],
    });
    return presentHold(row);
  });
}

export async function listLegalHolds({ db, keys, ctx, contactId }: Deps & { contactId: string }) {
  assertPermission(ctx.actor, 'requests:read');
  const contact = await findContactRow(db, contactId);
  if (!contact) throw notFound('contact');
  const rows = await db
    .select()
    .from(legalHolds)
    .where(eq(legalHolds.contactId, contactId))
    .orderBy(desc(legalHolds.createdAt));
  await recordAudit(db, keys, ctx, {
    action: 'legalHold.list',
    entityType: 'contact',
    entityId: contactId,
    subjectIds: [contact.subjectId],
  });
  return { items: rows.map(presentHold) };
}

export async function liftLegalHold({ db, keys, ctx, id }: Deps & { id: string }): Promise<LegalHold> {
  assertPermission(ctx.actor, 'requests:manage');
  const staff = assertStaff(ctx.actor);
  return transaction(db, async (tx) => {
    const [row] = await tx.select().from(legalHolds).where(eq(legalHolds.id, id)).for('update');
    if (!row) throw notFound('legal hold');
    if (row.liftedAt) throw new AppError('conflict', 'The hold was already lifted');
    const [lifted] = await tx
      .update(legalHolds)
      .set({ liftedAt: new Date(), liftedBy: staff.userId })
      .where(eq(legalHolds.id, id))
      .returning();
    const contact = await findContactRow(tx, row.contactId);
    await recordAudit(tx, keys, ctx, {
      action: 'legalHold.lift',
      entityType: 'legalHold',
      entityId: id,
      subjectIds: contact ? [contact.subjectId] : [],
    });
    return presentHold(lifted!);
  });
}
