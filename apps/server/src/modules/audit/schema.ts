import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  index,
  integer,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { bytea, uuidArray } from '../../platform/db/types.js';

/**
 * The audit trail: append-only (a trigger refuses UPDATE, DELETE and TRUNCATE, except the sealer setting
 * seq/prev_hash/hash once). Entries are written in the transaction of what they record, with an HMAC of
 * their own content; the sealer chains committed entries in seal order (`seq`) a moment later, so that
 * writers never queue behind one chain-head lock. Holds no names or e-mails: people are random ids.
 */
export const auditEntries = pgTable(
  'audit_entries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    occurredAt: timestamp('occurred_at', { withTimezone: true, precision: 3 }).notNull(),
    actorType: text('actor_type').notNull(),
    actorId: uuid('actor_id'),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id'),
    subjectIds: uuidArray('subject_ids').notNull().default(sql`'{}'::uuid[]`),
    purpose: text('purpose'),
    requestId: text('request_id'),
    outcome: text('outcome').notNull(),
    /**
     * 1 for entries written before tokens, access and categories were recorded; 2 since. The MAC covers the
     * encoding of the entry's own format, so a v2 entry cannot be passed off as v1 by emptying its new columns.
     */
    format: smallint('format').notNull().default(1),
    /** The API token a call was made with (the actor is then its user); null for sessions and jobs. */
    tokenId: uuid('token_id'),
    /** Whether the people's data was read or changed; null when the entry names nobody. */
    access: text('access'),
    /** The catalog categories of their data the action revealed (reads) or could change (writes). */
    categories: text('categories').array().notNull().default(sql`'{}'::text[]`),
    /** Which master key the MAC key was derived from. */
    keyId: text('key_id').notNull(),
    mac: bytea('mac').notNull(),
    seq: bigint('seq', { mode: 'number' }),
    prevHash: bytea('prev_hash'),
    hash: bytea('hash'),
    sealedAt: timestamp('sealed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('audit_entries_seq_key').on(t.seq),
    index('audit_entries_unsealed_idx').on(t.id).where(sql`${t.seq} is null`),
    // A long pending list, cleaned by the sealer a moment after the entries are written (gin_clean_pending_list):
    // an entry naming a 100,000-person segment then costs its writer an append of 100,000 keys (~0.1 s), not their
    // insertion into the tree (~0.5-1 s), and no writer pays for flushing a list others filled.
    index('audit_entries_subject_ids_idx').using('gin', t.subjectIds).with({ gin_pending_list_limit: 32768 }),
    index('audit_entries_occurred_at_idx').on(t.occurredAt, t.id),
    index('audit_entries_actor_idx').on(t.actorId, t.id),
    // Impact assessments: what one account or one token touched in a time window.
    index('audit_entries_actor_time_idx').on(t.actorId, t.occurredAt),
    index('audit_entries_token_time_idx').on(t.tokenId, t.occurredAt).where(sql`${t.tokenId} is not null`),
    index('audit_entries_entity_idx').on(t.entityType, t.entityId),
  ],
);

/**
 * Where the retained chain begins after old entries were pruned by a retention policy: the position and
 * hash of the last entry removed, signed with the audit MAC key so that a checkpoint cannot be forged to
 * hide a deletion. Append-only, like the entries.
 */
export const auditCheckpoints = pgTable('audit_checkpoints', {
  seq: bigint('seq', { mode: 'number' }).primaryKey(),
  hash: bytea('hash').notNull(),
  entries: integer('entries').notNull(),
  prunedThrough: timestamp('pruned_through', { withTimezone: true, precision: 3 }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  keyId: text('key_id').notNull(),
  mac: bytea('mac').notNull(),
});
