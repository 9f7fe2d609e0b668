import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from '../users/schema.js';

const at = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

/** Retention policies; the shipped defaults are inserted by the migration and edited like any other. */
export const retentionPolicies = pgTable('retention_policies', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  target: text('target').notNull(),
  trigger: text('trigger').notNull(),
  periodAmount: integer('period_amount').notNull(),
  periodUnit: text('period_unit').notNull(),
  action: text('action').notNull(),
  purposes: text('purposes').array().notNull().default(sql`'{}'::text[]`),
  lifecycleStages: text('lifecycle_stages').array().notNull().default(sql`'{}'::text[]`),
  categories: text('categories').array().notNull().default(sql`'{}'::text[]`),
  onlyWithoutConsent: boolean('only_without_consent').notNull().default(false),
  exemptTagIds: uuid('exempt_tag_ids').array().notNull().default(sql`'{}'::uuid[]`),
  exemptOpenDeals: boolean('exempt_open_deals').notNull().default(false),
  shortenedReason: text('shortened_reason'),
  enabled: boolean('enabled').notNull().default(true),
  shipped: boolean('shipped').notNull().default(false),
  createdBy: uuid('created_by').references(() => users.id),
  createdAt: at('created_at').notNull().defaultNow(),
  updatedAt: at('updated_at').notNull().defaultNow(),
});

/**
 * Sweeps. At most one runs at a time (the unique index); one left `running` by a crash is resumed by the
 * next sweep, with the same `as_of`, so it handles the same set.
 */
export const retentionRuns = pgTable(
  'retention_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    status: text('status').notNull(),
    origin: text('origin').notNull(),
    asOf: at('as_of').notNull(),
    startedAt: at('started_at').notNull().defaultNow(),
    finishedAt: at('finished_at'),
    batches: integer('batches').notNull().default(0),
    /** Per policy: held and exempt when planned; done and failed added when the run ends. */
    counts: jsonb('counts')
      .$type<Record<string, { done: number; held: number; exempt: number; failed: number }>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    startedBy: uuid('started_by').references(() => users.id),
  },
  (t) => [
    uniqueIndex('retention_runs_one_running').on(t.status).where(sql`${t.status} = 'running'`),
    index('retention_runs_started_idx').on(t.startedAt),
  ],
);

/** What a sweep handled: written in the transaction that handles the record. */
export const retentionRunItems = pgTable(
  'retention_run_items',
  {
    runId: uuid('run_id')
      .notNull()
      .references(() => retentionRuns.id, { onDelete: 'cascade' }),
    policyId: uuid('policy_id').notNull(),
    target: text('target').notNull(),
    targetRef: text('target_ref').notNull(),
    outcome: text('outcome').notNull(),
    /** 1, or for audit entries the size of the range pruned. */
    records: integer('records').notNull().default(1),
    batch: integer('batch').notNull(),
    handledAt: at('handled_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.policyId, t.targetRef] })],
);
