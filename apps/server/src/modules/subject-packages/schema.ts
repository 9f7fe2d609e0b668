import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { bytea } from '../../platform/db/types.js';
import { dsrRequests } from '../requests/schema.js';
import { dataSubjects } from '../subjects/schema.js';
import { users } from '../users/schema.js';

const at = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

/**
 * Access and portability packages: the package sealed under the person's own key until it is downloaded
 * (then emptied), the review flags (where, never what), and the single-use link as a keyed hash only.
 */
export const subjectPackages = pgTable(
  'subject_packages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    requestId: uuid('request_id')
      .notNull()
      .references(() => dsrRequests.id),
    subjectId: uuid('subject_id')
      .notNull()
      .references(() => dataSubjects.id),
    content: bytea('content'),
    flags: jsonb('flags').notNull(),
    preparedAt: at('prepared_at').notNull(),
    releasedAt: at('released_at'),
    releasedBy: uuid('released_by').references(() => users.id),
    tokenHash: text('token_hash'),
    expiresAt: at('expires_at'),
    downloadedAt: at('downloaded_at'),
  },
  (t) => [
    uniqueIndex('subject_packages_request_idx').on(t.requestId),
    uniqueIndex('subject_packages_token_idx').on(t.tokenHash),
    index('subject_packages_subject_idx').on(t.subjectId),
  ],
);
