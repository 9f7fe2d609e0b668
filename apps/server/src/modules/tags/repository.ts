import { inArray, sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/database.js';
import { tags } from './schema.js';

/** The ids of these tag names (case-insensitive), creating the ones that do not exist yet. */
export async function ensureTags(ex: Executor, names: readonly string[]): Promise<Map<string, string>> {
  const byKey = new Map<string, string>();
  for (const n of names) if (!byKey.has(n.toLowerCase())) byKey.set(n.toLowerCase(), n);
  const unique = [...byKey.values()];
  if (unique.length === 0) return new Map();
  await ex
    .insert(tags)
    .values(unique.map((name) => ({ name })))
    .onConflictDoNothing();
  const rows = await findTagsByName(ex, unique);
  return new Map(rows.map((r) => [r.name.toLowerCase(), r.id]));
}

export async function findTagsByName(
  ex: Executor,
  names: readonly string[],
): Promise<{ id: string; name: string }[]> {
  if (names.length === 0) return [];
  return ex
    .select({ id: tags.id, name: tags.name })
    .from(tags)
    .where(
      inArray(
        sql`lower(${tags.name})`,
        names.map((n) => n.toLowerCase()),
      ),
    );
}

/** Every tag, by name. */
export async function listTagRows(ex: Executor): Promise<{ id: string; name: string }[]> {
  return ex.select({ id: tags.id, name: tags.name }).from(tags).orderBy(sql`lower(${tags.name})`);
}
