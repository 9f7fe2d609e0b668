import { sql } from 'drizzle-orm';
import { bigserial, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * The outbox of domain events: written in the transaction of the change they announce, so there is no event
 * without its change and no change without its event. Only ids, purpose keys and statuses: never personal
 * values (webhook payloads are built from the live record when they are delivered). An event leaves once it
 * is dispatched to no subscription, or when its deliveries are done with (see the webhooks module).
 */
export const domainEvents = pgTable(
  'domain_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    type: text('type').notNull(),
    contactId: uuid('contact_id'),
    subjectId: uuid('subject_id'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    occurredAt: timestamp('occurred_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    dispatchedAt: timestamp('dispatched_at', { withTimezone: true, precision: 3 }),
  },
  (t) => [
    index('domain_events_undispatched_idx').on(t.seq).where(sql`${t.dispatchedAt} is null`),
    index('domain_events_contact_idx').on(t.contactId),
    index('domain_events_subject_idx').on(t.subjectId),
    // The webhook housekeeping's deletes: notices about people who are gone leave once delivered, the rest
    // after 30 days; partial, so neither scans the outbox.
    index('domain_events_gone_contact_idx')
      .on(t.dispatchedAt)
      .where(sql`${t.type} in ('contact.erased', 'contact.deleted') and ${t.dispatchedAt} is not null`),
    index('domain_events_dispatched_idx').on(t.dispatchedAt).where(sql`${t.dispatchedAt} is not null`),
  ],
);
