import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { bytea } from '../../platform/db/types.js';
import { domainEvents } from '../events/schema.js';
import { recipients } from '../recipients/schema.js';
import { users } from '../users/schema.js';

const at = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

/**
 * Webhook subscriptions: a registered recipient's URL, the events it receives and the purpose data is sent
 * for. The signing secret is sealed (AES-256-GCM) under a key derived from the master key, never stored in clear.
 */
export const webhookSubscriptions = pgTable('webhook_subscriptions', {
  id: uuid('id').primaryKey().defaultRandom(),
  url: text('url').notNull(),
  events: text('events').array().notNull(),
  recipientId: uuid('recipient_id')
    .notNull()
    .references(() => recipients.id, { onDelete: 'cascade' }),
  purpose: text('purpose').notNull(),
  active: boolean('active').notNull().default(true),
  secret: bytea('secret').notNull(),
  /** The master key the secret's sealing key was derived from, so secrets survive a key rotation. */
  secretKeyId: text('secret_key_id').notNull(),
  createdBy: uuid('created_by').references(() => users.id),
  createdAt: at('created_at').notNull().defaultNow(),
  updatedAt: at('updated_at').notNull().defaultNow(),
});

/**
 * One delivery per event and subscription (the unit of idempotency). Holds no payload and nothing personal:
 * the payload is built from the live record at each attempt.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    eventId: uuid('event_id')
      .notNull()
      .references(() => domainEvents.id, { onDelete: 'cascade' }),
    subscriptionId: uuid('subscription_id')
      .notNull()
      .references(() => webhookSubscriptions.id, { onDelete: 'cascade' }),
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: at('next_attempt_at'),
    lastAttemptAt: at('last_attempt_at'),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    deliveredAt: at('delivered_at'),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_event_subscription_key').on(t.eventId, t.subscriptionId),
    index('webhook_deliveries_subscription_idx').on(t.subscriptionId, t.createdAt),
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`${t.status} in ('pending', 'sending')`),
    // The housekeeping's look for attempts a crash left `sending`.
    index('webhook_deliveries_sending_idx').on(t.lastAttemptAt).where(sql`${t.status} = 'sending'`),
  ],
);
