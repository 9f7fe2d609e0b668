import type { Logger } from 'pino';
import type { KeyRing } from '../../platform/crypto/keys.js';
import type { Db } from '../../platform/db/database.js';
import { sealAuditChain } from './seal-audit-chain.js';

/**
 * Runs the sealer a second or so behind the writers. Every server runs one; the advisory lock
 * lets one of them work at a time. Returns a stop function that waits for the current pass.
 */
export function startAuditSealer(options: {
  db: Db;
  keys: KeyRing;
  log: Logger;
  intervalMs?: number;
}): () => Promise<void> {
  const { db, keys, log } = options;
  let stopped = false;
  let current: Promise<void> | null = null;
  const pass = async () => {
    try {
      while (!stopped && (await sealAuditChain(db, keys)) > 0) {
        // keep going while there is a backlog
      }
    } catch (err) {
      log.error({ err }, 'audit sealer pass failed; retrying on the next tick');
    } finally {
      current = null;
    }
  };
  const timer = setInterval(() => {
    current ??= pass();
  }, options.intervalMs ?? 1000);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await current;
  };
}
