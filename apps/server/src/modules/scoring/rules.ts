import { createHash } from 'node:crypto';
import type {
  CreateScoringRuleInput,
  ScoringCondition,
  ScoringRule,
  UpdateScoringRuleInput,
} from '@custodian/contracts';
import { asc, eq, sql } from 'drizzle-orm';
import { contactEntity } from '../../catalog/index.js';
import { assertPermission, assertStaff, type RequestContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { arrayParam } from '../../platform/db/bulk.js';
import { type Db, type Executor, queryRows, transaction } from '../../platform/db/database.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { listCustomFieldRows } from '../custom-fields/index.js';
import { assertNoIdentifiers } from '../scanner/index.js';
import { type RuleSnapshot, scoringRules } from './schema.js';

type RuleRow = typeof scoringRules.$inferSelect;

interface Deps {
  db: Db;
  keys: KeyRing;
  ctx: RequestContext;
}

const present = (row: RuleRow): ScoringRule => ({
  id: row.id,
  name: row.name,
  points: row.points,
  active: row.active,
  condition: row.condition,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

/** The active rules as a run applies them, in a stable order. */
export async function activeRules(ex: Executor): Promise<RuleSnapshot[]> {
  const rows = await ex
    .select()
    .from(scoringRules)
    .where(eq(scoringRules.active, true))
    .orderBy(asc(scoringRules.createdAt), asc(scoringRules.id));
  return rows.map((r) => ({ id: r.id, name: r.name, points: r.points, condition: r.condition }));
}

/** A short hash of the rules: scores computed with the same rules carry the same version. */
export const rulesVersionOf = (rules: readonly RuleSnapshot[]): string =>
  createHash('sha256')
    .update(JSON.stringify(rules.map((r) => [r.id, r.name, r.points, r.condition])))
    .digest('hex')
    .slice(0, 16);

const uuids = (ids: readonly string[]) => arrayParam(ids, 'uuid');

/**
 * What zod cannot know: the tags, pipelines and stages named exist, and a field is one the catalog (or the
 * custom field's own classification) allows for profiling. Problems name the field, never its value.
 */
async function assertConditionUsable(ex: Executor, c: ScoringCondition): Promise<void> {
  const problems: { field: string; issue: string }[] = [];
  const missing = async (table: string, ids: readonly string[]) =>
    ids.length -
    ((
      await queryRows<{ n: number }>(
        ex,
        sql`select count(*)::int as n from ${sql.identifier(table)} where id = any(${uuids(ids)})`,
      )
    )[0]?.n ?? 0);
  if (c.kind === 'tag' && (await missing('tags', [...new Set(c.tagIds)])) > 0)
    problems.push({ field: 'body.condition.tagIds', issue: 'names a tag that does not exist' });
  if (c.kind === 'open_deal') {
    if (c.pipelineId && (await missing('pipelines', [c.pipelineId])) > 0)
      problems.push({ field: 'body.condition.pipelineId', issue: 'is not a pipeline' });
    if (c.stageIds && (await missing('pipeline_stages', [...new Set(c.stageIds)])) > 0)
      problems.push({ field: 'body.condition.stageIds', issue: 'names a stage that does not exist' });
  }
  if (c.kind === 'field_present') {
    const [, key] = c.field.split('.');
    if (key) {
      const field = (await listCustomFieldRows(ex, 'contact')).find((f) => f.key === key);
      if (!field)
        problems.push({ field: 'body.condition.field', issue: 'is not a custom field of contacts' });
      else if (field.category !== null && !field.purposes.includes('profiling'))
        problems.push({
          field: 'body.condition.field',
          issue: 'is not classified for the profiling purpose',
        });
    } else {
      const decl = contactEntity.personal[c.field];
      if (!decl || !(decl.purposes as readonly string[]).includes('profiling'))
        problems.push({
          field: 'body.condition.field',
          issue: 'is not a field the catalog allows for profiling',
        });
    }
  }
  if (problems.length > 0)
    throw new AppError('validation_failed', 'The condition cannot be used', { details: problems });
}

async function load(ex: Executor, id: string): Promise<RuleRow> {
  const [row] = await ex.select().from(scoringRules).where(eq(scoringRules.id, id));
  if (!row) throw notFound('scoring rule');
  return row;
}

export async function findScoringRules({ db, ctx }: Deps) {
  assertPermission(ctx.actor, 'contacts:read');
  const rows = await db
    .select()
    .from(scoringRules)
    .orderBy(asc(scoringRules.createdAt), asc(scoringRules.id));
  return { items: rows.map(present), rulesVersion: rulesVersionOf(await activeRules(db)) };
}

export async function getScoringRule({ db, ctx, id }: Deps & { id: string }): Promise<ScoringRule> {
  assertPermission(ctx.actor, 'contacts:read');
  return present(await load(db, id));
}

export async function createScoringRule({ db, keys, ctx, input }: Deps & { input: CreateScoringRuleInput }) {
  assertPermission(ctx.actor, 'scoring:manage');
  const staff = assertStaff(ctx.actor);
  assertNoIdentifiers({ 'body.name': input.name });
  return transaction(db, async (tx) => {
    await assertConditionUsable(tx, input.condition);
    const [row] = await tx
      .insert(scoringRules)
      .values({ ...input, createdBy: staff.userId })
      .returning();
    await recordAudit(tx, keys, ctx, {
      action: 'scoring.rule.create',
      entityType: 'scoringRule',
      entityId: row!.id,
    });
    return present(row!);
  });
}

export async function updateScoringRule({
  db,
  keys,
  ctx,
  id,
  input,
}: Deps & { id: string; input: UpdateScoringRuleInput }) {
  assertPermission(ctx.actor, 'scoring:manage');
  assertNoIdentifiers({ 'body.name': input.name });
  return transaction(db, async (tx) => {
    await load(tx, id);
    if (input.condition) await assertConditionUsable(tx, input.condition);
    const [row] = await tx
      .update(scoringRules)
      .set({ ...input, updatedAt: new Date() })
      .where(eq(scoringRules.id, id))
      .returning();
    await recordAudit(tx, keys, ctx, {
      action: 'scoring.rule.update',
      entityType: 'scoringRule',
      entityId: id,
    });
    return present(row!);
  });
}

export async function deleteScoringRule({ db, keys, ctx, id }: Deps & { id: string }): Promise<null> {
  assertPermission(ctx.actor, 'scoring:manage');
  return transaction(db, async (tx) => {
    await load(tx, id);
    await tx.delete(scoringRules).where(eq(scoringRules.id, id));
    await recordAudit(tx, keys, ctx, {
      action: 'scoring.rule.delete',
      entityType: 'scoringRule',
      entityId: id,
    });
    return null;
  });
}
