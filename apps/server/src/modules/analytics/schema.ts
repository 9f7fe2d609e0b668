import { integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';

/**
 * What anonymisation keeps of a former contact for statistics: no identifier, no link to anyone, dates to the
 * month, places to the country, birth dates to a five-year band, counts in place of records. The person's key
 * is shredded in the same transaction, so nothing leads back.
 */
export const anonymousRecords = pgTable('anonymous_records', {
  id: uuid('id').primaryKey().defaultRandom(),
  kind: text('kind').notNull(),
  lifecycleStage: text('lifecycle_stage').notNull(),
  source: text('source').notNull(),
  createdMonth: text('created_month').notNull(),
  country: text('country'),
  birthYears: text('birth_years'),
  activities: integer('activities').notNull(),
  dealsWon: integer('deals_won').notNull(),
  anonymisedMonth: text('anonymised_month').notNull(),
});
