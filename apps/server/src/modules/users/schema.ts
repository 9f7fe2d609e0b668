import { bigint, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { blindToken, bytea } from '../../platform/db/types.js';
import { dataSubjects } from '../subjects/schema.js';

/**
 * Staff accounts. Never deleted (only disabled), so audit entries keep naming who acted. Each staff member
 * is a data subject: e-mail and name are encrypted under their own key; sign-in finds the e-mail by its
 * blind index.
 */
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // Nullable only while rows from before encryption are converted at start-up (sealLegacyUserFields).
    subjectId: uuid('subject_id').references(() => dataSubjects.id),
    email: bytea('email'),
    emailIndex: blindToken('email_index'),
    name: bytea('name'),
    /** Plaintext columns of installations from before encryption: emptied at start-up, then dropped. */
    legacyEmail: text('legacy_email'),
    legacyName: text('legacy_name'),
    role: text('role').notNull(),
    status: text('status').notNull().default('active'),
    passwordHash: text('password_hash').notNull(),
    /** TOTP secret sealed with a key derived from the master key; set once enrolment is confirmed. */
    mfaSecret: bytea('mfa_secret'),
    /** A secret being enrolled, not yet confirmed by a code. */
    mfaPendingSecret: bytea('mfa_pending_secret'),
    /** Last TOTP time step accepted, so that a code cannot be replayed. */
    mfaLastTimeStep: bigint('mfa_last_time_step', { mode: 'number' }),
    mfaEnabledAt: timestamp('mfa_enabled_at', { withTimezone: true }),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('users_email_index_key').on(t.emailIndex),
    uniqueIndex('users_subject_id_key').on(t.subjectId),
    index('users_created_at_id_idx').on(t.createdAt, t.id),
  ],
);

/** Single-use MFA recovery codes, each hashed with argon2id. */
export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    codeHash: text('code_hash').notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('recovery_codes_user_idx').on(t.userId)],
);
