import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import { type Database, openPglite, openPostgres } from '../platform/db/database.js';
import { databaseUrlFor } from './global-setup.js';

export const engine: 'pglite' | 'postgres' = process.env.DATABASE_URL ? 'postgres' : 'pglite';

/** A fresh, migrated database for one test file: a copy of the run's template. Closing drops it. */
export async function createTestDatabase(): Promise<Database & { url: string | null }> {
  const base = process.env.DATABASE_URL;
  const template = inject('pgTemplate');
  if (base && template) {
    const name = `custodian_t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`create database ${name} template ${template}`);
    await admin.end();
    const url = databaseUrlFor(base, name);
    const database = await openPostgres(url, { max: 5 });
    return {
      ...database,
      url,
      close: async () => {
        await database.close();
        const client = new pg.Client({ connectionString: base });
        await client.connect();
        await client.query(`drop database if exists ${name} with (force)`);
        await client.end();
      },
    };
  }
  const file = inject('pgliteTemplate');
  if (!file) throw new Error('The global setup did not prepare a template database');
  const database = await openPglite(null, { loadDataDir: new Blob([fs.readFileSync(file)]) });
  return { ...database, url: null };
}
