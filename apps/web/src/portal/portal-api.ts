import type { PortalLanguage } from '@custodian/contracts';
import { ApiError } from '../api.js';
import type { Messages } from './i18n/index.js';

/** A JSON call of the public API (no session, no CSRF token), in the portal's language. */
export async function portalApi<T>(
  method: 'GET' | 'POST',
  path: string,
  lang: PortalLanguage,
  body?: unknown,
): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: {
      'accept-language': lang,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    credentials: 'omit',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    if (!data || typeof data !== 'object' || !('code' in data)) throw new Error('unexpected answer');
    throw new ApiError(data as ApiError['problem']);
  }
  return data as T;
}

export const problemCode = (error: unknown): string | null =>
  error instanceof ApiError ? error.problem.code : null;

/** A message for the person in their language, for what went wrong as a whole (not one field). */
export function generalError(error: unknown, t: Messages): string {
  const code = problemCode(error);
  if (code === 'rate_limited') return t.common.tooMany;
  if (code === 'validation_failed') return t.common.invalid;
  if (error instanceof ApiError) return error.problem.detail;
  return t.common.unreachable;
}

/** The problem with the issues of these fields put in the person's language (Field then shows them). */
export function localizeFields(error: unknown, issues: Record<string, string>): unknown {
  if (!(error instanceof ApiError) || !error.problem.errors) return error;
  return new ApiError({
    ...error.problem,
    errors: error.problem.errors.map((e) => ({ ...e, issue: issues[e.field] ?? e.issue })),
  });
}
