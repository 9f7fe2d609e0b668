import { jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * Custom fields defined by admins or the DPO, each classified when it is created: this table is the part of
 * the data catalog that users extend. Values live encrypted with their record (contacts, companies).
 */
export const customFields = pgTable(
  'custom_fields',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    entity: text('entity').notNull(),
    key: text('key').notNull(),
    label: text('label').notNull(),
    type: text('type').notNull(),
    options: jsonb('options').$type<string[]>(),
    category: text('category'),
    specialKind: text('special_kind'),
    purposes: text('purposes').array().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('custom_fields_entity_key').on(t.entity, t.key)],
);
