import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { bytea } from '../../platform/db/types.js';
import { companies } from '../companies/schema.js';
import { contacts } from '../contacts/schema.js';
import { deals } from '../deals/schema.js';
import { dataSubjects } from '../subjects/schema.js';
import { users } from '../users/schema.js';

/** To-dos. The title is free text that often names a person, so it is encrypted under the task's own key. */
export const tasks = pgTable(
  'tasks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    subjectId: uuid('subject_id')
      .notNull()
      .references(() => dataSubjects.id),
    title: bytea('title').notNull(),
    dueAt: timestamp('due_at', { withTimezone: true, precision: 3 }),
    assigneeId: uuid('assignee_id').references(() => users.id),
    status: text('status').notNull(),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'cascade' }),
    companyId: uuid('company_id').references(() => companies.id, { onDelete: 'set null' }),
    dealId: uuid('deal_id').references(() => deals.id, { onDelete: 'set null' }),
    completedAt: timestamp('completed_at', { withTimezone: true, precision: 3 }),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('tasks_subject_id_key').on(t.subjectId),
    index('tasks_assignee_due_idx').on(t.assigneeId, t.status, t.dueAt),
    index('tasks_due_idx').on(t.status, t.dueAt, t.id),
    index('tasks_contact_idx').on(t.contactId),
  ],
);
