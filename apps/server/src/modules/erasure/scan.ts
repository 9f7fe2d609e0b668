import { type SQL, sql } from 'drizzle-orm';
import { arrayParam } from '../../platform/db/bulk.js';
import { type Executor, queryRows } from '../../platform/db/database.js';

/** What an erasure looks for afterwards: the person's former record ids and exact blind-index tokens. */
export interface Traces {
  ids: readonly string[];
  tokens: readonly bigint[];
}

export interface ScanResult {
  tablesScanned: number;
  columnsScanned: number;
  /**
   * Columns the schema itself proves free of the traces, left unread: a validated foreign key (it can only hold
   * an identifier the referenced column holds too, and that column is scanned or proved in turn), or a declared
   * maximum length shorter than every trace.
   */
  columnsProved: number;
  /** Where something was found: table and column names with counts, never the values. */
  hits: { table: string; column: string; rows: number }[];
}

interface Column {
  table_name: string;
  column_name: string;
  udt_name: string;
  /** The declared maximum length of a varchar (or of each element of a varchar array); null when unbounded. */
  max_length: number | null;
  /** The table a validated, immediate, single-column foreign key on the column references; null without one. */
  references: string | null;
}

/**
 * Scans every column of every table of the schema that can hold an identifier or a token (uuids, bigints,
 * text, JSON and their arrays) for any of the traces, one statement per table. Ciphertext, hashes, times
 * and counts cannot hold them and are skipped, and so are the columns the schema proves free of them:
 *  - a foreign key column holds only values of the column it references, which is itself scanned (or proved
 *    by its own key, down to a column that is scanned): a trace there is found there, and undoes the erasure
 *    just the same. This spares the big link tables (activity_contacts, contact_tags...) a read;
 *  - a varchar whose declared length is shorter than every trace cannot contain one.
 * What is left is read through its indexes where it has them; a table with an unindexed column is read whole.
 * `skip` names tables left out by design (the audit trail).
 */
export async function scanForTraces(
  ex: Executor,
  traces: Traces,
  skip: readonly string[],
): Promise<ScanResult> {
  const columns = await queryRows<Column>(
    ex,
    sql`select c.relname as table_name, a.attname as column_name, t.typname as udt_name,
               case when t.typname in ('varchar', '_varchar') and a.atttypmod > 4 then a.atttypmod - 4 end
                 as max_length,
               (select r.relname from pg_catalog.pg_constraint k join pg_catalog.pg_class r on r.oid = k.confrelid
                 where k.conrelid = c.oid and k.contype = 'f' and k.conkey = array[a.attnum]
                   and k.convalidated and not k.condeferrable
                 limit 1) as references
        from pg_catalog.pg_class c
        join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        join pg_catalog.pg_type t on t.oid = a.atttypid
        where c.relnamespace = current_schema()::regnamespace and c.relkind = 'r'
        order by c.relname, a.attnum`,
  );
  const ids = arrayParam(traces.ids, 'uuid');
  const tokens = arrayParam(traces.tokens, 'bigint');
  const texts = [...traces.ids, ...traces.tokens.map(String)];
  const patterns = arrayParam(
    texts.map((t) => `%${t}%`),
    'text',
  );
  // A text shorter than every trace cannot hold one: the length test spares most short values (states, kinds,
  // purposes) the comparison with each pattern, which costs rows × patterns.
  const shortest = Math.min(...texts.map((t) => t.length));
  const contains = (text: SQL) => sql`(length(${text}) >= ${shortest} and ${text} like any(${patterns}))`;
  /** Whether the schema proves the column free of every trace (see above). */
  const proved = (c: Column): boolean =>
    (c.references !== null && !skip.includes(c.references)) ||
    (c.max_length !== null && texts.length > 0 && c.max_length < shortest);
  const predicateOf = (c: Column): SQL | null => {
    const col = sql.identifier(c.column_name);
    if (traces.ids.length > 0 && c.udt_name === 'uuid') return sql`${col} = any(${ids})`;
    if (traces.ids.length > 0 && c.udt_name === '_uuid') return sql`${col} && ${ids}`;
    if (traces.tokens.length > 0 && c.udt_name === 'int8') return sql`${col} = any(${tokens})`;
    if (traces.tokens.length > 0 && c.udt_name === '_int8') return sql`${col} && ${tokens}`;
    if (texts.length === 0) return null;
    if (c.udt_name === 'text' || c.udt_name === 'varchar') return contains(sql`${col}::text`);
    if (c.udt_name === 'jsonb' || c.udt_name === 'json') return contains(sql`${col}::text`);
    if (c.udt_name === '_text' || c.udt_name === '_varchar')
      return contains(sql`array_to_string(${col}, ' ')`);
    return null;
  };

  const result: ScanResult = { tablesScanned: 0, columnsScanned: 0, columnsProved: 0, hits: [] };
  const byTable = new Map<string, { column: string; predicate: SQL }[]>();
  for (const c of columns) {
    if (skip.includes(c.table_name)) continue;
    const list = byTable.get(c.table_name) ?? [];
    byTable.set(c.table_name, list);
    const predicate = predicateOf(c);
    if (!predicate) continue;
    if (proved(c)) result.columnsProved++;
    else list.push({ column: c.column_name, predicate });
  }
  result.tablesScanned = byTable.size;
  for (const [table, list] of byTable) {
    if (list.length === 0) continue;
    result.columnsScanned += list.length;
    const counts = sql.join(
      list.map((p, i) => sql`count(*) filter (where ${p.predicate})::int as ${sql.identifier(`c${i}`)}`),
      sql`, `,
    );
    const any = sql.join(
      list.map((p) => sql`(${p.predicate})`),
      sql` or `,
    );
    const [row] = await queryRows<Record<string, number>>(
      ex,
      sql`select ${counts} from ${sql.identifier(table)} where ${any}`,
    );
    list.forEach((p, i) => {
      const rows = Number(row?.[`c${i}`] ?? 0);
      if (rows > 0) result.hits.push({ table, column: p.column, rows });
    });
  }
  return result;
}
