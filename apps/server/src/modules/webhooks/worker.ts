import type { Logger } from 'pino';
import type { JobQueue } from '../../platform/jobs.js';
import { type DeliveryDeps, deliverWebhook } from './deliver.js';
import { dispatchDomainEvents, keepDeliveriesMoving } from './dispatch.js';

export const webhookDeliveryQueue = 'webhook-deliver';

/** Queues an attempt. The queue is `stately`: one waiting job per delivery, so queueing twice is harmless. */
export async function enqueueWebhookDelivery(jobs: JobQueue, deliveryId: string, at?: Date): Promise<void> {
  await jobs.send(
    webhookDeliveryQueue,
    { deliveryId },
    { singletonKey: deliveryId, retryLimit: 0, ...(at ? { startAfter: at } : {}) },
  );
}

/**
 * Starts the dispatcher (a pass every `dispatchIntervalMs` turning new events into deliveries; every server runs
 * one, SKIP LOCKED shares the events) and the delivery worker. Returns a stop function that waits for the pass.
 */
export async function startWebhookWorkers(
  jobs: JobQueue,
  deps: DeliveryDeps,
  log: Logger,
  options: { dispatchIntervalMs?: number; pollingIntervalSeconds?: number } = {},
): Promise<() => Promise<void>> {
  await jobs.createQueue(webhookDeliveryQueue, { name: webhookDeliveryQueue, policy: 'stately' });
  await jobs.work<{ deliveryId: string }>(
    webhookDeliveryQueue,
    { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 1, batchSize: 4 },
    async (batch) => {
      // A slow receiver holds up only its own delivery's slot in the batch.
      await Promise.all(
        batch.map(async (job) => {
          const result = await deliverWebhook(deps, job.data.deliveryId, log);
          if (result.outcome === 'retry' || result.outcome === 'early')
            await enqueueWebhookDelivery(jobs, job.data.deliveryId, result.at);
        }),
      );
    },
  );

  const intervalMs = options.dispatchIntervalMs ?? 1000;
  // Stuck means: well past one attempt's timeout, or a job lost between commit and queueing.
  const stuckAfterMs = deps.settings.timeoutMs + 60_000;
  const housekeepingEvery = Math.max(1, Math.round(30_000 / intervalMs));
  let passes = 0;
  let stopped = false;
  let current: Promise<void> | null = null;
  const pass = async () => {
    try {
      const ids = passes++ % housekeepingEvery === 0 ? await keepDeliveriesMoving(deps.db, stuckAfterMs) : [];
      for (;;) {
        const created = await dispatchDomainEvents(deps.db);
        ids.push(...created);
        if (created.length === 0 || stopped) break;
      }
      for (const id of ids) await enqueueWebhookDelivery(jobs, id);
    } catch (err) {
      log.error(
        { errorName: (err as Error).name },
        'webhook dispatch pass failed; retrying on the next tick',
      );
    } finally {
      current = null;
    }
  };
  const timer = setInterval(() => {
    if (!stopped) current ??= pass();
  }, intervalMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await current;
  };
}
