import { bigserial, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { blindToken, bytea } from '../../platform/db/types.js';
import { contacts } from '../contacts/schema.js';
import { dataSubjects } from '../subjects/schema.js';
import { users } from '../users/schema.js';

const at = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

/**
 * Data-subject requests. The requester's details are sealed under the request's own key: the requester may
 * be unknown to the CRM, and the record of a request (kept as proof it was answered) must not die with the
 * contact when the request is an erasure.
 */
export const dsrRequests = pgTable(
  'dsr_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    subjectId: uuid('subject_id')
      .notNull()
      .references(() => dataSubjects.id),
    type: text('type').notNull(),
    regime: text('regime').notNull(),
    status: text('status').notNull(),
    channel: text('channel').notNull(),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    requesterEmail: bytea('requester_email'),
    requesterEmailToken: blindToken('requester_email_token'),
    requesterName: bytea('requester_name'),
    details: bytea('details'),
    purposes: text('purposes').array().notNull(),
    receivedAt: at('received_at').notNull(),
    dueAt: at('due_at').notNull(),
    originalDueAt: at('original_due_at').notNull(),
    extendedDueAt: at('extended_due_at').notNull(),
    acknowledgeBy: at('acknowledge_by'),
    acknowledgedAt: at('acknowledged_at'),
    extendedAt: at('extended_at'),
    extensionReason: text('extension_reason'),
    verifiedAt: at('verified_at'),
    verificationMethod: text('verification_method'),
    verifiedBy: uuid('verified_by').references(() => users.id),
    assignedTo: uuid('assigned_to').references(() => users.id),
    rejectionReason: text('rejection_reason'),
    duplicateOf: uuid('duplicate_of'),
    closedAt: at('closed_at'),
    reminderSentAt: at('reminder_sent_at'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('dsr_requests_due_idx').on(t.dueAt, t.id),
    index('dsr_requests_contact_idx').on(t.contactId),
    index('dsr_requests_requester_idx').on(t.requesterEmailToken),
    index('dsr_requests_subject_idx').on(t.subjectId),
  ],
);

/** Every step of a request, with who took it and when; notes are sealed under the request's key. */
export const dsrRequestEvents = pgTable(
  'dsr_request_events',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    requestId: uuid('request_id')
      .notNull()
      .references(() => dsrRequests.id),
    /** The request's key, which seals the note. */
    subjectId: uuid('subject_id')
      .notNull()
      .references(() => dataSubjects.id),
    at: at('at').notNull().defaultNow(),
    action: text('action').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    actorType: text('actor_type').notNull(),
    actorId: uuid('actor_id'),
    note: bytea('note'),
  },
  (t) => [
    index('dsr_request_events_request_idx').on(t.requestId, t.seq),
    index('dsr_request_events_subject_idx').on(t.subjectId),
  ],
);

/**
 * One-time codes mailed to verify a requester. The code is derived from the row id with a key outside the
 * database and only its keyed hash is stored; it expires, works once, and allows a few attempts.
 */
export const requestVerifications = pgTable('request_verifications', {
  id: uuid('id').primaryKey().defaultRandom(),
  requestId: uuid('request_id')
    .notNull()
    .references(() => dsrRequests.id),
  codeHash: text('code_hash').notNull(),
  expiresAt: at('expires_at').notNull(),
  attempts: integer('attempts').notNull().default(0),
  mailedAt: at('mailed_at'),
  usedAt: at('used_at'),
  createdAt: at('created_at').notNull().defaultNow(),
});
