import type { Db, Executor } from '../../platform/db/database.js';
import { type CustomFieldRow, listCustomFieldRows } from './repository.js';

/**
 * Custom-field definitions (not values: no personal data) per database and entity, kept in process so a read
 * of a contact does not ask for them every time. Definitions are only ever added, through `defineCustomField`,
 * which invalidates this cache when its transaction has committed. Another server process defining a field is
 * seen here within `maxAgeMs`; until then its values are left out of answers (a value without a definition is
 * never shown), never shown unmasked.
 */
const maxAgeMs = 5_000;

interface Entry {
  rows: readonly CustomFieldRow[];
  at: number;
}

interface DbCache {
  /** Bumped by every invalidation: a read that started before one does not store its (older) answer. */
  generation: number;
  entries: Map<string, Entry>;
}

const caches = new WeakMap<Db, DbCache>();

function cacheOf(db: Db): DbCache {
  let cache = caches.get(db);
  if (!cache) {
    cache = { generation: 0, entries: new Map() };
    caches.set(db, cache);
  }
  return cache;
}

/**
 * The definitions of an entity's custom fields of database `db`, from the process cache when fresh, else read
 * through `ex` (the caller's transaction on `db`, or `db`). For read paths only: a transaction that defined a
 * field itself must read the definitions with `listCustomFieldRows`.
 */
export async function cachedCustomFieldRows(
  db: Db,
  entity: string,
  ex: Executor = db,
): Promise<readonly CustomFieldRow[]> {
  const cache = cacheOf(db);
  const hit = cache.entries.get(entity);
  if (hit && Date.now() - hit.at < maxAgeMs) return hit.rows;
  const generation = cache.generation;
  const rows = Object.freeze(await listCustomFieldRows(ex, entity));
  if (cache.generation === generation) cache.entries.set(entity, { rows, at: Date.now() });
  return rows;
}

/** Forgets every cached definition of this database: call after a definition has changed (committed). */
export function invalidateCustomFieldRows(db: Db): void {
  const cache = cacheOf(db);
  cache.generation++;
  cache.entries.clear();
}
