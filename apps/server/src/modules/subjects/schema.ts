import { sql } from 'drizzle-orm';
import { boolean, check, index, pgTable, timestamp, uuid, varchar } from 'drizzle-orm/pg-core';
import { bytea } from '../../platform/db/types.js';

/**
 * Data subjects: the people whose personal data Custodian holds, by a random id. Each has its own
 * AES-256-GCM data key, stored only wrapped by a key derived from the master key. Crypto-shredding
 * destroys the wrapped key: every ciphertext of that person, in the database, its WAL and its backups,
 * becomes unreadable.
 */
export const dataSubjects = pgTable(
  'data_subjects',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The data key sealed under the master key's wrapping key; null once shredded. */
    wrappedKey: bytea('wrapped_key'),
    /**
     * Which master key wraps it, so master keys can rotate: 16 hex digits. Declared so, the erasure's
     * verification scan knows the column cannot hold an identifier and leaves the million rows unread.
     */
    keyId: varchar('key_id', { length: 16 }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    shreddedAt: timestamp('shredded_at', { withTimezone: true }),
  },
  (t) => [
    // The few shredded subjects whose row is kept (erased people, for their certificate and suppression): the
    // processing guard asks "is this person erased?" of a whole segment against this small index instead of
    // reading the million keys of the table.
    index('data_subjects_shredded_idx').on(t.id).where(sql`${t.shreddedAt} is not null`),
  ],
);

/**
 * Which master key the database is written under (its id, never the key): one row. A server or command
 * started with another key is refused before it writes a ciphertext nobody else could read (a second
 * server that generated its own key; a restore under the wrong key).
 */
export const masterKeyRecord = pgTable(
  'master_key_record',
  {
    only: boolean('only').primaryKey().default(true),
    keyId: varchar('key_id', { length: 16 }).notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('master_key_record_one_row', sql`${t.only}`)],
);
