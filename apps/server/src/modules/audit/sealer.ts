import type { Logger } from 'pino';
import type { KeyRing } from '../../platform/crypto/keys.js';
import type { Db } from '../../platform/db/database.js';
import { cleanSubjectIndex, sealAuditChain } from './seal-audit-chain.js';

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
  let cleaning = true;
  const pass = async () => {
    try {
      let sealed = 0;
      for (;;) {
        const n = stopped ? 0 : await sealAuditChain(db, keys);
        if (n === 0) break;
        sealed += n;
      }
      if (sealed > 0 && cleaning) {
        try {
          await cleanSubjectIndex(db);
        } catch (err) {
          // Only the index's owner may clean it: a database role that is not leaves it to autovacuum (which
          // cleans pending lists too); said once, since every pass would fail the same way.
          cleaning = false;
          log.warn({ err }, 'cannot clean the audit subject index; leaving its pending list to autovacuum');
        }
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
