import { activityDirections, activityTypes } from '@custodian/contracts';
import {
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { bytea, oneOf } from '../../platform/db/types.js';
import { companies } from '../companies/schema.js';
import { contacts } from '../contacts/schema.js';
import { deals } from '../deals/schema.js';
import { dataSubjects } from '../subjects/schema.js';
import { users } from '../users/schema.js';

/**
 * Notes, calls, meetings and e-mails. A record about several people cannot be encrypted under one
 * person's key (erasing them would destroy the others' history), so each activity has a key of its own
 * (a row in data_subjects): deleting one of its people unlinks them; deleting the last one shreds it.
 */
export const activities = pgTable(
  'activities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    subjectId: uuid('subject_id')
      .notNull()
      .references(() => dataSubjects.id),
    type: text('type').notNull(),
    subject: bytea('subject'),
    body: bytea('body'),
    occurredAt: timestamp('occurred_at', { withTimezone: true, precision: 3 }).notNull(),
    durationMinutes: integer('duration_minutes'),
    direction: text('direction'),
    companyId: uuid('company_id').references(() => companies.id, { onDelete: 'set null' }),
    dealId: uuid('deal_id').references(() => deals.id, { onDelete: 'set null' }),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('activities_subject_id_key').on(t.subjectId),
    index('activities_occurred_at_idx').on(t.occurredAt, t.id),
    index('activities_company_idx').on(t.companyId, t.occurredAt),
    index('activities_deal_idx').on(t.dealId, t.occurredAt),
    check('activities_type_known', oneOf(t.type, activityTypes)),
    check('activities_direction_known', oneOf(t.direction, activityDirections)),
  ],
);

export const activityContacts = pgTable(
  'activity_contacts',
  {
    activityId: uuid('activity_id')
      .notNull()
      .references(() => activities.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ columns: [t.activityId, t.contactId] }),
    index('activity_contacts_contact_idx').on(t.contactId, t.activityId),
  ],
);
