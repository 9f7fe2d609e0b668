import { pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../users/schema.js';

/**
 * The suppression list: people who asked to be erased or not to be contacted, remembered only by a keyed
 * hash of the blind-index tokens of their e-mail addresses and phone numbers (never the values, and not the
 * tokens themselves, so an erased person's tokens are found nowhere), so that an import or a re-created
 * record cannot bring them back unnoticed.
 */
export const suppressionEntries = pgTable(
  'suppression_entries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind').notNull(),
    /** `h1:` and a keyed hash of the contacts' blind-index token of the value (BlindIndexer.suppressionHash). */
    token: text('token').notNull(),
    reason: text('reason').notNull(),
    requestId: uuid('request_id'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('suppression_entries_token_idx').on(t.kind, t.token)],
);
