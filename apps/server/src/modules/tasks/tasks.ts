import type { CreateTaskInput, ListTasksQuery, Task, UpdateTaskInput } from '@custodian/contracts';
import { restrictedValue } from '@custodian/contracts';
import { restrictedFields, taskEntity } from '../../catalog/index.js';
import { assertPermission, hasPermission, type RequestContext } from '../../platform/access.js';
import { type Executor, transaction } from '../../platform/db/database.js';
import { decodeCursor, decodeTimeIdCursor, encodeCursor } from '../../platform/http/cursor.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { type ContactDeps, subjectIdsOfContacts } from '../contacts/index.js';
import { recordFindings, specialFieldsOf } from '../scanner/index.js';
import {
  deleteTaskRow,
  findTaskRow,
  insertTask,
  listTaskRows,
  openTasks,
  type TaskAttributes,
  type TaskRecord,
  type TaskRow,
  updateTaskRow,
} from './repository.js';

type Deps = ContactDeps & { ctx: RequestContext };

async function presentAll(
  ex: Executor,
  ctx: RequestContext,
  records: readonly TaskRecord[],
): Promise<Task[]> {
  const special = await specialFieldsOf(
    ex,
    'task',
    records.map((r) => r.row.id),
  );
  return records.map((r) => present(ctx, r, special.get(r.row.id)));
}

function present(
  ctx: RequestContext,
  { row, title }: TaskRecord,
  special: ReadonlySet<string> | undefined,
): Task {
  const hidden = restrictedFields(taskEntity, ctx);
  // A title the privacy officer classified as a special category needs reveal:special.
  if (special && !hasPermission(ctx.actor, 'reveal:special')) for (const field of special) hidden.add(field);
  return {
    id: row.id,
    title: hidden.has('title') ? restrictedValue : title,
    dueAt: row.dueAt?.toISOString() ?? null,
    assigneeId: row.assigneeId,
    status: row.status as Task['status'],
    contactId: row.contactId,
    companyId: row.companyId,
    dealId: row.dealId,
    completedAt: row.completedAt?.toISOString() ?? null,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const staffId = (ctx: RequestContext) =>
  ctx.actor.kind === 'user' || ctx.actor.kind === 'token' ? ctx.actor.userId : null;

async function peopleOf(ex: Executor, rows: TaskRow[]): Promise<string[]> {
  const ids = rows.flatMap((r) => (r.contactId ? [r.contactId] : []));
  return [...(await subjectIdsOfContacts(ex, ids)).values()];
}

function attributesOf(
  input: CreateTaskInput | UpdateTaskInput,
  current: TaskRow | null,
  ctx: RequestContext,
): TaskAttributes {
  const pick = <K extends keyof TaskAttributes & keyof typeof input>(key: K, fallback: TaskAttributes[K]) =>
    (input[key] !== undefined ? input[key] : (current?.[key] ?? fallback)) as TaskAttributes[K];
  const status = pick('status', 'open');
  return {
    dueAt:
      input.dueAt !== undefined ? (input.dueAt ? new Date(input.dueAt) : null) : (current?.dueAt ?? null),
    assigneeId: pick('assigneeId', staffId(ctx)),
    status,
    contactId: pick('contactId', null),
    companyId: pick('companyId', null),
    dealId: pick('dealId', null),
    completedAt: status === 'done' ? (current?.status === 'done' ? current.completedAt : new Date()) : null,
    createdBy: current ? current.createdBy : staffId(ctx),
  };
}

export async function createTask(options: Deps & { input: CreateTaskInput }): Promise<Task> {
  const { db, keys, ctx, input, subjects } = options;
  assertPermission(ctx.actor, 'tasks:write');
  return transaction(db, async (tx) => {
    const record = await insertTask(tx, subjects, input.title, attributesOf(input, null, ctx));
    await recordFindings(tx, { taskId: record.row.id }, { title: record.title });
    await recordAudit(tx, keys, ctx, {
      action: 'task.create',
      entityType: 'task',
      entityId: record.row.id,
      subjectIds: await peopleOf(tx, [record.row]),
    });
    return (await presentAll(tx, ctx, [record]))[0]!;
  });
}

export async function getTask(options: Deps & { id: string }): Promise<Task> {
  const { db, keys, ctx, id, subjects } = options;
  assertPermission(ctx.actor, 'tasks:read');
  return transaction(db, async (tx) => {
    const row = await findTaskRow(tx, id);
    const [record] = row ? await openTasks(tx, subjects, [row]) : [];
    if (!record) throw notFound('task');
    await recordAudit(tx, keys, ctx, {
      action: 'task.read',
      entityType: 'task',
      entityId: id,
      subjectIds: await peopleOf(tx, [record.row]),
    });
    return (await presentAll(tx, ctx, [record]))[0]!;
  });
}

/** Cursor of the due-date order: the due time, or "infinity" for tasks without one. */
function decodeDueCursor(cursor: string | undefined): { at: string; id: string } | null {
  const raw = decodeCursor(cursor, ['string', 'string']);
  if (raw?.[0] !== 'infinity') return decodeTimeIdCursor(cursor);
  // Checks the id the same way as for dated positions.
  const checked = decodeTimeIdCursor(encodeCursor([new Date(0).toISOString(), raw[1] as string]));
  return checked && { at: 'infinity', id: checked.id };
}

export async function findTasks(
  options: Deps & { query: ListTasksQuery },
): Promise<{ items: Task[]; nextCursor: string | null }> {
  const { db, keys, ctx, query, subjects } = options;
  assertPermission(ctx.actor, 'tasks:read');
  const after = decodeDueCursor(query.cursor);
  const mine = query.mine === 'true' ? staffId(ctx) : null;
  if (query.mine === 'true' && !mine)
    throw new AppError('validation_failed', 'Only a staff member has tasks of their own', {
      details: [{ field: 'querystring.mine', issue: 'needs a signed-in user or their token' }],
    });
  return transaction(db, async (tx) => {
    const rows = await listTaskRows(tx, {
      ...query,
      assigneeId: mine ?? query.assigneeId,
      limit: query.limit + 1,
      after,
    });
    const page = rows.slice(0, query.limit);
    const records = await openTasks(tx, subjects, page);
    await recordAudit(tx, keys, ctx, {
      action: 'task.list',
      entityType: 'task',
      subjectIds: await peopleOf(tx, page),
    });
    const last = page[page.length - 1];
    return {
      items: await presentAll(tx, ctx, records),
      nextCursor:
        rows.length > query.limit && last
          ? encodeCursor([last.dueAt ? last.dueAt.toISOString() : 'infinity', last.id])
          : null,
    };
  });
}

export async function updateTask(options: Deps & { id: string; input: UpdateTaskInput }): Promise<Task> {
  const { db, keys, ctx, id, input, subjects } = options;
  assertPermission(ctx.actor, 'tasks:write');
  return transaction(db, async (tx) => {
    const row = await findTaskRow(tx, id, { forUpdate: true });
    const [current] = row ? await openTasks(tx, subjects, [row]) : [];
    if (!current) throw notFound('task');
    const record = await updateTaskRow(
      tx,
      subjects,
      current.row,
      input.title ?? current.title,
      attributesOf(input, current.row, ctx),
    );
    await recordFindings(tx, { taskId: id }, { title: record.title });
    await recordAudit(tx, keys, ctx, {
      action: 'task.update',
      entityType: 'task',
      entityId: id,
      subjectIds: await peopleOf(tx, [record.row, current.row]),
    });
    return (await presentAll(tx, ctx, [record]))[0]!;
  });
}

export async function deleteTask(options: Deps & { id: string }): Promise<void> {
  const { db, keys, ctx, id, subjects } = options;
  assertPermission(ctx.actor, 'tasks:write');
  await transaction(db, async (tx) => {
    const row = await findTaskRow(tx, id, { forUpdate: true });
    if (!row) throw notFound('task');
    const people = await peopleOf(tx, [row]);
    await deleteTaskRow(tx, id);
    await subjects.shred(tx, row.subjectId);
    await recordAudit(tx, keys, ctx, {
      action: 'task.delete',
      entityType: 'task',
      entityId: id,
      subjectIds: people,
    });
  });
}
