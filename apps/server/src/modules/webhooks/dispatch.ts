import { and, asc, eq, inArray, isNull, lt, type SQL, sql } from 'drizzle-orm';
import { type Db, execute, transaction } from '../../platform/db/database.js';
import { domainEvents } from '../events/index.js';
import { webhookDeliveries, webhookSubscriptions } from './schema.js';

/** How long delivery history is kept once nothing is left to do. */
const historyDays = 30;

/**
 * Turns new domain events into deliveries: one per event and matching active subscription (unique, so a
 * second dispatcher or a repeated pass adds nothing). A `consent.changed` goes only to subscriptions of its
 * purpose (or for subject-wide choices, to all); whether an id-only event may reach the recipient at all (was it
 * ever sent the person?) is decided at delivery, with the rest of the payload. Events no subscription wants are removed at once. Events are
 * taken with SKIP LOCKED, so several servers share the work. Returns the new deliveries' ids.
 */
export async function dispatchDomainEvents(db: Db, limit = 500): Promise<string[]> {
  return transaction(db, async (tx) => {
    const events = await tx
      .select({ id: domainEvents.id, type: domainEvents.type, data: domainEvents.data })
      .from(domainEvents)
      .where(isNull(domainEvents.dispatchedAt))
      .orderBy(asc(domainEvents.seq))
      .limit(limit)
      .for('update', { skipLocked: true });
    if (events.length === 0) return [];
    const subscriptions = await tx
      .select({
        id: webhookSubscriptions.id,
        events: webhookSubscriptions.events,
        purpose: webhookSubscriptions.purpose,
      })
      .from(webhookSubscriptions)
      .where(eq(webhookSubscriptions.active, true));
    const now = new Date();
    const deliveries: { eventId: string; subscriptionId: string; nextAttemptAt: Date }[] = [];
    for (const event of events)
      for (const s of subscriptions) {
        if (!s.events.includes(event.type)) continue;
        const purpose = event.data.purpose;
        if (event.type === 'consent.changed' && purpose !== null && purpose !== s.purpose) continue;
        deliveries.push({ eventId: event.id, subscriptionId: s.id, nextAttemptAt: now });
      }
    const wanted = new Set(deliveries.map((d) => d.eventId));
    const unwanted = events.filter((e) => !wanted.has(e.id)).map((e) => e.id);
    if (unwanted.length > 0) await tx.delete(domainEvents).where(inArray(domainEvents.id, unwanted));
    if (wanted.size > 0)
      await tx
        .update(domainEvents)
        .set({ dispatchedAt: now })
        .where(inArray(domainEvents.id, [...wanted]));
    if (deliveries.length === 0) return [];
    const inserted = await tx
      .insert(webhookDeliveries)
      .values(deliveries)
      .onConflictDoNothing()
      .returning({ id: webhookDeliveries.id });
    return inserted.map((r) => r.id);
  });
}

/** Rows deleted per statement, and statements per housekeeping pass: a backlog is worked off over passes. */
const deleteBatch = 500;
const batchesPerPass = 20;

/** Runs a bounded delete (it must delete at most `deleteBatch` rows) until it finds less or the pass is used up. */
async function deleteInBatches(db: Db, statement: SQL): Promise<number> {
  let total = 0;
  for (let i = 0; i < batchesPerPass; i++) {
    const n = await execute(db, statement);
    total += n;
    if (n < deleteBatch) break;
  }
  return total;
}

/**
 * Keeps the queue honest and the tables small: deliveries a crash left `sending` go back to `pending`;
 * pending deliveries whose job was lost are returned to be queued again (a duplicate job finds nothing to
 * claim); an erasure or deletion notice leaves as soon as it is delivered (it holds the former contact id);
 * other events (dead letters included) when their history is 30 days old with nothing pending. Deletes go in
 * bounded batches found through partial indexes, so a pass never scans or locks the whole outbox.
 * Returns the ids to queue.
 */
export async function keepDeliveriesMoving(db: Db, stuckAfterMs: number): Promise<string[]> {
  const stuck = new Date(Date.now() - stuckAfterMs);
  const reset = await db
    .update(webhookDeliveries)
    .set({ status: 'pending', nextAttemptAt: new Date() })
    .where(and(eq(webhookDeliveries.status, 'sending'), lt(webhookDeliveries.lastAttemptAt, stuck)))
    .returning({ id: webhookDeliveries.id });
  const lost = await db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.status, 'pending'), lt(webhookDeliveries.nextAttemptAt, stuck)))
    .limit(500);
  // An erasure or deletion notice goes once nothing of it is pending or dead (domain_events_gone_contact_idx).
  await deleteInBatches(
    db,
    sql`delete from domain_events where id in (
          select e.id from domain_events e
          where e.type in ('contact.erased', 'contact.deleted') and e.dispatched_at is not null
            and not exists (select 1 from webhook_deliveries d
                            where d.event_id = e.id and d.status in ('pending', 'sending', 'dead'))
          limit ${deleteBatch})`,
  );
  // Any other event after 30 days of history (domain_events_dispatched_idx).
  await deleteInBatches(
    db,
    sql`delete from domain_events where id in (
          select e.id from domain_events e
          where e.dispatched_at < now() - make_interval(days => ${historyDays})
            and not exists (select 1 from webhook_deliveries d
                            where d.event_id = e.id and d.status in ('pending', 'sending'))
          limit ${deleteBatch})`,
  );
  return [...new Set([...reset, ...lost].map((r) => r.id))];
}
