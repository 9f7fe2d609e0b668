import type { ConsentForm, CreateConsentFormInput } from '@custodian/contracts';
import { and, asc, eq } from 'drizzle-orm';
import { assertPermission, type RequestContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Db, type Executor, transaction } from '../../platform/db/database.js';
import { AppError } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { getCurrentNotice } from '../notices/index.js';
import { consentForms } from './schema.js';

type FormRow = typeof consentForms.$inferSelect;

export const presentForm = (row: FormRow): ConsentForm => ({
  id: row.id,
  name: row.name,
  noticeKey: row.noticeKey,
  purposes: row.purposes as ConsentForm['purposes'],
  doubleOptIn: row.doubleOptIn,
  active: row.active,
  createdAt: row.createdAt.toISOString(),
});

/** A form is bound to a notice that informs about every purpose it asks for. */
export async function createConsentForm({
  db,
  keys,
  ctx,
  input,
}: {
  db: Db;
  keys: KeyRing;
  ctx: RequestContext;
  input: CreateConsentFormInput;
}): Promise<ConsentForm> {
  assertPermission(ctx.actor, 'purposes:manage');
  return transaction(db, async (tx) => {
    const notice = await getCurrentNotice({ db: tx, key: input.noticeKey }).catch(() => null);
    if (!notice)
      throw new AppError('validation_failed', 'The form needs a published notice', {
        details: [{ field: 'body.noticeKey', issue: 'names no published notice' }],
      });
    const uncovered = input.purposes.filter((p) => !notice.purposes.includes(p));
    if (uncovered.length > 0)
      throw new AppError('validation_failed', 'The notice does not inform about every purpose', {
        details: [{ field: 'body.purposes', issue: 'are not all covered by the notice' }],
      });
    const [row] = await tx
      .insert(consentForms)
      .values({
        name: input.name,
        noticeKey: input.noticeKey,
        purposes: [...new Set(input.purposes)],
        doubleOptIn: input.doubleOptIn,
        createdBy: ctx.actor.kind === 'user' || ctx.actor.kind === 'token' ? ctx.actor.userId : null,
      })
      .returning();
    await recordAudit(tx, keys, ctx, {
      action: 'consent-form.create',
      entityType: 'consentForm',
      entityId: row!.id,
    });
    return presentForm(row!);
  });
}

export async function findConsentForms({ db, ctx }: { db: Db; ctx: RequestContext }) {
  assertPermission(ctx.actor, 'catalog:read');
  const rows = await db.select().from(consentForms).orderBy(asc(consentForms.createdAt));
  return { items: rows.map(presentForm) };
}

export async function findActiveForm(ex: Executor, id: string): Promise<FormRow | null> {
  const [row] = await ex
    .select()
    .from(consentForms)
    .where(and(eq(consentForms.id, id), eq(consentForms.active, true)));
  return row ?? null;
}
