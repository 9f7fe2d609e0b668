import type { Webhook, WebhookDelivery } from '@custodian/contracts';
import { and, arrayContains, desc, eq } from 'drizzle-orm';
import type { Executor } from '../../platform/db/database.js';
import { recipientsDisclosedTo } from '../audit/index.js';
import { domainEvents } from '../events/index.js';
import { recipients } from '../recipients/index.js';
import { webhookDeliveries, webhookSubscriptions } from './schema.js';

export type SubscriptionRow = typeof webhookSubscriptions.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;

/** What a subscription needs to know of its recipient: plain columns only (the contact stays sealed). */
export interface RecipientBasics {
  id: string;
  name: string;
  role: string;
  purposes: string[];
  categories: string[];
}

export const presentWebhook = (row: SubscriptionRow): Webhook => ({
  id: row.id,
  url: row.url,
  events: row.events as Webhook['events'],
  recipientId: row.recipientId,
  purpose: row.purpose as Webhook['purpose'],
  active: row.active,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

export const presentDelivery = (row: DeliveryRow, eventType: string): WebhookDelivery => ({
  id: row.id,
  eventId: row.eventId,
  eventType: eventType as WebhookDelivery['eventType'],
  status: row.status as WebhookDelivery['status'],
  attempts: row.attempts,
  nextAttemptAt: row.status === 'pending' ? (row.nextAttemptAt?.toISOString() ?? null) : null,
  lastAttemptAt: row.lastAttemptAt?.toISOString() ?? null,
  lastStatus: row.lastStatus,
  lastError: row.lastError,
  deliveredAt: row.deliveredAt?.toISOString() ?? null,
  createdAt: row.createdAt.toISOString(),
});

export async function findRecipientBasics(ex: Executor, id: string): Promise<RecipientBasics | null> {
  const [row] = await ex
    .select({
      id: recipients.id,
      name: recipients.name,
      role: recipients.role,
      purposes: recipients.purposes,
      categories: recipients.categories,
    })
    .from(recipients)
    .where(eq(recipients.id, id));
  return row ?? null;
}

export async function findSubscriptionRow(
  ex: Executor,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<SubscriptionRow | null> {
  const query = ex.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, id));
  const [row] = options.forUpdate ? await query.for('update') : await query;
  return row ?? null;
}

export async function listSubscriptionRows(ex: Executor): Promise<SubscriptionRow[]> {
  return ex.select().from(webhookSubscriptions).orderBy(desc(webhookSubscriptions.createdAt));
}

export async function listDeliveryRows(
  ex: Executor,
  subscriptionId: string,
  options: { status?: string | undefined; limit: number },
): Promise<{ row: DeliveryRow; eventType: string }[]> {
  const where = options.status
    ? and(eq(webhookDeliveries.subscriptionId, subscriptionId), eq(webhookDeliveries.status, options.status))
    : eq(webhookDeliveries.subscriptionId, subscriptionId);
  return ex
    .select({ row: webhookDeliveries, eventType: domainEvents.type })
    .from(webhookDeliveries)
    .innerJoin(domainEvents, eq(domainEvents.id, webhookDeliveries.eventId))
    .where(where)
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(options.limit);
}

export async function findDeliveryRow(
  ex: Executor,
  subscriptionId: string,
  id: string,
): Promise<{ row: DeliveryRow; eventType: string } | null> {
  const [found] = await ex
    .select({ row: webhookDeliveries, eventType: domainEvents.type })
    .from(webhookDeliveries)
    .innerJoin(domainEvents, eq(domainEvents.id, webhookDeliveries.eventId))
    .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.subscriptionId, subscriptionId)))
    .for('update', { of: webhookDeliveries });
  return found ?? null;
}

/**
 * The recipients an erasure is announced to, by name: those with an active subscription to `contact.erased`
 * that were sent the person before (a `webhook.delivered` disclosure naming one of these subject ids).
 */
export async function erasureRecipientNames(ex: Executor, subjectIds: readonly string[]): Promise<string[]> {
  const subscribed = await ex
    .selectDistinct({ id: recipients.id, name: recipients.name })
    .from(webhookSubscriptions)
    .innerJoin(recipients, eq(recipients.id, webhookSubscriptions.recipientId))
    .where(
      and(
        eq(webhookSubscriptions.active, true),
        arrayContains(webhookSubscriptions.events, ['contact.erased']),
      ),
    );
  const disclosed = await recipientsDisclosedTo(ex, {
    action: 'webhook.delivered',
    recipientIds: subscribed.map((r) => r.id),
    subjectIds,
  });
  return [...new Set(subscribed.filter((r) => disclosed.has(r.id)).map((r) => r.name))].sort();
}
