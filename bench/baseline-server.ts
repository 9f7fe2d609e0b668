/**
 * The baseline for "GET one contact": a minimal Fastify server reading the same contacts row by id, with no
 * session, no decryption, no audit entry and no presentation — what the database and HTTP alone cost. It selects
 * the columns Custodian reads (not the write-only blind-index tokens) and sends the ciphertexts as base64, so the
 * response is about as large as Custodian's. Same database, same pool size (10) as Custodian. Started by bench/run.ts (PORT, HOST, DATABASE_URL or DATA_DIR from the environment).
 */
import Fastify from 'fastify';
import { loadConfig } from '../apps/server/src/platform/config.js';
import { openPglite } from '../apps/server/src/platform/db/database.js';

type Query = (text: string, params: unknown[]) => Promise<Record<string, unknown>[]>;

async function connect(): Promise<{ query: Query; close: () => Promise<void> }> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    return {
      query: async (text, params) => (await pool.query(text, params)).rows,
      close: () => pool.end(),
    };
  }
  const database = await openPglite(loadConfig().dataDir);
  if (database.driver.kind !== 'pglite') throw new Error('expected the embedded database');
  const client = database.driver.client;
  return {
    query: async (text, params) => (await client.query<Record<string, unknown>>(text, params)).rows,
    close: () => database.close(),
  };
}

const db = await connect();
// The columns Custodian reads: every one but the write-only blind-index tokens.
const columns = (
  await db.query(
    `select column_name from information_schema.columns
     where table_name = 'contacts' and right(column_name, 7) <> '_tokens' order by ordinal_position`,
    [],
  )
).map((r) => `"${String(r.column_name)}"`);
const select = `select ${columns.join(', ')} from contacts where id = $1`;
const app = Fastify({ logger: false });
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

app.get('/healthz', async () => ({ ok: true }));
app.get<{ Params: { id: string } }>('/contacts/:id', async (request, reply) => {
  if (!uuid.test(request.params.id)) return reply.code(400).send({ error: 'bad id' });
  const [row] = await db.query(select, [request.params.id]);
  if (!row) return reply.code(404).send({ error: 'not found' });
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row))
    out[k] = v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v;
  return out;
});

await app.listen({ port: Number(process.env.PORT ?? 0), host: process.env.HOST ?? '127.0.0.1' });
const stop = async () => {
  await app.close();
  await db.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
