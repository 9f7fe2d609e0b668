import { and, arrayOverlaps, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../../platform/db/database.js';
import { auditEntries } from './schema.js';

/**
 * Which of these recipients were disclosed data of any of these people by `action` (e.g. `webhook.delivered`):
 * a recipient is the entry's entity. Both predicates are indexed (the entity btree, the subject ids' GIN).
 */
export async function recipientsDisclosedTo(
  ex: Executor,
  options: { action: string; recipientIds: readonly string[]; subjectIds: readonly string[] },
): Promise<Set<string>> {
  if (options.recipientIds.length === 0 || options.subjectIds.length === 0) return new Set();
  const rows = await ex
    .selectDistinct({ recipientId: auditEntries.entityId })
    .from(auditEntries)
    .where(
      and(
        eq(auditEntries.entityType, 'recipient'),
        inArray(auditEntries.entityId, [...options.recipientIds]),
        arrayOverlaps(
          auditEntries.subjectIds,
          options.subjectIds.map((id) => id.toLowerCase()),
        ),
        eq(auditEntries.action, options.action),
      ),
    );
  return new Set(rows.flatMap((r) => (r.recipientId ? [r.recipientId] : [])));
}
