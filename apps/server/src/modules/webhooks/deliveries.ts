import type { WebhookDelivery } from '@custodian/contracts';
import { eq } from 'drizzle-orm';
import { assertPermission, type RequestContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Db, transaction } from '../../platform/db/database.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { findDeliveryRow, findSubscriptionRow, listDeliveryRows, presentDelivery } from './repository.js';
import { webhookDeliveries } from './schema.js';

interface Options {
  db: Db;
  keys: KeyRing;
  ctx: RequestContext;
}

export async function findWebhookDeliveries({
  db,
  ctx,
  id,
  query,
}: Options & { id: string; query: { status?: string | undefined; limit: number } }): Promise<{
  items: WebhookDelivery[];
}> {
  assertPermission(ctx.actor, 'webhooks:manage');
  if (!(await findSubscriptionRow(db, id))) throw notFound('webhook');
  const rows = await listDeliveryRows(db, id, query);
  return { items: rows.map((r) => presentDelivery(r.row, r.eventType)) };
}

/** A dead (or delivered) delivery from its first attempt again; the job is queued by the caller. */
export async function redeliverWebhook({
  db,
  keys,
  ctx,
  id,
  deliveryId,
  enqueue,
}: Options & {
  id: string;
  deliveryId: string;
  enqueue: (deliveryId: string) => Promise<void>;
}): Promise<WebhookDelivery> {
  assertPermission(ctx.actor, 'webhooks:manage');
  const delivery = await transaction(db, async (tx) => {
    const found = await findDeliveryRow(tx, id, deliveryId);
    if (!found) throw notFound('delivery');
    if (found.row.status !== 'dead' && found.row.status !== 'delivered')
      throw new AppError('conflict', `A ${found.row.status} delivery cannot be sent again`, {
        details: [{ field: 'status', issue: `is ${found.row.status}` }],
      });
    const [row] = await tx
      .update(webhookDeliveries)
      .set({ status: 'pending', attempts: 0, nextAttemptAt: new Date(), lastError: null, lastStatus: null })
      .where(eq(webhookDeliveries.id, deliveryId))
      .returning();
    await recordAudit(tx, keys, ctx, {
      action: 'webhook.redeliver',
      entityType: 'webhook',
      entityId: id,
    });
    return presentDelivery(row!, found.eventType);
  });
  await enqueue(deliveryId);
  return delivery;
}
