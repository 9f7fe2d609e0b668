import { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations, SQL } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import { acquireDataDirLock, type DataDirLock } from './lock.js';
import { statementCachingClient } from './statement-cache.js';
import { parseUuidArrayLiteral } from './types.js';

type NoSchema = Record<string, never>;
export type Db = PgDatabase<PgQueryResultHKT, NoSchema>;
export type Tx = PgTransaction<PgQueryResultHKT, NoSchema, ExtractTablesWithRelations<NoSchema>>;
/** What repositories take: the database or a transaction, so use cases compose transactions explicitly. */
export type Executor = Db | Tx;

export type Engine = 'pglite' | 'postgres';

export interface Database {
  db: Db;
  engine: Engine;
  /** The underlying driver, for migrations and the rare statement Drizzle cannot express. */
  driver: { kind: 'pglite'; client: PGlite } | { kind: 'postgres'; pool: pg.Pool; url: string };
  close(): Promise<void>;
}

// bigint (int8) and numeric as strings would leak driver differences into every repository: count(*)
// comes back as a number on PGlite and as a string on pg. Parse int8 as a JS number on pg too
// (ids and counts stay far below 2^53).
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));
// uuid[] (type 2951, not in pg's builtins list, which names scalar types only): the general array parser reads
// character by character, 100 ms for the 100,000 subject ids of one guard entry, which the sealer reads back.
const UUID_ARRAY_OID = 2951;
const UUID_ARRAY = UUID_ARRAY_OID as Parameters<typeof pg.types.getTypeParser>[0];
const parseAnyUuidArray = pg.types.getTypeParser(UUID_ARRAY, 'text');
pg.types.setTypeParser(UUID_ARRAY, (v: string) => parseUuidArrayLiteral(v) ?? parseAnyUuidArray(v));

export async function openPostgres(url: string, options: { max?: number } = {}): Promise<Database> {
  // JIT compilation off: PostgreSQL compiles a query the planner prices high, and for Custodian's queries the
  // compiling cost more than it saved (the processing guard over 100,000 people: 235 ms of JIT in 570 ms).
  // An `options` parameter in DATABASE_URL replaces this one. Statements are prepared once per connection
  // (statement-cache.ts): planning cost more than running for most of them.
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    options: '-c jit=off',
    Client: statementCachingClient(),
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const db = drizzleNodePg(pool) as unknown as Db;
  return { db, engine: 'postgres', driver: { kind: 'postgres', pool, url }, close: () => pool.end() };
}

/**
 * The embedded database in a data directory did not start: the files are damaged (a disk fault, files changed or
 * removed by hand, a copy taken while it ran). The message names the directory and what to do, never data.
 */
export class EmbeddedDatabaseStartError extends Error {
  constructor(
    readonly dataDir: string,
    cause: unknown,
  ) {
    const detail = (cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause))
      .split('\n')[0]!
      .replace(/ Build with -s\w+ for more info\.?$/, '')
      .slice(0, 160);
    super(
      `The embedded database in ${dataDir} did not start (${detail}). Its files may be damaged: restore the latest backup with \`custodian restore FILE --force\` (the damaged directory is moved aside, not deleted; README, "Backup and restore").`,
      { cause },
    );
    this.name = 'EmbeddedDatabaseStartError';
  }
}

export async function openPglite(
  dataDir: string | null,
  /** `lockHeld`: the caller already holds the data directory's lock (a restore swapping directories). */
  options: { loadDataDir?: Blob; lockHeld?: boolean } = {},
): Promise<Database> {
  let lock: DataDirLock | null = null;
  if (dataDir && !options.lockHeld) lock = acquireDataDirLock(dataDir);
  try {
    const client = await PGlite.create({
      ...(dataDir ? { dataDir } : {}),
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    }).catch((err: unknown) => {
      // A backup being unpacked (loadDataDir) has its own errors; an existing directory that does not start is this.
      throw dataDir && !options.loadDataDir ? new EmbeddedDatabaseStartError(dataDir, err) : err;
    });
    // The same for PGlite's uuid[] parser (100,000 ids: 105-190 ms -> 75-90 ms).
    const parseAnyPgliteUuidArray = client.parsers[UUID_ARRAY_OID];
    if (parseAnyPgliteUuidArray)
      client.parsers[UUID_ARRAY_OID] = (v: string, typeId?: number) =>
        parseUuidArrayLiteral(v) ?? parseAnyPgliteUuidArray(v, typeId);
    const db = drizzlePglite(client) as unknown as Db;
    return {
      db,
      engine: 'pglite',
      driver: { kind: 'pglite', client },
      close: async () => {
        await client.close();
        lock?.release();
      },
    };
  } catch (err) {
    lock?.release();
    throw err;
  }
}

/** Rows of a raw statement, the same shape on both drivers. */
export async function queryRows<T>(ex: Executor, query: SQL): Promise<T[]> {
  const result = (await ex.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/** Rows changed by a raw statement: PGlite says affectedRows, pg says rowCount. */
export async function execute(ex: Executor, query: SQL): Promise<number> {
  const result = (await ex.execute(query)) as unknown as { rowCount?: number | null; affectedRows?: number };
  return result.rowCount ?? result.affectedRows ?? 0;
}

export function transaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  // Inside `work`, use only `tx`: PGlite has one connection and the outer `db` would wait forever.
  return db.transaction(work);
}
