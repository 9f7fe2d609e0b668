import { sql } from 'drizzle-orm';
import { check, date, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { contacts } from '../contacts/schema.js';
import { deals } from '../deals/schema.js';
import { purposesTable } from '../purposes/schema.js';
import { dsrRequests } from '../requests/schema.js';
import { users } from '../users/schema.js';

const at = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

/**
 * Legal holds (GDPR Art. 17(3)): while one is active, an erasure keeps the fields it names (restricted)
 * and erases everything else. The reference is a case or file number, never the person's details.
 */
export const legalHolds = pgTable(
  'legal_holds',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** A hold on one person… */
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'cascade' }),
    /** …or on a case: every person in the deal, now or added later. A deal under an active hold cannot be deleted. */
    dealId: uuid('deal_id').references(() => deals.id, { onDelete: 'cascade' }),
    ground: text('ground').notNull(),
    purpose: text('purpose')
      .notNull()
      .references(() => purposesTable.key),
    fields: text('fields').array().notNull(),
    reference: text('reference').notNull(),
    until: date('until'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: at('created_at').notNull().defaultNow(),
    liftedAt: at('lifted_at'),
    liftedBy: uuid('lifted_by').references(() => users.id),
  },
  (t) => [
    check('legal_holds_one_scope', sql`num_nonnulls(${t.contactId}, ${t.dealId}) = 1`),
    index('legal_holds_contact_idx').on(t.contactId).where(sql`${t.liftedAt} is null`),
    index('legal_holds_deal_idx').on(t.dealId).where(sql`${t.liftedAt} is null`),
  ],
);

/**
 * Erasure certificates: the exact JSON text of each certificate and its SHA-256, which an audit entry
 * carries into the hash chain. They hold counts and table names, never the erased person's identifiers.
 */
export const erasureCertificates = pgTable('erasure_certificates', {
  id: uuid('id').primaryKey(),
  requestId: uuid('request_id').references(() => dsrRequests.id),
  document: text('document').notNull(),
  sha256: text('sha256').notNull(),
  issuedAt: at('issued_at').notNull(),
});
