import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { bytea } from '../../platform/db/types.js';
import { dataSubjects } from '../subjects/schema.js';
import { users } from '../users/schema.js';

/**
 * CSV imports. The uploaded file is personal data: it is kept only as chunks sealed under the import's own
 * key (a data_subjects row), and both go (chunks deleted, key shredded) when the import finishes.
 */
export const imports = pgTable(
  'imports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    subjectId: uuid('subject_id').references(() => dataSubjects.id),
    /** contacts, activities or consents. */
    kind: text('kind').notNull().default('contacts'),
    status: text('status').notNull(),
    dryRun: boolean('dry_run').notNull(),
    source: text('source').notNull(),
    /** For contact imports only. */
    lawfulBasis: text('lawful_basis'),
    onDuplicate: text('on_duplicate').notNull(),
    mapping: jsonb('mapping').$type<Record<string, string>>().notNull(),
    fileBytes: bigint('file_bytes', { mode: 'number' }).notNull().default(0),
    totalRows: integer('total_rows').notNull().default(0),
    rowsDone: integer('rows_done').notNull().default(0),
    created: integer('created').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    skipped: integer('skipped').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    errors: jsonb('errors')
      .$type<{ row: number; field: string; issue: string }[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true, precision: 3 }),
    finishedAt: timestamp('finished_at', { withTimezone: true, precision: 3 }),
  },
  // Every table referencing data_subjects has its column indexed: forgetting a shredded key checks them all.
  (t) => [
    index('imports_status_idx').on(t.status, t.createdAt),
    index('imports_subject_idx').on(t.subjectId),
  ],
);

export const importChunks = pgTable(
  'import_chunks',
  {
    importId: uuid('import_id')
      .notNull()
      .references(() => imports.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    data: bytea('data').notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.seq] })],
);
