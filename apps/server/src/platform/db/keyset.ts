import { type AnyColumn, asc, desc, type SQL, sql } from 'drizzle-orm';

/** Rows after a keyset position `(key, id)` in the given direction, and the matching order. */
export function keyset(
  key: SQL | AnyColumn,
  id: AnyColumn,
  after: { at: string; id: string } | null,
  direction: 'asc' | 'desc',
): { where: SQL | undefined; orderBy: SQL[] } {
  const where = after
    ? direction === 'desc'
      ? sql`(${key}, ${id}) < (${after.at}::timestamptz, ${after.id}::uuid)`
      : sql`(${key}, ${id}) > (${after.at}::timestamptz, ${after.id}::uuid)`
    : undefined;
  const orderBy = direction === 'desc' ? [desc(key), desc(id)] : [asc(key), asc(id)];
  return { where, orderBy };
}
