import { and, eq, type SQL, sql } from 'drizzle-orm';
import { openPersonalFields, sealPersonalFields, taskEntity } from '../../catalog/index.js';
import type { Executor } from '../../platform/db/database.js';
import { rethrowMissingLink } from '../../platform/db/errors.js';
import { keyset } from '../../platform/db/keyset.js';
import type { SubjectKeyStore } from '../subjects/index.js';
import { tasks } from './schema.js';

export type TaskRow = typeof tasks.$inferSelect;
export type TaskAttributes = Omit<TaskRow, 'id' | 'subjectId' | 'title' | 'createdAt' | 'updatedAt'>;
export interface TaskRecord {
  row: TaskRow;
  title: string;
}

const fieldOfConstraint: Record<string, string> = {
  tasks_assignee_id_users_id_fk: 'body.assigneeId',
  tasks_contact_id_contacts_id_fk: 'body.contactId',
  tasks_company_id_companies_id_fk: 'body.companyId',
  tasks_deal_id_deals_id_fk: 'body.dealId',
};
function translate(err: unknown): never {
  rethrowMissingLink(err, fieldOfConstraint);
}

export async function insertTask(
  ex: Executor,
  subjects: SubjectKeyStore,
  title: string,
  attributes: TaskAttributes,
): Promise<TaskRecord> {
  const subjectId = await subjects.createSubject(ex);
  const key = await subjects.keyFor(ex, subjectId);
  try {
    const [row] = await ex
      .insert(tasks)
      .values({
        subjectId,
        ...attributes,
        title: sealPersonalFields(taskEntity, key, subjectId, { title }).title!,
      })
      .returning();
    return { row: row!, title };
  } catch (err) {
    translate(err);
  }
}

export async function updateTaskRow(
  ex: Executor,
  subjects: SubjectKeyStore,
  row: TaskRow,
  title: string,
  attributes: TaskAttributes,
): Promise<TaskRecord> {
  const key = await subjects.keyFor(ex, row.subjectId);
  try {
    const [updated] = await ex
      .update(tasks)
      .set({
        ...attributes,
        title: sealPersonalFields(taskEntity, key, row.subjectId, { title }).title!,
        updatedAt: new Date(),
      })
      .where(eq(tasks.id, row.id))
      .returning();
    return { row: updated!, title };
  } catch (err) {
    translate(err);
  }
}

export async function findTaskRow(
  ex: Executor,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<TaskRow | null> {
  const query = ex.select().from(tasks).where(eq(tasks.id, id));
  const [row] = options.forUpdate ? await query.for('update') : await query;
  return row ?? null;
}

export async function deleteTaskRow(ex: Executor, id: string): Promise<void> {
  await ex.delete(tasks).where(eq(tasks.id, id));
}

export async function openTasks(
  ex: Executor,
  subjects: SubjectKeyStore,
  rows: readonly TaskRow[],
): Promise<TaskRecord[]> {
  const keys = await subjects.keysFor(
    ex,
    rows.map((r) => r.subjectId),
  );
  return rows.flatMap((row) => {
    const key = keys.get(row.subjectId);
    return key
      ? [{ row, title: openPersonalFields(taskEntity, key, row.subjectId, row).title as string }]
      : [];
  });
}

// Tasks without a due date sort after every dated one; the expression is indexed-compatible.
const dueKey = sql`coalesce(${tasks.dueAt}, 'infinity'::timestamptz)`;

export async function listTaskRows(
  ex: Executor,
  options: {
    limit: number;
    after: { at: string; id: string } | null;
    assigneeId?: string | undefined;
    status?: string | undefined;
    contactId?: string | undefined;
    dealId?: string | undefined;
    dueBefore?: string | undefined;
  },
): Promise<TaskRow[]> {
  const page = keyset(dueKey, tasks.id, options.after, 'asc');
  const conditions: (SQL | undefined)[] = [
    page.where,
    options.assigneeId ? eq(tasks.assigneeId, options.assigneeId) : undefined,
    options.status ? eq(tasks.status, options.status) : undefined,
    options.contactId ? eq(tasks.contactId, options.contactId) : undefined,
    options.dealId ? eq(tasks.dealId, options.dealId) : undefined,
    options.dueBefore ? sql`${tasks.dueAt} < ${options.dueBefore}::timestamptz` : undefined,
  ];
  return ex
    .select()
    .from(tasks)
    .where(and(...conditions))
    .orderBy(...page.orderBy)
    .limit(options.limit);
}

/** The keys of a contact's tasks, for shredding when the contact is deleted. */
export async function taskKeysOfContact(ex: Executor, contactId: string): Promise<string[]> {
  const rows = await ex
    .select({ subjectId: tasks.subjectId })
    .from(tasks)
    .where(eq(tasks.contactId, contactId));
  return rows.map((r) => r.subjectId);
}

/** Merging contacts: the other's tasks become the survivor's. */
export async function moveTasks(ex: Executor, from: string, to: string): Promise<void> {
  await ex.update(tasks).set({ contactId: to }).where(eq(tasks.contactId, from));
}

/** Deletes the tasks about a contact; their ids and keys (for shredding). */
export async function deleteTasksOfContact(
  ex: Executor,
  contactId: string,
): Promise<{ id: string; subjectId: string }[]> {
  return ex
    .delete(tasks)
    .where(eq(tasks.contactId, contactId))
    .returning({ id: tasks.id, subjectId: tasks.subjectId });
}

/** Re-seals a task's title (after redaction), nothing else changed. */
export async function resealTaskTitle(
  ex: Executor,
  subjects: SubjectKeyStore,
  row: TaskRow,
  title: string,
): Promise<void> {
  const key = await subjects.keyFor(ex, row.subjectId);
  await ex
    .update(tasks)
    .set({
      title: sealPersonalFields(taskEntity, key, row.subjectId, { title }).title!,
      updatedAt: new Date(),
    })
    .where(eq(tasks.id, row.id));
}

/** Tasks in creation order after a keyset position, for passes over the whole table (the background scan). */
export async function scanTaskRows(
  ex: Executor,
  after: { at: string; id: string } | null,
  limit: number,
): Promise<TaskRow[]> {
  const page = keyset(tasks.createdAt, tasks.id, after, 'asc');
  return ex
    .select()
    .from(tasks)
    .where(page.where)
    .orderBy(...page.orderBy)
    .limit(limit);
}
