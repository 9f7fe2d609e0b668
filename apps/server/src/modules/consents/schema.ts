import { collectionMethods, consentStatuses, eventKinds, ledgerActorTypes } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';
import { bytea, oneOf } from '../../platform/db/types.js';
import { notices } from '../notices/schema.js';
import { purposesTable } from '../purposes/schema.js';
import { dataSubjects } from '../subjects/schema.js';
import { users } from '../users/schema.js';

/**
 * The privacy ledger: every choice a person made (consent given, withdrawn…, objection, restriction, CCPA
 * opt-outs), with its proof. Append-only: a trigger refuses UPDATE, and DELETE unless the person's key was
 * shredded (erasure). The proof's personal parts are encrypted under the person's key.
 */
export const consentEvents = pgTable(
  'consent_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    seq: bigserial('seq', { mode: 'number' }).notNull().unique(),
    subjectId: uuid('subject_id')
      .notNull()
      .references(() => dataSubjects.id),
    kind: text('kind').notNull(),
    purpose: text('purpose').references(() => purposesTable.key),
    noticeId: uuid('notice_id').references(() => notices.id),
    /** A language tag (`en`, `pt-BR`): at most 16 characters, so it cannot hold an identifier. */
    language: varchar('language', { length: 16 }),
    method: text('method').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true, precision: 3 }).notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    actorType: text('actor_type').notNull(),
    actorId: uuid('actor_id').references(() => users.id),
    relatesTo: uuid('relates_to'),
    conflictsWith: uuid('conflicts_with'),
    mergedFrom: uuid('merged_from'),
    minor: boolean('minor').notNull().default(false),
    hasParentalConsent: boolean('has_parental_consent').notNull().default(false),
    source: bytea('source'),
    networkAddressHash: bytea('network_address_hash'),
    userAgent: bytea('user_agent'),
    jurisdiction: bytea('jurisdiction'),
    ageCheck: bytea('age_check'),
    parentalConsentReference: bytea('parental_consent_reference'),
    note: bytea('note'),
  },
  (t) => [
    index('consent_events_subject_idx').on(t.subjectId, t.seq),
    // The closed sets and the key on the actor let the erasure's verification prove these columns free of
    // identifiers; the rare links to other events and merged people are found through partial indexes.
    check('consent_events_kind_known', oneOf(t.kind, eventKinds)),
    check('consent_events_method_known', oneOf(t.method, collectionMethods)),
    check('consent_events_actor_type_known', oneOf(t.actorType, ledgerActorTypes)),
    index('consent_events_relates_to_idx').on(t.relatesTo).where(sql`${t.relatesTo} is not null`),
    index('consent_events_conflicts_with_idx').on(t.conflictsWith).where(sql`${t.conflictsWith} is not null`),
    index('consent_events_merged_from_idx').on(t.mergedFrom).where(sql`${t.mergedFrom} is not null`),
  ],
);

/**
 * The current state per person and purpose, derived from the ledger in the transaction that appends to it
 * (and rebuildable from it at any time). The guard reads this, never the ledger.
 */
export const consentStates = pgTable(
  'consent_states',
  {
    subjectId: uuid('subject_id')
      .notNull()
      .references(() => dataSubjects.id),
    purpose: text('purpose')
      .notNull()
      .references(() => purposesTable.key),
    consent: text('consent').notNull().default('none'),
    // Deleted before the events (erasure), rebuilt from them (replay): it always names an event of the ledger.
    consentEventId: uuid('consent_event_id').references(() => consentEvents.id),
    noticeId: uuid('notice_id').references(() => notices.id),
    parentalConsentMissing: boolean('parental_consent_missing').notNull().default(false),
    objected: boolean('objected').notNull().default(false),
    restricted: boolean('restricted').notNull().default(false),
    lastOccurredAt: timestamp('last_occurred_at', { withTimezone: true, precision: 3 }).notNull(),
    lastSeq: bigint('last_seq', { mode: 'number' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.subjectId, t.purpose] }),
    index('consent_states_purpose_idx').on(t.purpose),
    check('consent_states_consent_known', oneOf(t.consent, consentStatuses)),
  ],
);

/** The CCPA/CPRA choices per person, derived from the ledger like consent_states. */
export const subjectChoices = pgTable('subject_choices', {
  subjectId: uuid('subject_id')
    .primaryKey()
    .references(() => dataSubjects.id),
  optedOutOfSaleOrSharing: boolean('opted_out_of_sale_or_sharing').notNull().default(false),
  limitedSensitiveUse: boolean('limited_sensitive_use').notNull().default(false),
  lastOccurredAt: timestamp('last_occurred_at', { withTimezone: true, precision: 3 }).notNull(),
  lastSeq: bigint('last_seq', { mode: 'number' }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
});

/** Public consent forms: which notice they show, which purposes they ask for, whether by double opt-in. */
export const consentForms = pgTable('consent_forms', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  noticeKey: text('notice_key').notNull(),
  purposes: text('purposes').array().notNull(),
  doubleOptIn: boolean('double_opt_in').notNull().default(true),
  active: boolean('active').notNull().default(true),
  createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  createdBy: uuid('created_by'),
});

/**
 * Double opt-in confirmations waiting for a click. The link's token is never stored: it is derived from
 * the id with a key outside the database, and only its SHA-256 is kept to find the row.
 */
export const consentConfirmations = pgTable(
  'consent_confirmations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tokenHash: text('token_hash').notNull().unique(),
    subjectId: uuid('subject_id')
      .notNull()
      .references(() => dataSubjects.id),
    contactId: uuid('contact_id').notNull(),
    formId: uuid('form_id')
      .notNull()
      .references(() => consentForms.id),
    pendingEventIds: uuid('pending_event_ids').array().notNull(),
    language: text('language').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true, precision: 3 }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    mailedAt: timestamp('mailed_at', { withTimezone: true, precision: 3 }),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true, precision: 3 }),
    expiredAt: timestamp('expired_at', { withTimezone: true, precision: 3 }),
  },
  (t) => [
    index('consent_confirmations_open_idx').on(t.expiresAt),
    index('consent_confirmations_subject_idx').on(t.subjectId),
  ],
);

/** Bot-check challenges already answered, so a solved challenge cannot be replayed; swept once expired. */
export const usedChallenges = pgTable('used_consent_challenges', {
  hash: text('hash').primaryKey(),
  expiresAt: timestamp('expires_at', { withTimezone: true, precision: 3 }).notNull(),
});
