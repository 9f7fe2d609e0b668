import { AppError } from '../http/errors.js';

/** The PostgreSQL error under a Drizzle error (Drizzle wraps driver errors in DrizzleQueryError). */
function pgError(err: unknown): { code?: string; constraint?: string } | null {
  let e: unknown = err;
  for (let depth = 0; depth < 3 && e && typeof e === 'object'; depth++) {
    const candidate = e as { code?: unknown; constraint?: unknown; cause?: unknown };
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code)) {
      return {
        code: candidate.code,
        constraint: typeof candidate.constraint === 'string' ? candidate.constraint : undefined,
      };
    }
    e = candidate.cause;
  }
  return null;
}

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const pg = pgError(err);
  return pg?.code === '23505' && (constraint === undefined || pg.constraint === constraint);
}

export function isForeignKeyViolation(err: unknown): boolean {
  return pgError(err)?.code === '23503';
}

/** The database refused a value as text it cannot hold: 22021 invalid byte sequence (e.g. NUL), 22P05 untranslatable. */
export function isDatabaseInputError(err: unknown): boolean {
  const code = pgError(err)?.code;
  return code === '22021' || code === '22P05';
}

/** The database refused a number as out of its column's range (22003): a contract without the column's bound. */
export function isNumberOutOfRange(err: unknown): boolean {
  return pgError(err)?.code === '22003';
}

/** The name of the foreign-key constraint a statement violated, or null. */
export function violatedForeignKey(err: unknown): string | null {
  const pg = pgError(err);
  return pg?.code === '23503' ? (pg.constraint ?? null) : null;
}

/**
 * Turns a violated foreign key into the 400 a client can act on, naming the field behind the constraint
 * (`fieldOf` maps constraint names to request fields); any other error is rethrown as it is.
 */
export function rethrowMissingLink(err: unknown, fieldOf: Readonly<Record<string, string>>): never {
  const constraint = violatedForeignKey(err);
  if (constraint)
    throw new AppError('validation_failed', 'A linked record does not exist', {
      details: [{ field: fieldOf[constraint] ?? 'body', issue: 'names a record that does not exist' }],
    });
  throw err;
}
