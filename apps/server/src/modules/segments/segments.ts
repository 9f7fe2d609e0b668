import type {
  Contact,
  CreateSegmentInput,
  Segment,
  SegmentFilter,
  UpdateSegmentInput,
} from '@custodian/contracts';
import { asc, eq, sql } from 'drizzle-orm';
import { assertPermission, assertStaff, type RequestContext } from '../../platform/access.js';
import { type Executor, queryRows, transaction } from '../../platform/db/database.js';
import { notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import {
  type ContactDeps,
  listContactRowsByIds,
  openContacts,
  presentContact,
  tagsOfContacts,
} from '../contacts/index.js';
import { listCustomFieldRows } from '../custom-fields/index.js';
import { assertNoIdentifiers } from '../scanner/index.js';
import { segmentCondition } from './filter.js';
import { segments } from './schema.js';

type SegmentRow = typeof segments.$inferSelect;

/** How many contacts match now: one counting statement. */
export async function countSegment(ex: Executor, filter: SegmentFilter, now = new Date()): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    ex,
    sql`select count(*)::int as n from contacts c where ${segmentCondition(filter, now)}`,
  );
  return row?.n ?? 0;
}

/** The ids of matching contacts in creation order, from a keyset position, a page at a time. */
export async function segmentMemberIds(
  ex: Executor,
  filter: SegmentFilter,
  options: { limit: number; after?: { at: Date; id: string } | null; now?: Date },
): Promise<{ id: string; createdAt: Date }[]> {
  const after = options.after
    ? sql`and (c.created_at, c.id) > (${options.after.at}, ${options.after.id}::uuid)`
    : sql``;
  const rows = await queryRows<{ id: string; created_at: Date | string }>(
    ex,
    sql`select c.id, c.created_at from contacts c
        where ${segmentCondition(filter, options.now)} ${after}
        order by c.created_at, c.id limit ${options.limit}`,
  );
  return rows.map((r) => ({ id: r.id, createdAt: new Date(r.created_at) }));
}

const present = (row: SegmentRow, count: number): Segment => ({
  id: row.id,
  name: row.name,
  description: row.description,
  filter: row.filter,
  count,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

type Deps = ContactDeps & { ctx: RequestContext };

export async function findSegments({ db, ctx }: Deps): Promise<{ items: Segment[] }> {
  assertPermission(ctx.actor, 'contacts:read');
  const rows = await db.select().from(segments).orderBy(asc(segments.name));
  const items: Segment[] = [];
  for (const row of rows) items.push(present(row, await countSegment(db, row.filter)));
  return { items };
}

async function load(ex: Executor, id: string): Promise<SegmentRow> {
  const [row] = await ex.select().from(segments).where(eq(segments.id, id));
  if (!row) throw notFound('segment');
  return row;
}

export async function getSegment({ db, ctx, id }: Deps & { id: string }): Promise<Segment> {
  assertPermission(ctx.actor, 'contacts:read');
  const row = await load(db, id);
  return present(row, await countSegment(db, row.filter));
}

export async function createSegment({ db, keys, ctx, input }: Deps & { input: CreateSegmentInput }) {
  assertPermission(ctx.actor, 'segments:manage');
  const staff = assertStaff(ctx.actor);
  assertNoIdentifiers({ 'body.name': input.name, 'body.description': input.description });
  return transaction(db, async (tx) => {
    const [row] = await tx
      .insert(segments)
      .values({ ...input, createdBy: staff.userId })
      .returning();
    await recordAudit(tx, keys, ctx, { action: 'segment.create', entityType: 'segment', entityId: row!.id });
    return present(row!, await countSegment(tx, row!.filter));
  });
}

export async function updateSegment({
  db,
  keys,
  ctx,
  id,
  input,
}: Deps & { id: string; input: UpdateSegmentInput }) {
  assertPermission(ctx.actor, 'segments:manage');
  assertNoIdentifiers({ 'body.name': input.name, 'body.description': input.description });
  return transaction(db, async (tx) => {
    await load(tx, id);
    const [row] = await tx
      .update(segments)
      .set({ ...input, updatedAt: new Date() })
      .where(eq(segments.id, id))
      .returning();
    await recordAudit(tx, keys, ctx, { action: 'segment.update', entityType: 'segment', entityId: id });
    return present(row!, await countSegment(tx, row!.filter));
  });
}

export async function deleteSegment({ db, keys, ctx, id }: Deps & { id: string }): Promise<null> {
  assertPermission(ctx.actor, 'segments:manage');
  return transaction(db, async (tx) => {
    await load(tx, id);
    await tx.delete(segments).where(eq(segments.id, id));
    await recordAudit(tx, keys, ctx, { action: 'segment.delete', entityType: 'segment', entityId: id });
    return null;
  });
}

/**
 * The count and the first members of a filter, masked for the caller like any contact read; the people shown
 * are named in one audit entry.
 */
export async function previewSegment(
  deps: Deps & { filter: SegmentFilter; limit: number },
): Promise<{ count: number; items: Contact[] }> {
  const { db, keys, ctx, filter, limit } = deps;
  assertPermission(ctx.actor, 'contacts:read');
  return transaction(db, async (tx) => {
    const count = await countSegment(tx, filter);
    const ids = limit > 0 ? (await segmentMemberIds(tx, filter, { limit })).map((m) => m.id) : [];
    const rows = await listContactRowsByIds(tx, ids);
    const order = new Map(ids.map((id, i) => [id, i] as const));
    rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    const records = await openContacts(tx, deps, rows);
    if (records.length > 0)
      await recordAudit(tx, keys, ctx, {
        action: 'segment.preview',
        entityType: 'contact',
        subjectIds: records.map((r) => r.row.subjectId),
      });
    const tags = await tagsOfContacts(tx, ids);
    const fields = await listCustomFieldRows(tx, 'contact');
    return { count, items: records.map((r) => presentContact(ctx, r, tags.get(r.row.id) ?? [], fields)) };
  });
}
