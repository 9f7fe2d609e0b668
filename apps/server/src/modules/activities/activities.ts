import {
  type Activity,
  type CreateActivityInput,
  type ListActivitiesQuery,
  restrictedValue,
  type UpdateActivityInput,
} from '@custodian/contracts';
import { activityEntity, restrictedFields } from '../../catalog/index.js';
import { assertPermission, hasPermission, type RequestContext } from '../../platform/access.js';
import { type Executor, transaction } from '../../platform/db/database.js';
import { decodeTimeIdCursor, encodeTimeIdCursor } from '../../platform/http/cursor.js';
import { notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import {
  type ContactDeps,
  requireContacts,
  subjectIdsOfContacts,
  touchLastActivity,
} from '../contacts/index.js';
import { recordFindings, specialFieldsOf } from '../scanner/index.js';
import {
  type ActivityRecord,
  deleteActivityRows,
  findActivityRow,
  insertActivity,
  listActivityRows,
  openActivities,
  replaceActivityContacts,
  updateActivityRow,
} from './repository.js';

type Deps = ContactDeps & { ctx: RequestContext };

function present(
  ctx: RequestContext,
  { row, text, contactIds }: ActivityRecord,
  special: ReadonlySet<string> | undefined,
): Activity {
  const hidden = restrictedFields(activityEntity, ctx);
  // Fields the privacy officer classified as special categories need reveal:special, whatever their catalog category.
  if (special && !hasPermission(ctx.actor, 'reveal:special')) for (const field of special) hidden.add(field);
  const mask = (field: string, value: string | null) =>
    value !== null && hidden.has(field) ? restrictedValue : value;
  return {
    id: row.id,
    type: row.type as Activity['type'],
    subject: mask('subject', text.subject),
    body: mask('body', text.body),
    occurredAt: row.occurredAt.toISOString(),
    durationMinutes: row.durationMinutes,
    direction: row.direction as Activity['direction'],
    contactIds,
    companyId: row.companyId,
    dealId: row.dealId,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    restricted: [...hidden].sort(),
  };
}

async function presentAll(
  ex: Executor,
  ctx: RequestContext,
  records: readonly ActivityRecord[],
): Promise<Activity[]> {
  const special = await specialFieldsOf(
    ex,
    'activity',
    records.map((r) => r.row.id),
  );
  return records.map((r) => present(ctx, r, special.get(r.row.id)));
}

/** The people a set of activities concerns, for the audit entry. */
async function peopleOf(ex: Executor, records: ActivityRecord[]): Promise<string[]> {
  return [
    ...(
      await subjectIdsOfContacts(
        ex,
        records.flatMap((r) => r.contactIds),
      )
    ).values(),
  ];
}

const staffId = (ctx: RequestContext) =>
  ctx.actor.kind === 'user' || ctx.actor.kind === 'token' ? ctx.actor.userId : null;

export async function createActivity(options: Deps & { input: CreateActivityInput }): Promise<Activity> {
  const { db, keys, ctx, input, subjects } = options;
  assertPermission(ctx.actor, 'activities:write');
  return transaction(db, async (tx) => {
    const contactIds = [...new Set(input.contactIds ?? [])];
    const people = await requireContacts(tx, contactIds, 'body.contactIds');
    const occurredAt = input.occurredAt ? new Date(input.occurredAt) : new Date();
    const row = await insertActivity(
      tx,
      subjects,
      { subject: input.subject ?? null, body: input.body ?? null },
      {
        type: input.type,
        occurredAt,
        durationMinutes: input.durationMinutes ?? null,
        direction: input.direction ?? null,
        companyId: input.companyId ?? null,
        dealId: input.dealId ?? null,
        createdBy: staffId(ctx),
      },
    );
    await replaceActivityContacts(tx, row.id, contactIds);
    await touchLastActivity(tx, contactIds, occurredAt);
    await recordFindings(
      tx,
      { activityId: row.id },
      { subject: input.subject ?? null, body: input.body ?? null },
    );
    await recordAudit(tx, keys, ctx, {
      action: 'activity.create',
      entityType: 'activity',
      entityId: row.id,
      subjectIds: [...people.values()],
    });
    const [record] = await openActivities(tx, subjects, [row]);
    return (await presentAll(tx, ctx, [record!]))[0]!;
  });
}

export async function getActivity(options: Deps & { id: string }): Promise<Activity> {
  const { db, keys, ctx, id, subjects } = options;
  assertPermission(ctx.actor, 'activities:read');
  return transaction(db, async (tx) => {
    const row = await findActivityRow(tx, id);
    const [record] = row ? await openActivities(tx, subjects, [row]) : [];
    if (!record) throw notFound('activity');
    await recordAudit(tx, keys, ctx, {
      action: 'activity.read',
      entityType: 'activity',
      entityId: id,
      subjectIds: await peopleOf(tx, [record]),
    });
    return (await presentAll(tx, ctx, [record]))[0]!;
  });
}

export async function findActivities(
  options: Deps & { query: ListActivitiesQuery; timelineOf?: string },
): Promise<{ items: Activity[]; nextCursor: string | null }> {
  const { db, keys, ctx, query, subjects, timelineOf } = options;
  assertPermission(ctx.actor, 'activities:read');
  const after = decodeTimeIdCursor(query.cursor);
  return transaction(db, async (tx) => {
    if (timelineOf && (await subjectIdsOfContacts(tx, [timelineOf])).size === 0) throw notFound('contact');
    const rows = await listActivityRows(tx, {
      ...query,
      contactId: timelineOf ?? query.contactId,
      limit: query.limit + 1,
      after,
    });
    const page = rows.slice(0, query.limit);
    const records = await openActivities(tx, subjects, page);
    await recordAudit(tx, keys, ctx, {
      action: timelineOf ? 'contact.timeline' : 'activity.list',
      entityType: 'activity',
      entityId: timelineOf ?? null,
      subjectIds: await peopleOf(tx, records),
    });
    const last = page[page.length - 1];
    return {
      items: await presentAll(tx, ctx, records),
      nextCursor: rows.length > query.limit && last ? encodeTimeIdCursor(last.occurredAt, last.id) : null,
    };
  });
}

export async function updateActivity(
  options: Deps & { id: string; input: UpdateActivityInput },
): Promise<Activity> {
  const { db, keys, ctx, id, input, subjects } = options;
  assertPermission(ctx.actor, 'activities:write');
  return transaction(db, async (tx) => {
    const row = await findActivityRow(tx, id, { forUpdate: true });
    const [current] = row ? await openActivities(tx, subjects, [row]) : [];
    if (!current) throw notFound('activity');
    const contactIds = input.contactIds ? [...new Set(input.contactIds)] : current.contactIds;
    await requireContacts(tx, contactIds, 'body.contactIds');
    const occurredAt = input.occurredAt ? new Date(input.occurredAt) : current.row.occurredAt;
    const updated = await updateActivityRow(
      tx,
      subjects,
      current.row,
      {
        subject: input.subject !== undefined ? input.subject : current.text.subject,
        body: input.body !== undefined ? input.body : current.text.body,
      },
      {
        occurredAt,
        ...(input.durationMinutes !== undefined ? { durationMinutes: input.durationMinutes } : {}),
        ...(input.direction !== undefined ? { direction: input.direction } : {}),
        ...(input.companyId !== undefined ? { companyId: input.companyId } : {}),
        ...(input.dealId !== undefined ? { dealId: input.dealId } : {}),
      },
    );
    if (input.contactIds) await replaceActivityContacts(tx, id, contactIds);
    await touchLastActivity(tx, contactIds, occurredAt);
    const [record] = await openActivities(tx, subjects, [updated]);
    await recordFindings(tx, { activityId: id }, { subject: record!.text.subject, body: record!.text.body });
    await recordAudit(tx, keys, ctx, {
      action: 'activity.update',
      entityType: 'activity',
      entityId: id,
      subjectIds: await peopleOf(tx, [record!, current]),
    });
    return (await presentAll(tx, ctx, [record!]))[0]!;
  });
}

export async function deleteActivity(options: Deps & { id: string }): Promise<void> {
  const { db, keys, ctx, id, subjects } = options;
  assertPermission(ctx.actor, 'activities:write');
  await transaction(db, async (tx) => {
    const row = await findActivityRow(tx, id, { forUpdate: true });
    const [record] = row ? await openActivities(tx, subjects, [row]) : [];
    if (!row || !record) throw notFound('activity');
    const people = await peopleOf(tx, [record]);
    await deleteActivityRows(tx, [id]);
    await subjects.shred(tx, row.subjectId);
    await recordAudit(tx, keys, ctx, {
      action: 'activity.delete',
      entityType: 'activity',
      entityId: id,
      subjectIds: people,
    });
  });
}
