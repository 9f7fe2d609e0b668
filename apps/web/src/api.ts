import type { Me, Problem, Purpose } from '@custodian/contracts';

/** An API error as the server describes it (RFC 9457), with the fields at fault. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }
}

function csrfToken(): string | null {
  const match = document.cookie.match(/(?:^|;\s*)custodian_csrf=([^;]+)/);
  return match ? decodeURIComponent(match[1] ?? '') : null;
}

/**
 * A JSON call; a FormData body goes as multipart/form-data (the browser sets its boundary). `purpose` names the
 * purpose of the read (`X-Purpose`) when it is not the role's default, e.g. `profiling` for lead scores.
 */
export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  options: { purpose?: Purpose } = {},
): Promise<T> {
  const headers: Record<string, string> = {};
  if (options.purpose) headers['x-purpose'] = options.purpose;
  const form = body instanceof FormData;
  if (body !== undefined && !form) headers['content-type'] = 'application/json';
  const csrf = csrfToken();
  if (csrf && method !== 'GET') headers['x-csrf-token'] = csrf;
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: form ? body : JSON.stringify(body) } : {}),
  });
  if (res.status === 204) return undefined as T;
  const data = await res.json();
  if (!res.ok) throw new ApiError(data as Problem);
  return data as T;
}

export const getMe = () => api<Me>('GET', '/api/v1/auth/me');

/** `path?name=value…` with the empty and undefined values left out. */
export function withQuery(path: string, params: Record<string, string | number | undefined | null>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') query.set(name, String(value));
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}
