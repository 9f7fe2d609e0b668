import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Database } from './database.js';

const heldHere = new Set<string>();

/** A stable 64-bit advisory-lock key for a name. */
const lockKey = (name: string) => createHash('sha256').update(name).digest().readBigInt64BE(0).toString();

/**
 * Runs `work` only if no other holder of `name` is running, across every process on the database, and
 * returns null otherwise. On PostgreSQL a session advisory lock on a connection of its own: if the process
 * dies, the connection closes and the lock goes with it. The embedded database has one process (the data
 * directory is locked), so a lock within the process suffices there.
 */
export async function withExclusiveLock<T>(
  database: Database,
  name: string,
  work: () => Promise<T>,
): Promise<{ ran: true; value: T } | { ran: false }> {
  if (heldHere.has(name)) return { ran: false };
  heldHere.add(name);
  try {
    if (database.driver.kind === 'pglite') return { ran: true, value: await work() };
    const client = await database.driver.pool.connect();
    try {
      const key = lockKey(name);
      const { rows } = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1::bigint) as ok', [
        key,
      ]);
      if (!rows[0]?.ok) return { ran: false };
      try {
        return { ran: true, value: await work() };
      } finally {
        await client.query('select pg_advisory_unlock($1::bigint)', [key]);
      }
    } finally {
      client.release();
    }
  } finally {
    heldHere.delete(name);
  }
}

/**
 * Runs `work` while holding `name` across every process on the database, waiting for a holder to finish
 * first: for start-up steps that must not interleave between servers starting together (pg-boss creates
 * each queue's table partition with DDL, and two servers doing so at once deadlock). A connection of its
 * own, so the lock is not tied to a pooled connection the work may need.
 */
export async function withWaitingLock<T>(
  database: Database,
  name: string,
  work: () => Promise<T>,
): Promise<T> {
  if (database.driver.kind === 'pglite') return work();
  const client = new pg.Client({ connectionString: database.driver.url });
  await client.connect();
  try {
    const key = lockKey(name);
    await client.query('select pg_advisory_lock($1::bigint)', [key]);
    try {
      return await work();
    } finally {
      await client.query('select pg_advisory_unlock($1::bigint)', [key]).catch(() => {});
    }
  } finally {
    await client.end();
  }
}
