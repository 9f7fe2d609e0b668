import type { LegalHold, PlaceLegalHoldInput } from '@custodian/contracts';
import { and, desc, eq, isNull, or, sql } from 'drizzle-orm';
import { assertPermission, assertStaff, type RequestContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Db, type Executor, queryRows, transaction } from '../../platform/db/database.js';
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
  dealId: row.dealId,
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

const inForce = () =>
  and(isNull(legalHolds.liftedAt), or(isNull(legalHolds.until), sql`${legalHolds.until} >= current_date`));

/**
 * The holds in force on a contact now (not lifted, not past their end date): their own, and those of the
 * cases (deals) they are in.
 */
export async function activeHoldsOf(ex: Executor, contactId: string): Promise<Row[]> {
  return ex
    .select()
    .from(legalHolds)
    .where(
      and(
        or(
          eq(legalHolds.contactId, contactId),
          sql`${legalHolds.dealId} in (select deal_id from deal_contacts where contact_id = ${contactId})`,
        ),
        inForce(),
      ),
    );
}

/** Whether a case (deal) is under a hold in force: it may not be deleted then. */
export async function dealIsHeld(ex: Executor, dealId: string): Promise<boolean> {
  const rows = await ex
    .select({ id: legalHolds.id })
    .from(legalHolds)
    .where(and(eq(legalHolds.dealId, dealId), inForce()))
    .limit(1);
  return rows.length > 0;
}

export type HoldScope = { contactId: string } | { dealId: string };

/** The people a hold's scope covers (their subject ids, for the audit entry); null if the scope is gone. */
async function peopleIn(ex: Executor, scope: HoldScope, lock = false): Promise<string[] | null> {
  if ('contactId' in scope) {
    const contact = await findContactRow(ex, scope.contactId, { forUpdate: lock });
    return contact ? [contact.subjectId] : null;
  }
  const rows = await queryRows<{ subject_id: string | null }>(
    ex,
    sql`select d.id, c.subject_id from deals d left join deal_contacts dc on dc.deal_id = d.id
        left join contacts c on c.id = dc.contact_id where d.id = ${scope.dealId}`,
  );
  return rows.length === 0 ? null : rows.flatMap((r) => (r.subject_id ? [r.subject_id] : []));
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
  scope,
  input,
}: Deps & { scope: HoldScope; input: PlaceLegalHoldInput }): Promise<LegalHold> {
  assertPermission(ctx.actor, 'requests:manage');
  const staff = assertStaff(ctx.actor);
  assertNoIdentifiers({ 'body.reference': input.reference });
  if (input.until && input.until < today())
    throw new AppError('validation_failed', 'A hold cannot end in the past', {
      details: [{ field: 'body.until', issue: 'is in the past' }],
    });
  return transaction(db, async (tx) => {
    const people = await peopleIn(tx, scope, true);
    if (!people) throw notFound('contactId' in scope ? 'contact' : 'deal');
    let row: Row;
    try {
      [row] = (await tx
        .insert(legalHolds)
        .values({ ...scope, ...input, until: input.until ?? null, createdBy: staff.userId })
        .returning()) as [Row];
    } catch (err) {
      rethrowMissingLink(err, { legal_holds_purpose_purposes_key_fk: 'body.purpose' });
    }
    await recordAudit(tx, keys, ctx, {
      action: 'legalHold.place',
      entityType: 'legalHold',
      entityId: row.id,
      subjectIds: people,
    });
    return presentHold(row);
  });
}

/** A contact's holds (their own and their cases'), or a case's. */
export async function listLegalHolds({ db, keys, ctx, scope }: Deps & { scope: HoldScope }) {
  assertPermission(ctx.actor, 'requests:read');
  const people = await peopleIn(db, scope);
  if (!people) throw notFound('contactId' in scope ? 'contact' : 'deal');
  const rows = await db
    .select()
    .from(legalHolds)
    .where(
      'contactId' in scope
        ? or(
            eq(legalHolds.contactId, scope.contactId),
            sql`${legalHolds.dealId} in (select deal_id from deal_contacts where contact_id = ${scope.contactId})`,
          )
        : eq(legalHolds.dealId, scope.dealId),
    )
    .orderBy(desc(legalHolds.createdAt));
  await recordAudit(db, keys, ctx, {
    action: 'legalHold.list',
    entityType: 'contactId' in scope ? 'contact' : 'deal',
    entityId: 'contactId' in scope ? scope.contactId : scope.dealId,
    subjectIds: people,
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
    const people = await peopleIn(tx, row.contactId ? { contactId: row.contactId } : { dealId: row.dealId! });
    await recordAudit(tx, keys, ctx, {
      action: 'legalHold.lift',
      entityType: 'legalHold',
      entityId: id,
      subjectIds: people ?? [],
    });
    return presentHold(lifted!);
  });
}
