import type { CreateDealInput, Deal, ListDealsQuery, UpdateDealInput } from '@custodian/contracts';
import { assertPermission, type RequestContext } from '../../platform/access.js';
import { type Executor, transaction } from '../../platform/db/database.js';
import { decodeTimeIdCursor, encodeTimeIdCursor } from '../../platform/http/cursor.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { type ContactDeps, requireContacts, subjectIdsOfContacts } from '../contacts/index.js';
import { applyCustomValues, listCustomFieldRows } from '../custom-fields/index.js';
import { dealIsHeld } from '../erasure/index.js';
import {
  contactsOfDeals,
  type DealRow,
  deleteDealRow,
  findDealRow,
  findStage,
  insertDeal,
  listDealRows,
  replaceDealContacts,
  stagesById,
  updateDealRow,
} from './repository.js';

type Deps = Pick<ContactDeps, 'db' | 'keys'> & { ctx: RequestContext };

function present(row: DealRow, status: Deal['status'], contactIds: string[]): Deal {
  return {
    id: row.id,
    title: row.title,
    pipelineId: row.pipelineId,
    stageId: row.stageId,
    status,
    amountMinor: row.amountMinor,
    currency: row.currency,
    expectedCloseDate: row.expectedCloseDate,
    closedAt: row.closedAt?.toISOString() ?? null,
    ownerId: row.ownerId,
    companyId: row.companyId,
    contactIds,
    customFields: row.customFields,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The stage, which must belong to the pipeline. */
async function stageIn(ex: Executor, pipelineId: string, stageId: string) {
  const stage = await findStage(ex, stageId);
  if (!stage || stage.pipelineId !== pipelineId)
    throw new AppError('validation_failed', 'The stage is not in the pipeline', {
      details: [{ field: 'body.stageId', issue: 'is not a stage of the pipeline' }],
    });
  return stage;
}

async function presentMany(ex: Executor, rows: DealRow[]): Promise<{ deals: Deal[]; subjectIds: string[] }> {
  const stages = await stagesById(
    ex,
    rows.map((r) => r.stageId),
  );
  const people = await contactsOfDeals(
    ex,
    rows.map((r) => r.id),
  );
  const contactIds = [...people.values()].flat();
  const subjects = await subjectIdsOfContacts(ex, contactIds);
  return {
    deals: rows.map((r) =>
      present(r, (stages.get(r.stageId)?.kind ?? 'open') as Deal['status'], people.get(r.id) ?? []),
    ),
    subjectIds: [...subjects.values()],
  };
}

export async function createDeal({ db, keys, ctx, input }: Deps & { input: CreateDealInput }): Promise<Deal> {
  assertPermission(ctx.actor, 'deals:write');
  return transaction(db, async (tx) => {
    const stage = await stageIn(tx, input.pipelineId, input.stageId);
    const people = await requireContacts(tx, input.contactIds ?? [], 'body.contactIds');
    const customFields = applyCustomValues(await listCustomFieldRows(tx, 'deal'), {}, input.customFields);
    const row = await insertDeal(tx, {
      title: input.title,
      pipelineId: input.pipelineId,
      stageId: input.stageId,
      amountMinor: input.amountMinor ?? null,
      currency: input.currency ?? null,
      expectedCloseDate: input.expectedCloseDate ?? null,
      closedAt: stage.kind === 'open' ? null : new Date(),
      ownerId: input.ownerId ?? null,
      companyId: input.companyId ?? null,
      customFields: customFields as DealRow['customFields'],
    });
    await replaceDealContacts(tx, row.id, input.contactIds ?? []);
    await recordAudit(tx, keys, ctx, {
      action: 'deal.create',
      entityType: 'deal',
      entityId: row.id,
      subjectIds: [...people.values()],
    });
    return (await presentMany(tx, [row])).deals[0]!;
  });
}

export async function getDeal({ db, keys, ctx, id }: Deps & { id: string }): Promise<Deal> {
  assertPermission(ctx.actor, 'deals:read');
  return transaction(db, async (tx) => {
    const row = await findDealRow(tx, id);
    if (!row) throw notFound('deal');
    const { deals, subjectIds } = await presentMany(tx, [row]);
    await recordAudit(tx, keys, ctx, { action: 'deal.read', entityType: 'deal', entityId: id, subjectIds });
    return deals[0]!;
  });
}

export async function findDeals({
  db,
  keys,
  ctx,
  query,
}: Deps & { query: ListDealsQuery }): Promise<{ items: Deal[]; nextCursor: string | null }> {
  assertPermission(ctx.actor, 'deals:read');
  const after = decodeTimeIdCursor(query.cursor);
  return transaction(db, async (tx) => {
    const rows = await listDealRows(tx, { ...query, limit: query.limit + 1, after });
    const page = rows.slice(0, query.limit);
    const { deals, subjectIds } = await presentMany(tx, page);
    await recordAudit(tx, keys, ctx, { action: 'deal.list', entityType: 'deal', subjectIds });
    const last = page[page.length - 1];
    return {
      items: deals,
      nextCursor: rows.length > query.limit && last ? encodeTimeIdCursor(last.createdAt, last.id) : null,
    };
  });
}

export async function updateDeal({
  db,
  keys,
  ctx,
  id,
  input,
}: Deps & { id: string; input: UpdateDealInput }): Promise<Deal> {
  assertPermission(ctx.actor, 'deals:write');
  return transaction(db, async (tx) => {
    const current = await findDealRow(tx, id, { forUpdate: true });
    if (!current) throw notFound('deal');
    const pipelineId = input.pipelineId ?? current.pipelineId;
    const stageId = input.stageId ?? (input.pipelineId ? undefined : current.stageId);
    if (!stageId)
      throw new AppError('validation_failed', 'Moving a deal to another pipeline needs a stage', {
        details: [{ field: 'body.stageId', issue: 'is required when the pipeline changes' }],
      });
    const stage = await stageIn(tx, pipelineId, stageId);
    const amountMinor = input.amountMinor !== undefined ? input.amountMinor : current.amountMinor;
    const currency = input.currency !== undefined ? input.currency : current.currency;
    if (amountMinor !== null && !currency)
      throw new AppError('validation_failed', 'An amount needs a currency', {
        details: [{ field: 'body.currency', issue: 'is required with an amount' }],
      });
    const stageChanged = stageId !== current.stageId;
    const row = await updateDealRow(tx, id, {
      title: input.title ?? current.title,
      pipelineId,
      stageId,
      amountMinor,
      currency,
      expectedCloseDate:
        input.expectedCloseDate !== undefined ? input.expectedCloseDate : current.expectedCloseDate,
      closedAt: stage.kind === 'open' ? null : stageChanged ? new Date() : current.closedAt,
      ownerId: input.ownerId !== undefined ? input.ownerId : current.ownerId,
      companyId: input.companyId !== undefined ? input.companyId : current.companyId,
      customFields: applyCustomValues(
        await listCustomFieldRows(tx, 'deal'),
        current.customFields,
        input.customFields,
      ) as DealRow['customFields'],
    });
    if (input.contactIds !== undefined) {
      await requireContacts(tx, input.contactIds, 'body.contactIds');
      await replaceDealContacts(tx, id, input.contactIds);
    }
    const { deals, subjectIds } = await presentMany(tx, [row]);
    await recordAudit(tx, keys, ctx, { action: 'deal.update', entityType: 'deal', entityId: id, subjectIds });
    return deals[0]!;
  });
}

export async function deleteDeal({ db, keys, ctx, id }: Deps & { id: string }): Promise<void> {
  assertPermission(ctx.actor, 'deals:write');
  await transaction(db, async (tx) => {
    const row = await findDealRow(tx, id, { forUpdate: true });
    if (!row) throw notFound('deal');
    if (await dealIsHeld(tx, id)) throw new AppError('conflict', 'The deal is a case under a legal hold');
    await deleteDealRow(tx, id);
    await recordAudit(tx, keys, ctx, { action: 'deal.delete', entityType: 'deal', entityId: id });
  });
}
