import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { contacts } from '../contacts/schema.js';
import { users } from '../users/schema.js';

const at = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

/**
 * The breach register. Its texts describe what happened, never who it happened to (identifiers are refused);
 * the clock is derived from `aware_at`, never stored.
 */
export const breaches = pgTable(
  'breaches',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    title: text('title').notNull(),
    nature: text('nature').notNull(),
    detectedAt: at('detected_at').notNull(),
    awareAt: at('aware_at').notNull(),
    categories: text('categories').array().notNull().default(sql`'{}'::text[]`),
    peopleApprox: integer('people_approx'),
    recordsApprox: integer('records_approx'),
    consequences: text('consequences').notNull().default(''),
    measures: text('measures').notNull().default(''),
    risk: text('risk').notNull(),
    authorityDecision: text('authority_decision').notNull().default('pending'),
    authorityNotifiedAt: at('authority_notified_at'),
    authorityReference: text('authority_reference'),
    decisionReason: text('decision_reason'),
    delayReason: text('delay_reason'),
    peopleDecision: text('people_decision').notNull().default('pending'),
    peopleException: text('people_exception'),
    peopleNotifiedAt: at('people_notified_at'),
    /** The last impact assessment from the audit trail: the question asked and the figures (no ids). */
    impact: jsonb('impact'),
    /** The message sent to the people (Art. 34(2)), as staff approved it from the draft. */
    peopleNoticeSubject: text('people_notice_subject'),
    peopleNoticeText: text('people_notice_text'),
    /** How many of the reminders (48, 24 and 6 hours left, overdue) were mailed. */
    remindersSent: integer('reminders_sent').notNull().default(0),
    closedAt: at('closed_at'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [index('breaches_open_idx').on(t.awareAt).where(sql`${t.closedAt} is null`)],
);

/**
 * Each person told about a breach (Art. 34), and how: sent, or why not (no address, erased since). The link
 * to the contact goes when the contact is erased or deleted; the row stays as the count of who was told.
 */
export const breachNotices = pgTable(
  'breach_notices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    breachId: uuid('breach_id')
      .notNull()
      .references(() => breaches.id),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    status: text('status').notNull().default('queued'),
    queuedAt: at('queued_at').notNull().defaultNow(),
    sentAt: at('sent_at'),
  },
  (t) => [
    uniqueIndex('breach_notices_breach_contact_key').on(t.breachId, t.contactId),
    index('breach_notices_queued_idx').on(t.breachId).where(sql`${t.status} = 'queued'`),
    index('breach_notices_contact_idx').on(t.contactId),
  ],
);
