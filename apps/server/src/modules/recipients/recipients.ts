import {
  type CreateRecipientInput,
  eeaCountries,
  type Recipient,
  recipientIssues,
  type UpdateRecipientInput,
} from '@custodian/contracts';
import { asc, eq } from 'drizzle-orm';
import { openPersonalFields, recipientEntity, sealPersonalFields } from '../../catalog/index.js';
import { assertPermission, type RequestContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Db, type Executor, transaction } from '../../platform/db/database.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import type { SubjectKeyStore } from '../subjects/index.js';
import { recipients } from './schema.js';

type Row = typeof recipients.$inferSelect;

interface Deps {
  db: Db;
  keys: KeyRing;
  subjects: SubjectKeyStore;
  ctx: RequestContext;
}

const today = () => new Date().toISOString().slice(0, 10);

async function present(ex: Executor, subjects: SubjectKeyStore, row: Row): Promise<Recipient> {
  const key = await subjects.keyFor(ex, row.subjectId);
  const { contact } = openPersonalFields(recipientEntity, key, row.subjectId, row);
  return {
    id: row.id,
    name: row.name,
    role: row.role as Recipient['role'],
    services: row.services,
    purposes: row.purposes as Recipient['purposes'],
    categories: row.categories as Recipient['categories'],
    countries: row.countries,
    thirdCountries: row.countries.filter((c) => !(eeaCountries as readonly string[]).includes(c)),
    transferMechanism: row.transferMechanism as Recipient['transferMechanism'],
    sccDate: row.sccDate,
    derogation: row.derogation,
    dpaSignedAt: row.dpaSignedAt,
    dpaReviewAt: row.dpaReviewAt,
    reviewDue: row.dpaReviewAt !== null && row.dpaReviewAt <= today(),
    securityMeasures: row.securityMeasures,
    contact: (contact as string | null) ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

type Values = Omit<Recipient, 'id' | 'thirdCountries' | 'reviewDue' | 'createdAt' | 'updatedAt'>;

function check(v: Values): void {
  const details = recipientIssues(v).map((i) => ({ field: `body.${i.field}`, issue: i.issue }));
  if (details.length > 0)
    throw new AppError('validation_failed', 'The recipient does not hold together', { details });
}

function columnsOf(v: Values, key: Buffer, subjectId: string) {
  const { contact, ...plain } = v;
  return { ...plain, ...sealPersonalFields(recipientEntity, key, subjectId, { contact }) };
}

export async function findRecipients({ db, subjects, ctx }: Deps): Promise<{ items: Recipient[] }> {
  assertPermission(ctx.actor, 'recipients:read');
  const rows = await db.select().from(recipients).orderBy(asc(recipients.name));
  const items: Recipient[] = [];
  for (const row of rows) items.push(await present(db, subjects, row));
  return { items };
}

/** Every recipient, for the records of processing (no permission check: the caller's use case made it). */
export async function listRecipientRecords(ex: Executor, subjects: SubjectKeyStore): Promise<Recipient[]> {
  const rows = await ex.select().from(recipients).orderBy(asc(recipients.name));
  const items: Recipient[] = [];
  for (const row of rows) items.push(await present(ex, subjects, row));
  return items;
}

export async function getRecipient({ db, subjects, ctx, id }: Deps & { id: string }): Promise<Recipient> {
  assertPermission(ctx.actor, 'recipients:read');
  const [row] = await db.select().from(recipients).where(eq(recipients.id, id));
  if (!row) throw notFound('recipient');
  return present(db, subjects, row);
}

export async function createRecipient({
  db,
  keys,
  subjects,
  ctx,
  input,
}: Deps & { input: CreateRecipientInput }) {
  assertPermission(ctx.actor, 'recipients:manage');
  check(input);
  return transaction(db, async (tx) => {
    const subjectId = await subjects.createSubject(tx);
    const key = await subjects.keyFor(tx, subjectId);
    const [row] = await tx
      .insert(recipients)
      .values({ subjectId, ...columnsOf(input, key, subjectId) })
      .returning();
    await recordAudit(tx, keys, ctx, {
      action: 'recipient.create',
      entityType: 'recipient',
      entityId: row!.id,
    });
    return present(tx, subjects, row!);
  });
}

export async function updateRecipient({
  db,
  keys,
  subjects,
  ctx,
  id,
  input,
}: Deps & { id: string; input: UpdateRecipientInput }): Promise<Recipient> {
  assertPermission(ctx.actor, 'recipients:manage');
  return transaction(db, async (tx) => {
    const [row] = await tx.select().from(recipients).where(eq(recipients.id, id)).for('update');
    if (!row) throw notFound('recipient');
    const {
      id: _id,
      thirdCountries: _t,
      reviewDue: _r,
      createdAt: _c,
      updatedAt: _u,
      ...current
    } = await present(tx, subjects, row);
    const next: Values = { ...current, ...input };
    check(next);
    const key = await subjects.keyFor(tx, row.subjectId);
    const [updated] = await tx
      .update(recipients)
      .set({ ...columnsOf(next, key, row.subjectId), updatedAt: new Date() })
      .where(eq(recipients.id, id))
      .returning();
    await recordAudit(tx, keys, ctx, { action: 'recipient.update', entityType: 'recipient', entityId: id });
    return present(tx, subjects, updated!);
  });
}

export async function deleteRecipient({ db, keys, subjects, ctx, id }: Deps & { id: string }): Promise<null> {
  assertPermission(ctx.actor, 'recipients:manage');
  return transaction(db, async (tx) => {
    const [gone] = await tx.delete(recipients).where(eq(recipients.id, id)).returning();
    if (!gone) throw notFound('recipient');
    await subjects.shred(tx, gone.subjectId);
    await subjects.forgetShredded(tx, [gone.subjectId]);
    await recordAudit(tx, keys, ctx, { action: 'recipient.delete', entityType: 'recipient', entityId: id });
    return null;
  });
}
