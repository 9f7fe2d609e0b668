import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { contacts } from '../contacts/schema.js';
import { segments } from '../segments/schema.js';
import { users } from '../users/schema.js';

const at = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

/** Campaigns: a template (staff text with merge fields, no personal data), a segment and a purpose. */
export const campaigns = pgTable('campaigns', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  purpose: text('purpose').notNull(),
  segmentId: uuid('segment_id').references(() => segments.id, { onDelete: 'set null' }),
  subject: text('subject').notNull(),
  html: text('html').notNull().default(''),
  text: text('text').notNull(),
  status: text('status').notNull().default('draft'),
  /** Open and click tracking, for recipients who consented to `email_tracking` only. Off by default. */
  tracking: boolean('tracking').notNull().default(false),
  scheduledAt: at('scheduled_at'),
  startedAt: at('started_at'),
  /** When every member of the segment was listed as a message: the recipients are fixed from then on. */
  listedAt: at('listed_at'),
  finishedAt: at('finished_at'),
  createdBy: uuid('created_by').references(() => users.id),
  createdAt: at('created_at').notNull().defaultNow(),
  updatedAt: at('updated_at').notNull().defaultNow(),
});

/**
 * One message per recipient, the unit of idempotency: `pending` → `sending` (committed before the mail server is
 * called) → `sent`; or `refused` with the guard's reason, `failed` after the retries, `uncertain` when a crash
 * came while handing it over (never sent again). The link to the contact goes when the contact is erased.
 */
export const campaignMessages = pgTable(
  'campaign_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    campaignId: uuid('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    status: text('status').notNull().default('pending'),
    reason: text('reason'),
    attempts: integer('attempts').notNull().default(0),
    sentAt: at('sent_at'),
    unsubscribedAt: at('unsubscribed_at'),
    /** A permanent bounce: refused at once by the mail server (status `bounced`) or reported later by a DSN. */
    bouncedAt: at('bounced_at'),
    /** The enhanced status code (RFC 3463) or SMTP reply code of the bounce, such as 5.1.1. */
    bounceStatus: text('bounce_status'),
    /** A spam complaint came back for it (ARF feedback report). */
    complainedAt: at('complained_at'),
    /** Sent with an image and links that record opens and clicks: the guard allowed `email_tracking`. */
    tracked: boolean('tracked').notNull().default(false),
    openedAt: at('opened_at'),
    clickedAt: at('clicked_at'),
  },
  (t) => [
    uniqueIndex('campaign_messages_campaign_contact_key').on(t.campaignId, t.contactId),
    index('campaign_messages_pending_idx').on(t.campaignId, t.id).where(sql`${t.status} = 'pending'`),
    index('campaign_messages_contact_idx').on(t.contactId),
  ],
);
