import { sql } from 'drizzle-orm';
import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { bigintArray, bytea } from '../../platform/db/types.js';
import { dataSubjects } from '../subjects/schema.js';
import { users } from '../users/schema.js';

/**
 * Organisations. Not personal data, except the name, which for a sole trader is a person's: it is
 * encrypted under the company's own key (so it can be shredded) and searched by word-prefix blind index.
 */
export const companies = pgTable(
  'companies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    subjectId: uuid('subject_id')
      .notNull()
      .references(() => dataSubjects.id),
    name: bytea('name').notNull(),
    nameTokens: bigintArray('name_tokens').notNull().default(sql`'{}'::bigint[]`),
    domain: text('domain'),
    industry: text('industry'),
    size: text('size'),
    city: text('city'),
    country: text('country'),
    ownerId: uuid('owner_id').references(() => users.id),
    customFields: bytea('custom_fields'),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('companies_subject_id_key').on(t.subjectId),
    index('companies_name_tokens_idx').using('gin', t.nameTokens),
    index('companies_domain_idx').on(t.domain),
    index('companies_created_at_id_idx').on(t.createdAt, t.id),
  ],
);
