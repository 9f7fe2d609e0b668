import type { WebhookEventType } from '@custodian/contracts';
import { inArray, or, sql } from 'drizzle-orm';
import { bulkColumn, insertRows } from '../../platform/db/bulk.js';
import type { Executor } from '../../platform/db/database.js';
import { domainEvents } from './schema.js';

export interface NewDomainEvent {
  type: WebhookEventType;
  contactId?: string | null;
  subjectId?: string | null;
  /** Ids, purpose keys and statuses only: never a personal value. */
  data?: Record<string, string | boolean | null>;
}

/** Records events in the caller's transaction: call it with the transaction of the change. */
export async function recordDomainEvents(ex: Executor, events: readonly NewDomainEvent[]): Promise<void> {
  if (events.length === 0) return;
  // One statement, the events numbered (seq) in the order given.
  await insertRows(ex, domainEvents, [
    bulkColumn(
      domainEvents.type,
      events.map((e) => e.type),
    ),
    bulkColumn(
      domainEvents.contactId,
      events.map((e) => e.contactId ?? null),
    ),
    bulkColumn(
      domainEvents.subjectId,
      events.map((e) => e.subjectId ?? null),
    ),
    bulkColumn(
      domainEvents.data,
      events.map((e) => e.data ?? {}),
    ),
  ]);
}

export const recordDomainEvent = (ex: Executor, event: NewDomainEvent) => recordDomainEvents(ex, [event]);

/**
 * Removes every event about these people (and, by cascade, their deliveries not yet made): an erasure, a
 * deletion or a merge leaves no id of the person behind, and nothing about them is sent after it but the
 * notice of it, recorded afterwards.
 */
export async function forgetEventsOf(
  ex: Executor,
  people: { contactIds: readonly string[]; subjectIds: readonly string[] },
): Promise<number> {
  const conditions = [
    ...(people.contactIds.length > 0
      ? [
          inArray(domainEvents.contactId, [...people.contactIds]),
          // A merge notice names its survivor in its data.
          inArray(sql`${domainEvents.data}->>'survivorId'`, [...people.contactIds]),
        ]
      : []),
    ...(people.subjectIds.length > 0 ? [inArray(domainEvents.subjectId, [...people.subjectIds])] : []),
  ];
  if (conditions.length === 0) return 0;
  const gone = await ex
    .delete(domainEvents)
    .where(or(...conditions))
    .returning({ id: domainEvents.id });
  return gone.length;
}
