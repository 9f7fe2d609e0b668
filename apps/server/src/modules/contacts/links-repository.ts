import { inArray, sql } from 'drizzle-orm';
import { arrayParam } from '../../platform/db/bulk.js';
import type { Executor } from '../../platform/db/database.js';
import { contacts, contactTags } from './schema.js';

/** For other modules linking records to contacts: which ids exist, and the people behind them. */
export async function subjectIdsOfContacts(
  ex: Executor,
  contactIds: readonly string[],
): Promise<Map<string, string>> {
  if (contactIds.length === 0) return new Map();
  const rows = await ex
    .select({ id: contacts.id, subjectId: contacts.subjectId })
    .from(contacts)
    .where(inArray(contacts.id, [...new Set(contactIds)]));
  return new Map(rows.map((r) => [r.id, r.subjectId]));
}

/** Moves the contacts' last-activity time forward (never back) to `at`. */
export async function touchLastActivity(
  ex: Executor,
  contactIds: readonly string[],
  at: Date,
): Promise<void> {
  if (contactIds.length === 0) return;
  await ex
    .update(contacts)
    .set({ lastActivityAt: sql`greatest(${contacts.lastActivityAt}, ${at.toISOString()}::timestamptz)` })
    .where(inArray(contacts.id, [...contactIds]));
}

/** Moves each contact's last activity to its time, if later (an import's batch: one statement). */
export async function touchLastActivities(ex: Executor, latest: ReadonlyMap<string, Date>): Promise<void> {
  if (latest.size === 0) return;
  const ids = [...latest.keys()];
  const times = ids.map((id) => latest.get(id)!);
  await ex.execute(
    // Only the rows that change: an update writes a new version of the row and of every index entry (the
    // column is indexed, so it cannot be a heap-only update), which a no-op would pay for nothing.
    sql`update ${contacts} c set last_activity_at = v.at
        from unnest(${arrayParam(ids, 'uuid')}, ${arrayParam(times, 'timestamptz')}) as v(id, at)
        where c.id = v.id and (c.last_activity_at is null or c.last_activity_at < v.at)`,
  );
}

/** Merging contacts: the survivor gets the other's tags too. */
export async function moveContactTags(ex: Executor, from: string, to: string): Promise<void> {
  await ex.execute(
    sql`insert into ${contactTags} (contact_id, tag_id)
        select ${to}::uuid, tag_id from ${contactTags} where contact_id = ${from}
        on conflict do nothing`,
  );
}
