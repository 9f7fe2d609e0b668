import PgBoss from 'pg-boss';
import type { Database } from './db/database.js';

/**
 * Background jobs in the application's own database (pg-boss, in its schema `pgboss`), so any number of
 * server processes share them and a job survives a restart. On the embedded database pg-boss goes through
 * PGlite's one connection.
 */
export type JobQueue = PgBoss;

export async function startJobQueue(
  database: Database,
  options: { onError?: (err: Error) => void; pollingIntervalSeconds?: number } = {},
): Promise<JobQueue> {
  const common = {
    schema: 'pgboss',
    // Maintenance and cron monitoring poll the database; a CRM needs them rarely.
    maintenanceIntervalSeconds: 300,
  } as const;
  const boss =
    database.driver.kind === 'pglite'
      ? new PgBoss({ ...common, db: pgliteAdapter(database.driver.client) })
      : new PgBoss({ ...common, connectionString: database.driver.url, max: 3 });
  boss.on('error', (err) => options.onError?.(err));
  await boss.start();
  return boss;
}

type PgliteClient = Extract<Database['driver'], { kind: 'pglite' }>['client'];

function pgliteAdapter(client: PgliteClient): PgBoss.Db {
  return {
    async executeSql(text: string, values: unknown[]) {
      // pg-boss sends its schema migrations as several statements without parameters.
      if (!values || values.length === 0) {
        const results = await client.exec(text);
        return { rows: results[results.length - 1]?.rows ?? [] };
      }
      const result = await client.query(text, values);
      return { rows: result.rows };
    },
  };
}
