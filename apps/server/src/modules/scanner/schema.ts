import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { activities } from '../activities/schema.js';
import { tasks } from '../tasks/schema.js';
import { users } from '../users/schema.js';

const at = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

/**
 * What the free-text scanner found: the record, the field and the kinds of personal data, never the value.
 * Findings go with their record (cascade), so deleting or erasing it leaves none behind.
 */
export const scannerFindings = pgTable(
  'scanner_findings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    activityId: uuid('activity_id').references(() => activities.id, { onDelete: 'cascade' }),
    taskId: uuid('task_id').references(() => tasks.id, { onDelete: 'cascade' }),
    field: text('field').notNull(),
    kinds: text('kinds').array().notNull(),
    foundAt: at('found_at').notNull(),
    status: text('status').notNull().default('open'),
    reviewedBy: uuid('reviewed_by').references(() => users.id),
    reviewedAt: at('reviewed_at'),
  },
  (t) => [
    check('scanner_findings_one_record', sql`num_nonnulls(${t.activityId}, ${t.taskId}) = 1`),
    uniqueIndex('scanner_findings_activity_idx').on(t.activityId, t.field),
    uniqueIndex('scanner_findings_task_idx').on(t.taskId, t.field),
    index('scanner_findings_status_idx').on(t.status, t.foundAt),
  ],
);
