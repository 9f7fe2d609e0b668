import { sql } from 'drizzle-orm';
import { date, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { bytea } from '../../platform/db/types.js';
import { dataSubjects } from '../subjects/schema.js';

const at = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

/**
 * Processors, joint controllers and third parties that receive personal data. The privacy contact may name a
 * person, so it is sealed under the record's own key (a row in data_subjects), like a company's name.
 */
export const recipients = pgTable(
  'recipients',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    subjectId: uuid('subject_id')
      .notNull()
      .references(() => dataSubjects.id),
    name: text('name').notNull(),
    role: text('role').notNull(),
    services: text('services').notNull().default(''),
    purposes: text('purposes').array().notNull().default(sql`'{}'::text[]`),
    categories: text('categories').array().notNull().default(sql`'{}'::text[]`),
    countries: text('countries').array().notNull(),
    transferMechanism: text('transfer_mechanism'),
    sccDate: date('scc_date'),
    derogation: text('derogation'),
    dpaSignedAt: date('dpa_signed_at'),
    dpaReviewAt: date('dpa_review_at'),
    securityMeasures: text('security_measures').notNull().default(''),
    contact: bytea('contact'),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [index('recipients_subject_idx').on(t.subjectId)],
);
