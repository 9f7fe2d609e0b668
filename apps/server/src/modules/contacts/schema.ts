import { sql } from 'drizzle-orm';
import { index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { bigintArray, bytea } from '../../platform/db/types.js';
import { companies } from '../companies/schema.js';
import { imports } from '../imports/schema.js';
import { dataSubjects } from '../subjects/schema.js';
import { tags } from '../tags/schema.js';
import { users } from '../users/schema.js';

/**
 * Contacts: the people the CRM is about. Every personal field is a ciphertext under the person's own key
 * (see the catalog, apps/server/src/catalog); search goes through the blind-index token arrays.
 */
export const contacts = pgTable(
  'contacts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    subjectId: uuid('subject_id')
      .notNull()
      .references(() => dataSubjects.id),
    firstName: bytea('first_name'),
    lastName: bytea('last_name'),
    nameTokens: bigintArray('name_tokens').notNull().default(sql`'{}'::bigint[]`),
    emails: bytea('emails'),
    emailTokens: bigintArray('email_tokens').notNull().default(sql`'{}'::bigint[]`),
    phones: bytea('phones'),
    phoneTokens: bigintArray('phone_tokens').notNull().default(sql`'{}'::bigint[]`),
    addresses: bytea('addresses'),
    jobTitle: bytea('job_title'),
    dateOfBirth: bytea('date_of_birth'),
    customFields: bytea('custom_fields'),
    /** Which custom fields hold a value (their keys, never the values); null for rows written before it. */
    customFieldKeys: text('custom_field_keys').array(),
    ownerId: uuid('owner_id').references(() => users.id),
    companyId: uuid('company_id').references(() => companies.id, { onDelete: 'set null' }),
    /** The import that brought the person in: their provenance (source and lawful basis, GDPR Art. 14). */
    importId: uuid('import_id').references(() => imports.id, { onDelete: 'set null' }),
    source: text('source').notNull(),
    lifecycleStage: text('lifecycle_stage').notNull(),
    lastActivityAt: timestamp('last_activity_at', { withTimezone: true, precision: 3 }),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    // INCLUDE (id) too, set by migration 0043 (Drizzle cannot declare it): the guard reads segments from the index.
    uniqueIndex('contacts_subject_id_key').on(t.subjectId),
    // A short pending list: a search scans all of it for every token it looks for (6 ms a token with the default
    // 4 MB after an import, where autovacuum has not flushed it yet), and inserts still go in batches.
    index('contacts_name_tokens_idx').using('gin', t.nameTokens).with({ gin_pending_list_limit: 64 }),
    // No pending list: every import batch looks its e-mails up here, and a search scans the whole pending
    // list for each token it looks for (seconds per batch once an import has filled it).
    index('contacts_email_tokens_idx').using('gin', t.emailTokens).with({ fastupdate: false }),
    index('contacts_phone_tokens_idx').using('gin', t.phoneTokens).with({ gin_pending_list_limit: 64 }),
    index('contacts_created_at_id_idx').on(t.createdAt, t.id),
    index('contacts_updated_at_id_idx').on(t.updatedAt, t.id),
    index('contacts_last_activity_idx').on(sql`coalesce(${t.lastActivityAt}, 'epoch'::timestamptz)`, t.id),
    index('contacts_owner_idx').on(t.ownerId, t.createdAt),
    index('contacts_company_idx').on(t.companyId, t.createdAt),
    index('contacts_stage_idx').on(t.lifecycleStage, t.createdAt),
  ],
);

export const contactTags = pgTable(
  'contact_tags',
  {
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    tagId: uuid('tag_id')
      .notNull()
      .references(() => tags.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.contactId, t.tagId] }), index('contact_tags_tag_idx').on(t.tagId)],
);
