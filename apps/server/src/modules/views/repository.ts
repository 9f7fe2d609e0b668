import type { CreateSavedViewInput, UpdateSavedViewInput } from '@custodian/contracts';
import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '../../platform/db/database.js';
import { savedViews } from './schema.js';

export type SavedViewRow = typeof savedViews.$inferSelect;

// Every statement names the owner: a view of another user is never read, changed or deleted.
const owned = (userId: string, id: string) => and(eq(savedViews.id, id), eq(savedViews.userId, userId));

export const listViewRows = (ex: Executor, userId: string): Promise<SavedViewRow[]> =>
  ex
    .select()
    .from(savedViews)
    .where(eq(savedViews.userId, userId))
    .orderBy(asc(savedViews.name), asc(savedViews.id));

export async function findViewRow(ex: Executor, userId: string, id: string): Promise<SavedViewRow | null> {
  const [row] = await ex.select().from(savedViews).where(owned(userId, id));
  return row ?? null;
}

export async function insertViewRow(
  ex: Executor,
  userId: string,
  input: CreateSavedViewInput,
): Promise<SavedViewRow> {
  const [row] = await ex
    .insert(savedViews)
    .values({ userId, ...input })
    .returning();
  return row!;
}

export async function updateViewRow(
  ex: Executor,
  userId: string,
  id: string,
  input: UpdateSavedViewInput,
): Promise<SavedViewRow | null> {
  const [row] = await ex
    .update(savedViews)
    .set({ ...input, updatedAt: new Date() })
    .where(owned(userId, id))
    .returning();
  return row ?? null;
}

export async function deleteViewRow(ex: Executor, userId: string, id: string): Promise<boolean> {
  const rows = await ex.delete(savedViews).where(owned(userId, id)).returning({ id: savedViews.id });
  return rows.length > 0;
}
