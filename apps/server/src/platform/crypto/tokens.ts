import { randomBytes } from 'node:crypto';

/** A random secret of 256 bits, URL-safe, with a short prefix naming its kind (`cst_` for API tokens). */
export function randomSecret(prefix = ''): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}
