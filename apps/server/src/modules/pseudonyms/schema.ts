import { integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { purposesTable } from '../purposes/schema.js';
import { users } from '../users/schema.js';

const at = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

/**
 * Recipients of pseudonymised exports. The key itself is never stored: it is derived from the master key
 * named here (current or retired) for the recipient and version, so the database alone links nothing.
 */
export const pseudonymRecipients = pgTable('pseudonym_recipients', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  purpose: text('purpose')
    .notNull()
    .references(() => purposesTable.key),
  version: integer('version').notNull().default(1),
  masterKeyId: text('master_key_id').notNull(),
  createdBy: uuid('created_by').references(() => users.id),
  createdAt: at('created_at').notNull().defaultNow(),
  rotatedAt: at('rotated_at'),
});
