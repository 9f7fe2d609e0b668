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
  /** Where something was found: table and column names with counts, never the values. */
  hits: { table: string; column: string; rows: number }[];
}

interface Column {
  table_name: string;
  column_name: string;
  data_type: string;
  udt_name: string;
}

/**
 * Scans every column of every table of the schema that can hold an identifier or a token (uuids, bigints,
 * text, JSON and their arrays) for any of the traces, one statement per table. Ciphertext, hashes, times
 * and counts cannot hold them and are skipped. `skip` names tables left out by design (the audit trail).
 */
export async function scanForTraces(
  ex: Executor,
  traces: Traces,
  skip: readonly string[],
): Promise<ScanResult> {
  const columns = await queryRows<Column>(
    ex,
    sql`select table_name, column_name, data_type, udt_name from information_schema.columns
        where table_schema = current_schema()
          and table_name in (select table_name from information_schema.tables
                             where table_schema = current_schema() and table_type = 'BASE TABLE')
        order by table_name, ordinal_position`,
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

  const byTable = new Map<string, { column: string; predicate: SQL }[]>();
  for (const c of columns) {
    if (skip.includes(c.table_name)) continue;
    const list = byTable.get(c.table_name) ?? [];
    byTable.set(c.table_name, list);
    const predicate = predicateOf(c);
    if (predicate) list.push({ column: c.column_name, predicate });
  }

  const result: ScanResult = { tablesScanned: byTable.size, columnsScanned: 0, hits: [] };
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
