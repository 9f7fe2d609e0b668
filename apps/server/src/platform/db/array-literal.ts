import { type SQL, sql } from 'drizzle-orm';

// Identifiers, timestamps, numbers, hex and keywords only: nothing that needs quoting inside an array literal.
const plain = /^[A-Za-z0-9_:.+-]*$/;

/**
 * One array parameter for bulk statements (`unnest(...)`): a PostgreSQL array literal of plain values, or NULL
 * for null. Bulk inserts send a column as one parameter instead of one per row and value, which spares the
 * query builder most of its work. Values that would need quoting are refused: a programming error, never data.
 */
export function arrayParam(values: readonly (string | number | null)[], type: string): SQL {
  const items = values.map((v) => {
    if (v === null) return 'NULL';
    const text = String(v);
    if (text === '' || !plain.test(text) || text.toUpperCase() === 'NULL')
      throw new Error('arrayParam takes plain values only');
    return text;
  });
  return sql`${`{${items.join(',')}}`}::${sql.raw(type)}[]`;
}

/** A bytea column as one parameter: hex text, decoded in SQL (`decode(x, 'hex')`). */
export const hexParam = (values: readonly (Buffer | null)[]): SQL =>
  arrayParam(
    values.map((v) => (v === null ? null : v.toString('hex'))),
    'text',
  );
