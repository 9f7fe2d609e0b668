import { type SQL, sql } from 'drizzle-orm';
import { arrayParam } from '../../platform/db/bulk.js';
import { type Executor, queryRows } from '../../platform/db/database.js';
import { lowercaseUuid, uuidSource } from '../../platform/db/ids.js';

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
   * an identifier the referenced column holds too, and that column is scanned or proved in turn), a declared
   * maximum length shorter than every trace, or a CHECK allowing only values none of which contains a trace.
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
  /** The validated CHECK constraints on the column alone, as PostgreSQL prints them. */
  checks: string[];
  /** Whether an index leads with the column that `= any(…)` (btree) or `&&` (GIN, for arrays) can use. */
  indexed: boolean;
}

/**
 * Scans every column of every table of the schema that can hold an identifier or a token (uuids, bigints,
 * text, JSON and their arrays) for any of the traces, one statement per table. Ciphertext, hashes, times
 * and counts cannot hold them and are skipped, and so are the columns the schema proves free of them:
 *  - a foreign key column holds only values of the column it references, which is itself scanned (or proved
 *    by its own key, down to a column that is scanned): a trace there is found there, and undoes the erasure
 *    just the same. This spares the big link tables (activity_contacts, contact_tags...) a read;
 *  - a varchar whose declared length is shorter than every trace cannot contain one;
 *  - a text (or text array) that a CHECK restricts to a closed set of values (`in (…)`, `<@ array[…]`) cannot
 *    hold a trace none of those values contains.
 * What is left goes in two statements a table: the identifier and token columns with an index of their own, read
 * through those indexes, and the rest, whose whole table is read (cheaply when only short texts are left).
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
                 limit 1) as references,
               array(select pg_catalog.pg_get_constraintdef(k.oid) from pg_catalog.pg_constraint k
                     where k.conrelid = c.oid and k.contype = 'c' and k.conkey = array[a.attnum]
                       and k.convalidated) as checks,
               exists (select 1 from pg_catalog.pg_index x
                       join pg_catalog.pg_class i on i.oid = x.indexrelid
                       join pg_catalog.pg_am m on m.oid = i.relam
                       where x.indrelid = c.oid and x.indkey[0] = a.attnum and x.indisvalid
                         and m.amname = case when t.typname like '\\_%' then 'gin' else 'btree' end
                         and (x.indpred is null
                              or pg_catalog.pg_get_expr(x.indpred, x.indrelid)
                                 = format('(%I IS NOT NULL)', a.attname))) as indexed
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
  // And one regular expression spares nearly every remaining value the patterns: a text holding a trace holds
  // its shape (a uuid, or a run of digits as long as the shortest token). Comparing with each pattern costs
  // rows × traces, which for a person with a thousand activities is thousands of comparisons a value.
  const shape = shapeOf(traces);
  const contains = (text: SQL) =>
    shape === null
      ? sql`(length(${text}) >= ${shortest} and ${text} like any(${patterns}))`
      : sql`(length(${text}) >= ${shortest} and ${text} ~ ${shape} and ${text} like any(${patterns}))`;
  /** Whether the schema proves the column free of every trace (see above). */
  const proved = (c: Column): boolean =>
    (c.references !== null && !skip.includes(c.references)) ||
    (c.max_length !== null && texts.length > 0 && c.max_length < shortest) ||
    c.checks.some((def) => {
      const values = closedSetOf(def, c.column_name);
      return values?.every((v) => !texts.some((t) => v.includes(t))) ?? false;
    });
  const predicateOf = (c: Column): SQL | null => {
    const col = sql.identifier(c.column_name);
    // `is not null` lets the planner use a partial index (`where … is not null`) for a column mostly empty.
    if (traces.ids.length > 0 && c.udt_name === 'uuid')
      return sql`${col} is not null and ${col} = any(${ids})`;
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
  const byTable = new Map<string, { column: string; predicate: SQL; indexed: boolean }[]>();
  for (const c of columns) {
    if (skip.includes(c.table_name)) continue;
    const list = byTable.get(c.table_name) ?? [];
    byTable.set(c.table_name, list);
    const predicate = predicateOf(c);
    if (!predicate) continue;
    if (proved(c)) result.columnsProved++;
    else
      list.push({
        column: c.column_name,
        predicate,
        indexed: c.indexed && ['uuid', '_uuid', 'int8', '_int8'].includes(c.udt_name),
      });
  }
  result.tablesScanned = byTable.size;
  for (const [table, list] of byTable) {
    result.columnsScanned += list.length;
    // Apart, so that the indexed columns are read through their indexes (one bitmap for all of them) rather
    // than compared row by row in the scan the others need.
    for (const part of [list.filter((p) => p.indexed), list.filter((p) => !p.indexed)]) {
      if (part.length === 0) continue;
      const counts = sql.join(
        part.map((p, i) => sql`count(*) filter (where ${p.predicate})::int as ${sql.identifier(`c${i}`)}`),
        sql`, `,
      );
      const any = sql.join(
        part.map((p) => sql`(${p.predicate})`),
        sql` or `,
      );
      const [row] = await queryRows<Record<string, number>>(
        ex,
        sql`select ${counts} from ${sql.identifier(table)} where ${any}`,
      );
      part.forEach((p, i) => {
        const rows = Number(row?.[`c${i}`] ?? 0);
        if (rows > 0) result.hits.push({ table, column: p.column, rows });
      });
    }
  }
  return result;
}

/**
 * A regular expression every text containing one of the traces matches: the shape of a lowercase uuid for the
 * ids, a run of digits as long as the shortest token's for the tokens. Null when an id is not a lowercase uuid
 * (the patterns alone then decide).
 */
export function shapeOf(traces: Traces): string | null {
  if (!traces.ids.every((id) => lowercaseUuid.test(id))) return null;
  const shapes: string[] = [];
  if (traces.ids.length > 0) shapes.push(uuidSource);
  if (traces.tokens.length > 0) {
    const digits = Math.min(...traces.tokens.map((t) => (t < 0n ? -t : t).toString().length));
    shapes.push(`[0-9]{${digits}}`);
  }
  return shapes.length > 0 ? shapes.join('|') : null;
}

/**
 * The values a CHECK constraint restricts a column to, when it has one of the two shapes PostgreSQL prints for
 * `column in ('a', 'b')` and `column <@ array['a', 'b']::text[]`; null for any other constraint, which proves
 * nothing here.
 */
export function closedSetOf(definition: string, column: string): string[] | null {
  const name = `(?:${escapeRegExp(column)}|"${escapeRegExp(column.replace(/"/g, '""'))}")`;
  const match =
    new RegExp(`^CHECK \\(\\(${name} = ANY \\(ARRAY\\[(.*)\\]\\)\\)\\)$`).exec(definition) ??
    new RegExp(`^CHECK \\(\\(${name} <@ ARRAY\\[(.*)\\]\\)\\)$`).exec(definition);
  if (!match) return null;
  const element = /'((?:[^']|'')*)'::(?:text|character varying)/y;
  const values: string[] = [];
  const list = match[1]!;
  let at = 0;
  while (at < list.length) {
    element.lastIndex = at;
    const found = element.exec(list);
    if (!found) return null;
    values.push(found[1]!.replace(/''/g, "'"));
    at = element.lastIndex;
    if (at === list.length) break;
    if (!list.startsWith(', ', at)) return null;
    at += 2;
  }
  return values.length > 0 ? values : null;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
