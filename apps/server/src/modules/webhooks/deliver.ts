import { createHmac } from 'node:crypto';
import { and, eq, isNull, lte, or, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { systemContext } from '../../platform/access.js';
import type { WebhookConfig } from '../../platform/config.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Db, transaction } from '../../platform/db/database.js';
import { recordAudit } from '../audit/index.js';
import { domainEvents } from '../events/index.js';
import { destinationIssue } from './destination.js';
import { buildPayload, type PayloadDeps } from './payload.js';
import { postWebhook } from './post.js';
import { findRecipientBasics } from './repository.js';
import { webhookDeliveries, webhookSubscriptions } from './schema.js';
import { openWebhookSecret } from './secrets.js';

export interface DeliveryDeps extends PayloadDeps {
  db: Db;
  keys: KeyRing;
  settings: WebhookConfig;
}

/** The delay before attempt `attempts + 1`: the base, doubled each time, at most six hours. */
export const backoffMs = (settings: WebhookConfig, attempts: number) =>
  Math.min(settings.retryBaseMs * 2 ** Math.max(0, attempts - 1), 6 * 3600_000);

const sign = (secret: string, body: string, at: Date) => {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
};

export type DeliveryResult =
  | { outcome: 'delivered' | 'skipped' | 'dead' | 'none' }
  | { outcome: 'retry' | 'early'; at: Date };

/**
 * One attempt at one delivery. It is claimed first (`pending` → `sending`, attempts + 1, committed) once its
 * `next_attempt_at` has come (`early` with that time before), so two workers never send it at once; a crash while sending leaves it `sending` until the housekeeping puts it back
 * (delivery is at least once: receivers remember delivery ids). The payload is built now, signed, and POSTed;
 * a 2xx answer marks it delivered and records the disclosure in the audit trail, in one transaction. Anything
 * else is retried with exponential backoff, and after the last attempt the delivery is dead.
 */
export async function deliverWebhook(
  deps: DeliveryDeps,
  deliveryId: string,
  log?: Logger,
): Promise<DeliveryResult> {
  const { db, keys, settings } = deps;
  // Only when due: a job that comes before the backoff (a duplicate, or the housekeeping's) must not cut it short.
  const [claimed] = await db
    .update(webhookDeliveries)
    .set({ status: 'sending', attempts: sql`${webhookDeliveries.attempts} + 1`, lastAttemptAt: new Date() })
    .where(
      and(
        eq(webhookDeliveries.id, deliveryId),
        eq(webhookDeliveries.status, 'pending'),
        or(isNull(webhookDeliveries.nextAttemptAt), lte(webhookDeliveries.nextAttemptAt, sql`now()`)),
      ),
    )
    .returning();
  if (!claimed) {
    const [early] = await db
      .select({ at: webhookDeliveries.nextAttemptAt })
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.status, 'pending')));
    // Still pending, so not yet due: the caller queues it again for its time.
    return early?.at ? { outcome: 'early', at: early.at } : { outcome: 'none' };
  }
  const finish = (values: Partial<typeof webhookDeliveries.$inferInsert>) =>
    db.update(webhookDeliveries).set(values).where(eq(webhookDeliveries.id, deliveryId));
  const fail = async (error: string, status: number | null = null): Promise<DeliveryResult> => {
    if (claimed.attempts >= settings.maxAttempts) {
      await finish({ status: 'dead', lastError: error, lastStatus: status, nextAttemptAt: null });
      log?.warn({ deliveryId, error, status }, 'webhook delivery dead after its last attempt');
      return { outcome: 'dead' };
    }
    const at = new Date(Date.now() + backoffMs(settings, claimed.attempts));
    await finish({ status: 'pending', lastError: error, lastStatus: status, nextAttemptAt: at });
    return { outcome: 'retry', at };
  };

  try {
    const [found] = await db
      .select({ subscription: webhookSubscriptions, event: domainEvents })
      .from(webhookSubscriptions)
      .innerJoin(domainEvents, eq(domainEvents.id, claimed.eventId))
      .where(eq(webhookSubscriptions.id, claimed.subscriptionId));
    if (!found) return { outcome: 'none' }; // deleted meanwhile; the delivery went with it
    const { subscription, event } = found;
    if (!subscription.active) {
      await finish({ status: 'dead', lastError: 'subscription_inactive', nextAttemptAt: null });
      return { outcome: 'dead' };
    }
    // The policy may have changed since the subscription was made: checked again at every attempt.
    if (destinationIssue(subscription.url, settings)) {
      await finish({ status: 'dead', lastError: 'address_refused', nextAttemptAt: null });
      return { outcome: 'dead' };
    }
    const recipient = await findRecipientBasics(db, subscription.recipientId);
    if (!recipient) {
      await finish({ status: 'dead', lastError: 'recipient_gone', nextAttemptAt: null });
      return { outcome: 'dead' };
    }
    const built = await buildPayload(db, deps, event, subscription, recipient);
    if (built.kind === 'skip') {
      await finish({ status: 'skipped', lastError: built.reason, nextAttemptAt: null });
      return { outcome: 'skipped' };
    }
    const body = JSON.stringify(built.body);
    const answer = await postWebhook({
      url: subscription.url,
      body,
      headers: {
        'custodian-event-id': event.id,
        'custodian-delivery-id': deliveryId,
        'custodian-signature': sign(openWebhookSecret(keys, subscription), body, new Date()),
      },
      policy: settings,
      timeoutMs: settings.timeoutMs,
    });
    if ('error' in answer) return await fail(answer.error);
    if (answer.status < 200 || answer.status > 299) return await fail('http_status', answer.status);
    await transaction(db, async (tx) => {
      await tx
        .update(webhookDeliveries)
        .set({
          status: 'delivered',
          deliveredAt: new Date(),
          lastStatus: answer.status,
          lastError: null,
          nextAttemptAt: null,
        })
        .where(eq(webhookDeliveries.id, deliveryId));
      // The disclosure (Art. 15(1)(c), 30): to which recipient, under which purpose, whose data, which categories.
      await recordAudit(
        tx,
        keys,
        { ...systemContext('webhooks'), purpose: subscription.purpose },
        {
          action: 'webhook.delivered',
          entityType: 'recipient',
          entityId: recipient.id,
          subjectIds: built.subjectIds,
          access: 'read',
          categories: built.categories,
        },
      );
    });
    return { outcome: 'delivered' };
  } catch (err) {
    // Never the error's message: database errors quote values.
    log?.error({ deliveryId, errorName: (err as Error).name }, 'webhook delivery failed unexpectedly');
    return fail('internal');
  }
}
