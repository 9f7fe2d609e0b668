import type { z } from 'zod';
import type { Permission } from './permissions.js';

/**
 * Who may call an endpoint: anyone, any signed-in user or API token, only a signed-in user (a session: a person at
 * the keyboard, never a token), or holders of one permission.
 * Every endpoint declares this; the server refuses to register one that does not.
 */
export type Access =
  | { kind: 'public' }
  | { kind: 'authenticated' }
  | { kind: 'session' }
  | { kind: 'permission'; permission: Permission };

export const publicAccess: Access = { kind: 'public' };
export const authenticated: Access = { kind: 'authenticated' };
/** A signed-in user only: an API token is refused with 403 (changes to the account's own sign-in, such as MFA). */
export const sessionOnly: Access = { kind: 'session' };
export const requires = (permission: Permission): Access => ({ kind: 'permission', permission });

export interface EndpointContract {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Fastify path syntax: `/api/v1/users/:id`. */
  path: string;
  summary: string;
  tags: readonly string[];
  access: Access;
  params?: z.ZodType;
  querystring?: z.ZodType;
  body?: z.ZodType;
  response: Readonly<Record<number, z.ZodType>>;
}

export const defineEndpoint = <const T extends EndpointContract>(contract: T): T => contract;
