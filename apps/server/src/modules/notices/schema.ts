import {
  boolean,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from '../users/schema.js';

/** Versions of the notices shown to people when they choose; a published version never changes. */
export const notices = pgTable(
  'notices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    key: text('key').notNull(),
    version: integer('version').notNull(),
    name: text('name').notNull(),
    purposes: text('purposes').array().notNull(),
    requiresReconsent: boolean('requires_reconsent').notNull(),
    publishedAt: timestamp('published_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    /** A text shown before it was registered here (another system's): since when, as the DPO declared. */
    shownSince: timestamp('shown_since', { withTimezone: true, precision: 3 }),
    publishedBy: uuid('published_by').references(() => users.id),
  },
  (t) => [uniqueIndex('notices_key_version_idx').on(t.key, t.version)],
);

/** The exact text of a notice version in one language, with its SHA-256. */
export const noticeTexts = pgTable(
  'notice_texts',
  {
    noticeId: uuid('notice_id')
      .notNull()
      .references(() => notices.id),
    language: text('language').notNull(),
    body: text('body').notNull(),
    sha256: text('sha256').notNull(),
  },
  (t) => [primaryKey({ columns: [t.noticeId, t.language] })],
);
