import type { ScoringCondition } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { bytea } from '../../platform/db/types.js';
import { contacts } from '../contacts/schema.js';
import { users } from '../users/schema.js';

const at = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

/** The rules: staff-written names (refused when they hold an identifier), points and a condition. */
export const scoringRules = pgTable('scoring_rules', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  points: integer('points').notNull(),
  active: boolean('active').notNull().default(true),
  condition: jsonb('condition').$type<ScoringCondition>().notNull(),
  createdBy: uuid('created_by').references(() => users.id),
  createdAt: at('created_at').notNull().defaultNow(),
  updatedAt: at('updated_at').notNull().defaultNow(),
});

/**
 * One score per person. The explanation (which rule gave which points) is sealed under the person's key. The
 * number itself is kept in clear, like the lifecycle stage, so scores can be sorted in the database: it is
 * computed only from attributes already stored in clear (activity types and times, stage, source, tags, deals,
 * which fields hold a value) and the rules, so it reveals nothing those do not; it is deleted with the record.
 * The row goes with the contact, and at once when the person objects (a trigger on the ledger, migration 0033).
 */
export const leadScores = pgTable(
  'lead_scores',
  {
    contactId: uuid('contact_id')
      .primaryKey()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    subjectId: uuid('subject_id').notNull(),
    score: integer('score').notNull(),
    explanation: bytea('explanation'),
    rulesVersion: text('rules_version').notNull(),
    computedAt: at('computed_at').notNull().defaultNow(),
  },
  (t) => [index('lead_scores_score_idx').on(t.score), index('lead_scores_subject_idx').on(t.subjectId)],
);

/**
 * Scoring runs: the rules as they were when the run began, how far it got (a creation time of contacts, never
 * a contact id, so an erasure's verification finds nothing here) and its counts. One runs at a time.
 */
export const scoringRuns = pgTable(
  'scoring_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    status: text('status').notNull(),
    origin: text('origin').notNull(),
    asOf: at('as_of').notNull(),
    rulesVersion: text('rules_version').notNull(),
    rules: jsonb('rules').$type<RuleSnapshot[]>().notNull(),
    cursorAt: at('cursor_at'),
    batches: integer('batches').notNull().default(0),
    scored: integer('scored').notNull().default(0),
    deleted: integer('deleted').notNull().default(0),
    refused: jsonb('refused').$type<Record<string, number>>().notNull().default(sql`'{}'::jsonb`),
    startedBy: uuid('started_by').references(() => users.id),
    startedAt: at('started_at').notNull().defaultNow(),
    finishedAt: at('finished_at'),
  },
  (t) => [
    uniqueIndex('scoring_runs_one_running').on(t.status).where(sql`${t.status} = 'running'`),
    index('scoring_runs_started_idx').on(t.startedAt),
  ],
);

/** A rule as a run applies it. */
export interface RuleSnapshot {
  id: string;
  name: string;
  points: number;
  condition: ScoringCondition;
}
