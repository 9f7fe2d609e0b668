import { boolean, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../users/schema.js';

/** The purposes of processing and their justification; seeded with defaults that an admin or DPO edits. */
export const purposesTable = pgTable('purposes', {
  key: text('key').primaryKey(),
  name: text('name').notNull(),
  description: text('description').notNull(),
  lawfulBasis: text('lawful_basis').notNull(),
  art9Condition: text('art9_condition'),
  categories: text('categories').array().notNull(),
  retention: text('retention').notNull(),
  minimumRetentionMonths: integer('minimum_retention_months'),
  ccpaSaleOrSharing: boolean('ccpa_sale_or_sharing').notNull(),
  profiling: boolean('profiling').notNull(),
  automatedDecisions: boolean('automated_decisions').notNull(),
  dpvPurpose: text('dpv_purpose').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  updatedBy: uuid('updated_by').references(() => users.id),
});
