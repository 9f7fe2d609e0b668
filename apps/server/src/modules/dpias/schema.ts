import { sql } from 'drizzle-orm';
import { boolean, date, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../users/schema.js';

const at = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

/** One stored risk: what could happen, and its likelihood and severity before and after the measures. */
export interface StoredRisk {
  description: string;
  likelihood: number;
  severity: number;
  measures: string[];
  residualLikelihood: number;
  residualSeverity: number;
}

/**
 * Impact assessments (Art. 35). Texts describe processing and risks, never people (identifiers are refused).
 * Levels, the matrix and whether a review is due are derived, never stored.
 */
export const dpias = pgTable('dpias', {
  id: uuid('id').primaryKey().defaultRandom(),
  title: text('title').notNull(),
  purposes: text('purposes').array().notNull(),
  description: text('description').notNull().default(''),
  necessity: text('necessity').notNull().default(''),
  proportionality: text('proportionality').notNull().default(''),
  risks: jsonb('risks').$type<StoredRisk[]>().notNull().default(sql`'[]'::jsonb`),
  measures: text('measures').notNull().default(''),
  status: text('status').notNull().default('draft'),
  dpoAdvice: text('dpo_advice'),
  dpoAdviceBy: uuid('dpo_advice_by').references(() => users.id),
  dpoAdviceAt: at('dpo_advice_at'),
  dpoAdviceFollowed: boolean('dpo_advice_followed'),
  dpoAdviceReason: text('dpo_advice_reason'),
  priorConsultationAt: at('prior_consultation_at'),
  priorConsultationReference: text('prior_consultation_reference'),
  signedOffBy: uuid('signed_off_by').references(() => users.id),
  signedOffAt: at('signed_off_at'),
  reviewAt: date('review_at', { mode: 'string' }),
  createdBy: uuid('created_by').references(() => users.id),
  createdAt: at('created_at').notNull().defaultNow(),
  updatedAt: at('updated_at').notNull().defaultNow(),
});
