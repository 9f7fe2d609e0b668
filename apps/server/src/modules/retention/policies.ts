import {
  type CreateRetentionPolicyInput,
  monthsOf,
  policyIssues,
  type RetentionPolicy,
  type UpdateRetentionPolicyInput,
} from '@custodian/contracts';
import { asc, eq, inArray } from 'drizzle-orm';
import { assertPermission, type RequestContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Db, type Executor, transaction } from '../../platform/db/database.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { findPurposeRecords } from '../purposes/index.js';
import { assertNoIdentifiers } from '../scanner/index.js';
import { tags } from '../tags/schema.js';
import { retentionPolicies } from './schema.js';

export type PolicyRow = typeof retentionPolicies.$inferSelect;

export const presentPolicy = (row: PolicyRow): RetentionPolicy => ({
  id: row.id,
  name: row.name,
  description: row.description,
  target: row.target as RetentionPolicy['target'],
  trigger: row.trigger as RetentionPolicy['trigger'],
  period: { amount: row.periodAmount, unit: row.periodUnit as RetentionPolicy['period']['unit'] },
  action: row.action as RetentionPolicy['action'],
  purposes: row.purposes as RetentionPolicy['purposes'],
  lifecycleStages: row.lifecycleStages as RetentionPolicy['lifecycleStages'],
  categories: row.categories as RetentionPolicy['categories'],
  onlyWithoutConsent: row.onlyWithoutConsent,
  exemptions: { tagIds: row.exemptTagIds, openDeals: row.exemptOpenDeals },
  shortenedReason: row.shortenedReason,
  enabled: row.enabled,
  shipped: row.shipped,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

type PolicyValues = Omit<RetentionPolicy, 'id' | 'shipped' | 'createdAt' | 'updatedAt'>;

const columnsOf = (p: PolicyValues) => ({
  name: p.name,
  description: p.description,
  target: p.target,
  trigger: p.trigger,
  periodAmount: p.period.amount,
  periodUnit: p.period.unit,
  action: p.action,
  purposes: p.purposes,
  lifecycleStages: p.lifecycleStages,
  categories: p.categories,
  onlyWithoutConsent: p.onlyWithoutConsent,
  exemptTagIds: p.exemptions.tagIds,
  exemptOpenDeals: p.exemptions.openDeals,
  shortenedReason: p.shortenedReason,
  enabled: p.enabled,
});

/** The purposes a policy ends data of: the ones it names, and for requests the rights purpose itself. */
const purposesEndedBy = (p: PolicyValues) =>
  p.target === 'request' ? [...new Set([...p.purposes, 'data_subject_rights' as const])] : p.purposes;

/**
 * A policy holds together, and it does not end a legal obligation's data sooner than the law's minimum
 * (the purpose's `minimumRetentionMonths`) unless the reason is recorded with it.
 */
async function check(ex: Executor, p: PolicyValues): Promise<void> {
  assertNoIdentifiers({
    'body.name': p.name,
    'body.description': p.description,
    'body.shortenedReason': p.shortenedReason,
  });
  const details = policyIssues(p).map((i) => ({ field: `body.${i.field}`, issue: i.issue }));
  const minimums = (await findPurposeRecords(ex)).filter(
    (r) =>
      purposesEndedBy(p).includes(r.key) &&
      r.lawfulBasis === 'legal_obligation' &&
      r.minimumRetentionMonths !== null,
  );
  const shortened = minimums.filter((r) => monthsOf(p.period) < r.minimumRetentionMonths!);
  if (shortened.length > 0 && !p.shortenedReason)
    details.push({
      field: 'body.period',
      issue: `is shorter than the legal minimum of ${shortened.map((r) => `${r.key} (${r.minimumRetentionMonths} months)`).join(', ')}; record why in shortenedReason`,
    });
  if (p.exemptions.tagIds.length > 0) {
    const found = await ex.select({ id: tags.id }).from(tags).where(inArray(tags.id, p.exemptions.tagIds));
    if (found.length !== new Set(p.exemptions.tagIds).size)
      details.push({ field: 'body.exemptions.tagIds', issue: 'names a tag that does not exist' });
  }
  if (details.length > 0)
    throw new AppError('validation_failed', 'The retention policy does not hold together', { details });
}

interface Deps {
  db: Db;
  keys: KeyRing;
  ctx: RequestContext;
}

const actorId = (ctx: RequestContext) =>
  ctx.actor.kind === 'user' || ctx.actor.kind === 'token' ? ctx.actor.userId : null;

export async function findRetentionPolicies({ db, ctx }: Deps): Promise<{ items: RetentionPolicy[] }> {
  assertPermission(ctx.actor, 'retention:read');
  const rows = await db
    .select()
    .from(retentionPolicies)
    .orderBy(asc(retentionPolicies.createdAt), asc(retentionPolicies.id));
  return { items: rows.map(presentPolicy) };
}

export async function getRetentionPolicy({ db, ctx, id }: Deps & { id: string }): Promise<RetentionPolicy> {
  assertPermission(ctx.actor, 'retention:read');
  const [row] = await db.select().from(retentionPolicies).where(eq(retentionPolicies.id, id));
  if (!row) throw notFound('retention policy');
  return presentPolicy(row);
}

export async function createRetentionPolicy({
  db,
  keys,
  ctx,
  input,
}: Deps & { input: CreateRetentionPolicyInput }): Promise<RetentionPolicy> {
  assertPermission(ctx.actor, 'retention:manage');
  return transaction(db, async (tx) => {
    await check(tx, input);
    const [row] = await tx
      .insert(retentionPolicies)
      .values({ ...columnsOf(input), createdBy: actorId(ctx) })
      .returning();
    await recordAudit(tx, keys, ctx, {
      action: 'retention.policy.create',
      entityType: 'retentionPolicy',
      entityId: row!.id,
    });
    return presentPolicy(row!);
  });
}

export async function updateRetentionPolicy({
  db,
  keys,
  ctx,
  id,
  input,
}: Deps & { id: string; input: UpdateRetentionPolicyInput }): Promise<RetentionPolicy> {
  assertPermission(ctx.actor, 'retention:manage');
  return transaction(db, async (tx) => {
    const [current] = await tx
      .select()
      .from(retentionPolicies)
      .where(eq(retentionPolicies.id, id))
      .for('update');
    if (!current) throw notFound('retention policy');
    const next: PolicyValues = { ...presentPolicy(current), ...input };
    await check(tx, next);
    const [row] = await tx
      .update(retentionPolicies)
      .set({ ...columnsOf(next), updatedAt: new Date() })
      .where(eq(retentionPolicies.id, id))
      .returning();
    await recordAudit(tx, keys, ctx, {
      action: 'retention.policy.update',
      entityType: 'retentionPolicy',
      entityId: id,
    });
    return presentPolicy(row!);
  });
}

export async function deleteRetentionPolicy({ db, keys, ctx, id }: Deps & { id: string }): Promise<null> {
  assertPermission(ctx.actor, 'retention:manage');
  return transaction(db, async (tx) => {
    const gone = await tx
      .delete(retentionPolicies)
      .where(eq(retentionPolicies.id, id))
      .returning({ id: retentionPolicies.id });
    if (gone.length === 0) throw notFound('retention policy');
    await recordAudit(tx, keys, ctx, {
      action: 'retention.policy.delete',
      entityType: 'retentionPolicy',
      entityId: id,
    });
    return null;
  });
}

/** The policies a sweep or preview applies: the named ones, or every enabled one. */
export async function findPoliciesToApply(
  ex: Executor,
  ids?: readonly string[],
  options: { includeDisabled?: boolean } = {},
): Promise<PolicyRow[]> {
  if (ids && ids.length === 0) return [];
  const rows = await ex
    .select()
    .from(retentionPolicies)
    .where(
      ids
        ? inArray(retentionPolicies.id, [...ids])
        : options.includeDisabled
          ? undefined
          : eq(retentionPolicies.enabled, true),
    )
    .orderBy(asc(retentionPolicies.createdAt), asc(retentionPolicies.id));
  if (ids && rows.length !== new Set(ids).size) throw notFound('retention policy');
  return rows;
}
