import { anyCaseUuid } from '../db/ids.js';
import { AppError } from './errors.js';

/** Opaque cursors: base64url JSON of the sort key of the last row seen. */
export function encodeCursor(value: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor(
  cursor: string | undefined,
  shape: readonly ('string' | 'number')[],
): (string | number)[] | null {
  if (cursor === undefined) return null;
  const invalid = () =>
    new AppError('validation_failed', 'The cursor is invalid', {
      details: [{ field: 'querystring.cursor', issue: 'is not a cursor this endpoint issued' }],
    });
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== shape.length) throw invalid();
  parsed.forEach((v, i) => {
    if (typeof v !== shape[i]) throw invalid();
  });
  return parsed as (string | number)[];
}

/** A keyset position of (time, id), checked so that nothing malformed reaches SQL. */
export function decodeTimeIdCursor(cursor: string | undefined): { at: string; id: string } | null {
  const decoded = decodeCursor(cursor, ['string', 'string']);
  if (!decoded) return null;
  const [at, id] = decoded as [string, string];
  if (Number.isNaN(Date.parse(at)) || !anyCaseUuid.test(id)) decodeCursor('invalid', ['string']);
  return { at, id };
}

export const encodeTimeIdCursor = (at: Date, id: string) => encodeCursor([at.toISOString(), id]);
