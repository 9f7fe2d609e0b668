import type { Breach, RecordBreachInput, UpdateBreachInput } from '@custodian/contracts';
import { and, asc, count, eq, inArray, isNull, sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { assertPermission, type RequestContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Db, type Executor, transaction } from '../../platform/db/database.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { assertNoIdentifiers } from '../scanner/index.js';
import { breaches, breachNotices } from './schema.js';

export type BreachRow = typeof breaches.$inferSelect;

/** Art. 33(1): 72 hours after becoming aware, an absolute span (daylight saving changes nothing). */
export const authorityWindowMs = 72 * 3_600_000;

export type NoticeCounts = Breach['notices'];
const noNotices: NoticeCounts = { queued: 0, sent: 0, noAddress: 0, erased: 0 };

export function presentBreach(
  row: BreachRow,
  timeZone: string,
  now = new Date(),
  notices: NoticeCounts = noNotices,
): Breach {
  const deadline = new Date(row.awareAt.getTime() + authorityWindowMs);
  const pending = row.authorityDecision === 'pending';
  const hoursLeft = pending ? Math.round(((deadline.getTime() - now.getTime()) / 3_600_000) * 10) / 10 : null;
  return {
    id: row.id,
    title: row.title,
    nature: row.nature,
    detectedAt: row.detectedAt.toISOString(),
    awareAt: row.awareAt.toISOString(),
    categories: row.categories as Breach['categories'],
    peopleApprox: row.peopleApprox,
    recordsApprox: row.recordsApprox,
    consequences: row.consequences,
    measures: row.measures,
    risk: row.risk as Breach['risk'],
    authorityDecision: row.authorityDecision as Breach['authorityDecision'],
    authorityNotifiedAt: row.authorityNotifiedAt?.toISOString() ?? null,
    authorityReference: row.authorityReference,
    decisionReason: row.decisionReason,
    delayReason: row.delayReason,
    peopleDecision: row.peopleDecision as Breach['peopleDecision'],
    peopleException: row.peopleException as Breach['peopleException'],
    peopleNotifiedAt: row.peopleNotifiedAt?.toISOString() ?? null,
    impact: (row.impact as Breach['impact']) ?? null,
    notices,
    authorityDeadline: deadline.toISOString(),
    authorityDeadlineLocal: DateTime.fromJSDate(deadline, { zone: timeZone }).toFormat(
      `yyyy-MM-dd HH:mm '${timeZone}' (ZZ)`,
    ),
    hoursLeft,
    overdue: pending && deadline.getTime() < now.getTime(),
    peopleDecisionDue: row.risk === 'high' && row.peopleDecision === 'pending',
    closedAt: row.closedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

type Values = Omit<
  BreachRow,
  | 'id'
  | 'remindersSent'
  | 'createdBy'
  | 'createdAt'
  | 'updatedAt'
  | 'impact'
  | 'peopleNoticeSubject'
  | 'peopleNoticeText'
>;

/** Notices per breach, by status. */
export async function noticeCounts(ex: Executor, ids?: string[]): Promise<Map<string, NoticeCounts>> {
  const rows = await ex
    .select({ breachId: breachNotices.breachId, status: breachNotices.status, n: count() })
    .from(breachNotices)
    .where(ids ? inArray(breachNotices.breachId, ids) : undefined)
    .groupBy(breachNotices.breachId, breachNotices.status);
  const counts = new Map<string, NoticeCounts>();
  for (const r of rows) {
    const c = counts.get(r.breachId) ?? { ...noNotices };
    const key = r.status === 'no_address' ? 'noAddress' : (r.status as keyof NoticeCounts);
    if (key in c) c[key] = Number(r.n);
    counts.set(r.breachId, c);
  }
  return counts;
}

/** The record must hold together with Art. 33 and 34 before it is written. */
function check(v: Values): void {
  const details: { field: string; issue: string }[] = [];
  const issue = (field: string, text: string) => details.push({ field: `body.${field}`, issue: text });
  if (v.awareAt < v.detectedAt) issue('awareAt', 'is before the breach was detected');
  const deadline = v.awareAt.getTime() + authorityWindowMs;
  if (v.authorityDecision === 'notified') {
    if (!v.authorityNotifiedAt) issue('authorityNotifiedAt', 'is required once the authority was notified');
    else if (v.authorityNotifiedAt < v.detectedAt)
      issue('authorityNotifiedAt', 'is before the breach was detected');
    else if (v.authorityNotifiedAt.getTime() > deadline && !v.delayReason)
      issue(
        'delayReason',
        'is required: the authority was notified more than 72 hours after awareness (Art. 33(1))',
      );
  } else if (v.authorityNotifiedAt) issue('authorityNotifiedAt', 'only when the decision is notified');
  if (v.authorityDecision === 'not_required') {
    if (!v.decisionReason)
      issue('decisionReason', 'why the breach is unlikely to result in a risk (Art. 33(1))');
    if (v.risk !== 'unlikely')
      issue('authorityDecision', 'a breach likely to result in a risk must be notified');
  }
  if (v.peopleDecision === 'notified' && !v.peopleNotifiedAt)
    issue('peopleNotifiedAt', 'is required once the people were told');
  if (v.peopleDecision === 'not_required' && v.risk === 'high' && !v.peopleException)
    issue(
      'peopleException',
      'a high risk requires telling the people, or one of the exceptions of Art. 34(3)',
    );
  if (v.closedAt && v.authorityDecision === 'pending')
    issue('closed', 'decide on notifying the authority first');
  if (v.closedAt && v.risk === 'high' && v.peopleDecision === 'pending')
    issue('closed', 'decide on telling the people first');
  if (details.length > 0)
    throw new AppError('validation_failed', 'The breach record does not hold together', { details });
}

const texts = (
  v: Partial<
    Record<
      | 'title'
      | 'nature'
      | 'consequences'
      | 'measures'
      | 'decisionReason'
      | 'delayReason'
      | 'authorityReference',
      string | null
    >
  >,
) =>
  assertNoIdentifiers({
    'body.title': v.title,
    'body.nature': v.nature,
    'body.consequences': v.consequences,
    'body.measures': v.measures,
    'body.decisionReason': v.decisionReason,
    'body.delayReason': v.delayReason,
    'body.authorityReference': v.authorityReference,
  });

interface Deps {
  db: Db;
  keys: KeyRing;
  ctx: RequestContext;
  timeZone: string;
}

export async function findBreaches({ db, ctx, timeZone }: Deps): Promise<{ items: Breach[] }> {
  assertPermission(ctx.actor, 'breaches:manage');
  const rows = await db
    .select()
    .from(breaches)
    .orderBy(sql`${breaches.closedAt} is not null`, asc(breaches.awareAt));
  const notices = await noticeCounts(db);
  const now = new Date();
  return { items: rows.map((r) => presentBreach(r, timeZone, now, notices.get(r.id))) };
}

export async function getBreach({ db, ctx, timeZone, id }: Deps & { id: string }): Promise<Breach> {
  assertPermission(ctx.actor, 'breaches:manage');
  const [row] = await db.select().from(breaches).where(eq(breaches.id, id));
  if (!row) throw notFound('breach');
  return presentBreach(row, timeZone, new Date(), (await noticeCounts(db, [id])).get(id));
}

export async function recordBreach({ db, keys, ctx, timeZone, input }: Deps & { input: RecordBreachInput }) {
  assertPermission(ctx.actor, 'breaches:manage');
  const values: Values = {
    ...input,
    detectedAt: new Date(input.detectedAt),
    awareAt: new Date(input.awareAt),
    authorityDecision: 'pending',
    authorityNotifiedAt: null,
    authorityReference: null,
    decisionReason: null,
    delayReason: null,
    peopleDecision: 'pending',
    peopleException: null,
    peopleNotifiedAt: null,
    closedAt: null,
  };
  texts(values);
  check(values);
  return transaction(db, async (tx) => {
    const [row] = await tx
      .insert(breaches)
      .values({
        ...values,
        createdBy: ctx.actor.kind === 'user' || ctx.actor.kind === 'token' ? ctx.actor.userId : null,
      })
      .returning();
    await recordAudit(tx, keys, ctx, { action: 'breach.record', entityType: 'breach', entityId: row!.id });
    return presentBreach(row!, timeZone);
  });
}

export async function updateBreach({
  db,
  keys,
  ctx,
  timeZone,
  id,
  input,
}: Deps & { id: string; input: UpdateBreachInput }) {
  assertPermission(ctx.actor, 'breaches:manage');
  return transaction(db, async (tx) => {
    const [row] = await tx.select().from(breaches).where(eq(breaches.id, id)).for('update');
    if (!row) throw notFound('breach');
    const { closed, ...rest } = input;
    const date = (v: string | null | undefined, current: Date | null) =>
      v === undefined ? current : v === null ? null : new Date(v);
    const next: Values = {
      ...row,
      ...rest,
      detectedAt: date(rest.detectedAt, row.detectedAt)!,
      awareAt: date(rest.awareAt, row.awareAt)!,
      authorityNotifiedAt: date(rest.authorityNotifiedAt, row.authorityNotifiedAt),
      peopleNotifiedAt: date(rest.peopleNotifiedAt, row.peopleNotifiedAt),
      closedAt: closed === undefined ? row.closedAt : closed ? (row.closedAt ?? new Date()) : null,
    };
    texts(rest);
    check(next);
    const [updated] = await tx
      .update(breaches)
      .set({ ...next, updatedAt: new Date() })
      .where(eq(breaches.id, id))
      .returning();
    await recordAudit(tx, keys, ctx, { action: 'breach.update', entityType: 'breach', entityId: id });
    return presentBreach(updated!, timeZone, new Date(), (await noticeCounts(tx, [id])).get(id));
  });
}

/** Open breaches whose authority decision is pending: their clocks are running. */
export async function findRunningClocks(ex: Executor): Promise<BreachRow[]> {
  return ex
    .select()
    .from(breaches)
    .where(and(isNull(breaches.closedAt), eq(breaches.authorityDecision, 'pending')))
    .orderBy(asc(breaches.awareAt));
}
