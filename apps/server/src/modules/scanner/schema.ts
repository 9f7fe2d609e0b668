import { findingKinds, findingStatuses } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { eachOf, oneOf } from '../../platform/db/types.js';
import { activities } from '../activities/schema.js';
import { contacts } from '../contacts/schema.js';
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
    /** A contact's custom text field (`customFields.<key>`). */
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'cascade' }),
    field: text('field').notNull(),
    /** What the scanner found. */
    kinds: text('kinds').array().notNull(),
    /** What the privacy officer says the field holds, when they reclassified it; special kinds mask it. */
    classifiedKinds: text('classified_kinds').array(),
    foundAt: at('found_at').notNull(),
    status: text('status').notNull().default('open'),
    reviewedBy: uuid('reviewed_by').references(() => users.id),
    reviewedAt: at('reviewed_at'),
  },
  (t) => [
    check('scanner_findings_one_record', sql`num_nonnulls(${t.activityId}, ${t.taskId}, ${t.contactId}) = 1`),
    check('scanner_findings_kinds_known', eachOf(t.kinds, findingKinds)),
    check('scanner_findings_classified_kinds_known', eachOf(t.classifiedKinds, findingKinds)),
    check('scanner_findings_status_known', oneOf(t.status, findingStatuses)),
    uniqueIndex('scanner_findings_activity_idx').on(t.activityId, t.field),
    uniqueIndex('scanner_findings_task_idx').on(t.taskId, t.field),
    uniqueIndex('scanner_findings_contact_idx').on(t.contactId, t.field),
    index('scanner_findings_status_idx').on(t.status, t.foundAt),
  ],
);

/**
 * Background scans of the text already stored, with their progress. The position is the creation time of the
 * last record scanned (never a record id, which an erasure's verification would find): a resumed scan starts
 * again at that time, and scanning a record twice changes nothing.
 */
export const scannerScans = pgTable(
  'scanner_scans',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    status: text('status').notNull(),
    startedBy: uuid('started_by').references(() => users.id),
    queuedAt: at('queued_at').notNull().defaultNow(),
    startedAt: at('started_at'),
    finishedAt: at('finished_at'),
    total: integer('total').notNull().default(0),
    scanned: integer('scanned').notNull().default(0),
    withFindings: integer('with_findings').notNull().default(0),
    phase: text('phase').notNull().default('activities'),
    positionAt: at('position_at'),
  },
  // At most one scan queued or running.
  (t) => [
    uniqueIndex('scanner_scans_one_active').on(sql`(1)`).where(sql`${t.status} in ('queued', 'running')`),
  ],
);
