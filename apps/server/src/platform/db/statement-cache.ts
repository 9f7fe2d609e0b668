import { createHash } from 'node:crypto';
import pg from 'pg';

/**
 * A pg client that prepares its statements on the server, once per connection, the way pgx, Npgsql and the JDBC
 * driver do. node-postgres sends every unnamed statement through the planner again; for Custodian's short
 * statements planning costs far more than running them (reading one contact with its tags and key: 0.37 ms to
 * plan, 0.04 ms to run, measured with pgbench). A named statement is planned a few times, after which PostgreSQL
 * keeps a generic plan when it is no dearer than the custom ones (`plan_cache_mode = auto`), so the planner stays
 * out of the hot paths. Drizzle writes the same text for the same shape of query, so the text names the statement.
 *
 * Bounds, since every prepared statement holds memory in the server's backend for the connection's life:
 * statements with many parameters (bulk inserts, long `in` lists: a new text for every length) are not prepared,
 * and each connection prepares at most `limit` statements; after that, new texts run unnamed as before. Nothing
 * is ever deallocated, so no statement can vanish under a query that expects it.
 */
export interface StatementCacheOptions {
  /** Statements prepared on one connection at most. */
  limit: number;
  /** Statements with more parameters than this run unnamed. */
  maxParameters: number;
}

export const defaultStatementCache: StatementCacheOptions = { limit: 256, maxParameters: 32 };

interface QueryConfigLike {
  text?: unknown;
  name?: unknown;
  values?: unknown;
  submit?: unknown;
}

/** A `pg.Client` class for `new pg.Pool({ Client })` that names the statements it may prepare. */
export function statementCachingClient(
  options: StatementCacheOptions = defaultStatementCache,
): typeof pg.Client {
  class StatementCachingClient extends pg.Client {
    /** Texts this connection has named, to their names. */
    readonly prepared = new Map<string, string>();

    nameFor(text: string, parameters: number): string | undefined {
      const known = this.prepared.get(text);
      if (known) return known;
      if (parameters > options.maxParameters || this.prepared.size >= options.limit) return undefined;
      // A digest of the text: the same on every connection, distinct for distinct texts.
      const name = `c_${createHash('sha1').update(text).digest('base64url')}`;
      this.prepared.set(text, name);
      return name;
    }
  }
  // `query` has a dozen overloads; the ones to wrap are a text or a config object (what Drizzle passes) with the
  // values beside it or inside it. Anything else (a Submittable such as a cursor, a config with a name of its own)
  // goes through untouched.
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  Object.defineProperty(StatementCachingClient.prototype, 'query', {
    value(this: StatementCachingClient, config: unknown, ...rest: unknown[]) {
      const c: QueryConfigLike | null =
        typeof config === 'string' ? { text: config } : config && typeof config === 'object' ? config : null;
      if (c && typeof c.text === 'string' && c.name === undefined && typeof c.submit !== 'function') {
        const values = Array.isArray(rest[0]) ? rest[0] : Array.isArray(c.values) ? c.values : [];
        // Statements without parameters are mostly utility statements here (begin, commit, set): left alone.
        const name = values.length > 0 ? this.nameFor(c.text, values.length) : undefined;
        if (name) return query.call(this, { ...c, name }, ...rest);
      }
      return query.call(this, config, ...rest);
    },
    writable: true,
    configurable: true,
  });
  return StatementCachingClient;
}
