import { and, asc, eq, inArray, notInArray, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/database.js';
import { rethrowMissingLink } from '../../platform/db/errors.js';
import { keyset } from '../../platform/db/keyset.js';
import { dealContacts, deals, pipelineStages, pipelines } from './schema.js';

export type PipelineRow = typeof pipelines.$inferSelect;
export type StageRow = typeof pipelineStages.$inferSelect;
export type DealRow = typeof deals.$inferSelect;

const fieldOfConstraint: Record<string, string> = {
  deals_owner_id_users_id_fk: 'body.ownerId',
  deals_company_id_companies_id_fk: 'body.companyId',
  deals_stage_id_pipeline_stages_id_fk: 'body.stageId',
  deals_pipeline_id_pipelines_id_fk: 'body.pipelineId',
};

function translate(err: unknown): never {
  rethrowMissingLink(err, fieldOfConstraint);
}

export async function listPipelineRows(
  ex: Executor,
): Promise<{ pipeline: PipelineRow; stages: StageRow[] }[]> {
  const rows = await ex.select().from(pipelines).orderBy(asc(pipelines.createdAt), asc(pipelines.id));
  const stages = await ex.select().from(pipelineStages).orderBy(asc(pipelineStages.position));
  return rows.map((pipeline) => ({ pipeline, stages: stages.filter((s) => s.pipelineId === pipeline.id) }));
}

export async function findPipeline(
  ex: Executor,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<{ pipeline: PipelineRow; stages: StageRow[] } | null> {
  const query = ex.select().from(pipelines).where(eq(pipelines.id, id));
  const [pipeline] = options.forUpdate ? await query.for('update') : await query;
  if (!pipeline) return null;
  const stages = await ex
    .select()
    .from(pipelineStages)
    .where(eq(pipelineStages.pipelineId, id))
    .orderBy(asc(pipelineStages.position));
  return { pipeline, stages };
}

export async function insertPipeline(ex: Executor, name: string): Promise<PipelineRow> {
  const [row] = await ex.insert(pipelines).values({ name }).returning();
  return row!;
}

export async function renamePipeline(ex: Executor, id: string, name: string): Promise<void> {
  await ex.update(pipelines).set({ name }).where(eq(pipelines.id, id));
}

export async function upsertStage(
  ex: Executor,
  stage: {
    id?: string | undefined;
    pipelineId: string;
    name: string;
    position: number;
    probability: number;
    kind: string;
  },
): Promise<void> {
  const { id, ...values } = stage;
  if (id) await ex.update(pipelineStages).set(values).where(eq(pipelineStages.id, id));
  else await ex.insert(pipelineStages).values(values);
}

export async function deleteStages(ex: Executor, ids: readonly string[]): Promise<void> {
  if (ids.length > 0) await ex.delete(pipelineStages).where(inArray(pipelineStages.id, [...ids]));
}

export async function countDealsInStages(ex: Executor, stageIds: readonly string[]): Promise<number> {
  if (stageIds.length === 0) return 0;
  const [row] = await ex
    .select({ n: sql<number>`count(*)::int` })
    .from(deals)
    .where(inArray(deals.stageId, [...stageIds]));
  return row?.n ?? 0;
}

export async function findStage(ex: Executor, id: string): Promise<StageRow | null> {
  const [row] = await ex.select().from(pipelineStages).where(eq(pipelineStages.id, id));
  return row ?? null;
}

export type DealValues = Omit<DealRow, 'id' | 'createdAt' | 'updatedAt'>;

export async function insertDeal(ex: Executor, values: DealValues): Promise<DealRow> {
  try {
    const [row] = await ex.insert(deals).values(values).returning();
    return row!;
  } catch (err) {
    translate(err);
  }
}

export async function updateDealRow(ex: Executor, id: string, values: Partial<DealValues>): Promise<DealRow> {
  try {
    const [row] = await ex
      .update(deals)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(deals.id, id))
      .returning();
    return row!;
  } catch (err) {
    translate(err);
  }
}

export async function findDealRow(
  ex: Executor,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<DealRow | null> {
  const query = ex.select().from(deals).where(eq(deals.id, id));
  const [row] = options.forUpdate ? await query.for('update') : await query;
  return row ?? null;
}

export async function deleteDealRow(ex: Executor, id: string): Promise<void> {
  await ex.delete(deals).where(eq(deals.id, id));
}

export async function replaceDealContacts(
  ex: Executor,
  dealId: string,
  contactIds: readonly string[],
): Promise<void> {
  await ex.delete(dealContacts).where(eq(dealContacts.dealId, dealId));
  const unique = [...new Set(contactIds)];
  if (unique.length > 0)
    await ex.insert(dealContacts).values(unique.map((contactId) => ({ dealId, contactId })));
}

export async function contactsOfDeals(
  ex: Executor,
  dealIds: readonly string[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (dealIds.length === 0) return out;
  const rows = await ex
    .select()
    .from(dealContacts)
    .where(inArray(dealContacts.dealId, [...dealIds]))
    .orderBy(asc(dealContacts.contactId));
  for (const r of rows) out.set(r.dealId, [...(out.get(r.dealId) ?? []), r.contactId]);
  return out;
}

export async function listDealRows(
  ex: Executor,
  options: {
    limit: number;
    after: { at: string; id: string } | null;
    pipelineId?: string | undefined;
    stageId?: string | undefined;
    status?: 'open' | 'won' | 'lost' | undefined;
    ownerId?: string | undefined;
    companyId?: string | undefined;
    contactId?: string | undefined;
  },
): Promise<DealRow[]> {
  const page = keyset(deals.createdAt, deals.id, options.after, 'desc');
  const conditions: (SQL | undefined)[] = [
    page.where,
    options.pipelineId ? eq(deals.pipelineId, options.pipelineId) : undefined,
    options.stageId ? eq(deals.stageId, options.stageId) : undefined,
    options.status
      ? sql`${deals.stageId} in (select ${pipelineStages.id} from ${pipelineStages} where ${pipelineStages.kind} = ${options.status})`
      : undefined,
    options.ownerId ? eq(deals.ownerId, options.ownerId) : undefined,
    options.companyId ? eq(deals.companyId, options.companyId) : undefined,
    options.contactId
      ? sql`exists (select 1 from ${dealContacts} where ${dealContacts.dealId} = ${deals.id} and ${dealContacts.contactId} = ${options.contactId})`
      : undefined,
  ];
  return ex
    .select()
    .from(deals)
    .where(and(...conditions))
    .orderBy(...page.orderBy)
    .limit(options.limit);
}

export async function stagesById(ex: Executor, ids: readonly string[]): Promise<Map<string, StageRow>> {
  if (ids.length === 0) return new Map();
  const rows = await ex
    .select()
    .from(pipelineStages)
    .where(inArray(pipelineStages.id, [...new Set(ids)]));
  return new Map(rows.map((r) => [r.id, r]));
}

/** Merging contacts: the survivor takes the other's place in its deals. */
export async function moveDealLinks(ex: Executor, from: string, to: string): Promise<void> {
  await ex.execute(
    sql`insert into ${dealContacts} (deal_id, contact_id)
        select deal_id, ${to}::uuid from ${dealContacts} where contact_id = ${from}
        on conflict do nothing`,
  );
  await ex.delete(dealContacts).where(eq(dealContacts.contactId, from));
}

/** Removes a contact from every deal (the deals stay); the number of links removed. */
/** Removes a contact's deal links, except to `keep` (cases under a legal hold); the number removed. */
export async function deleteDealLinksOfContact(
  ex: Executor,
  contactId: string,
  keep: readonly string[] = [],
): Promise<number> {
  const gone = await ex
    .delete(dealContacts)
    .where(
      and(
        eq(dealContacts.contactId, contactId),
        keep.length > 0 ? notInArray(dealContacts.dealId, [...keep]) : undefined,
      ),
    )
    .returning({ id: dealContacts.dealId });
  return gone.length;
}
