import type { Permission, Purpose, Role } from '@custodian/contracts';
import { AppError } from './http/errors.js';

/** Permissions as data: what each role may do. Use cases check these; routes check them too, earlier. */
const everyone = ['roles:read', 'catalog:read'] as const;
const readCrm = ['contacts:read', 'companies:read', 'deals:read', 'activities:read', 'tasks:read'] as const;
const workCrm = [
  ...readCrm,
  'consents:record',
  'contacts:write',
  'companies:write',
  'deals:write',
  'activities:write',
  'tasks:write',
] as const;
export const rolePermissions = {
  admin: [
    ...everyone,
    'users:read',
    'users:manage',
    'tokens:own',
    'tokens:all',
    'audit:read',
    ...workCrm,
    'segments:manage',
    'campaigns:manage',
    'scoring:manage',
    'requests:read',
    'requests:manage',
    'retention:read',
    'retention:manage',
    'pseudonyms:manage',
    'recipients:read',
    'recipients:manage',
    'breaches:manage',
    'dpias:manage',
    'webhooks:manage',
    'contacts:delete',
    'contacts:import',
    'contacts:export',
    'pipelines:manage',
    'fields:manage',
    'purposes:manage',
    'reveal:identity',
    'reveal:contact',
    'reveal:location',
    'reveal:online_identifier',
    'reveal:financial',
    'reveal:professional',
    'reveal:behavioural',
  ],
  // The privacy officer answers access requests: every category, special ones included.
  dpo: [
    ...everyone,
    'users:read',
    'tokens:own',
    'audit:read',
    ...workCrm,
    'segments:manage',
    'requests:read',
    'requests:manage',
    'retention:read',
    'retention:manage',
    'pseudonyms:manage',
    'recipients:read',
    'recipients:manage',
    'breaches:manage',
    'dpias:manage',
    'webhooks:manage',
    'contacts:delete',
    'fields:manage',
    'purposes:manage',
    'contacts:export',
    'reveal:identity',
    'reveal:contact',
    'reveal:location',
    'reveal:online_identifier',
    'reveal:financial',
    'reveal:professional',
    'reveal:behavioural',
    'reveal:special',
    'reveal:children',
  ],
  sales: [
    ...everyone,
    'tokens:own',
    ...workCrm,
    'segments:manage',
    'contacts:import',
    'contacts:export',
    'reveal:identity',
    'reveal:contact',
    'reveal:location',
    'reveal:professional',
    'reveal:behavioural',
  ],
  marketing: [
    ...everyone,
    'tokens:own',
    ...workCrm,
    'segments:manage',
    'campaigns:manage',
    'scoring:manage',
    'contacts:import',
    'contacts:export',
    'reveal:identity',
    'reveal:contact',
    'reveal:professional',
    'reveal:behavioural',
  ],
  support: [
    ...everyone,
    'tokens:own',
    ...readCrm,
    'contacts:write',
    'consents:record',
    'activities:write',
    'tasks:write',
    'reveal:identity',
    'reveal:contact',
    'reveal:location',
    'reveal:behavioural',
  ],
  // Sees who is in the CRM, but no way to reach them.
  readonly: [...everyone, ...readCrm, 'reveal:identity', 'reveal:professional'],
} as const satisfies Record<Role, readonly Permission[]>;

/** The purpose a role's requests are made under when they do not name one in `X-Purpose`. */
export const defaultPurposeOf = {
  admin: 'sales_follow_up',
  dpo: 'data_subject_rights',
  sales: 'sales_follow_up',
  marketing: 'marketing_email',
  support: 'customer_support',
  readonly: 'sales_follow_up',
} as const satisfies Record<Role, Purpose>;

export function permissionsOf(role: Role): ReadonlySet<Permission> {
  return new Set<Permission>(rolePermissions[role]);
}

/** Who is acting. A token acts for its user, with at most the token's scopes. */
export type Actor =
  | { kind: 'user'; userId: string; role: Role; permissions: ReadonlySet<Permission>; sessionId: string }
  | { kind: 'token'; userId: string; role: Role; permissions: ReadonlySet<Permission>; tokenId: string }
  | { kind: 'system'; name: string }
  | { kind: 'anonymous' };

export type StaffActor = Extract<Actor, { kind: 'user' | 'token' }>;

/** What every use case receives about the call: who, under which purpose, for which request. */
export interface RequestContext {
  actor: Actor;
  requestId: string | null;
  purpose: string | null;
}

export const systemContext = (name: string, requestId: string | null = null): RequestContext => ({
  actor: { kind: 'system', name },
  requestId,
  purpose: null,
});

export function hasPermission(actor: Actor, permission: Permission): boolean {
  if (actor.kind === 'system') return true;
  if (actor.kind === 'anonymous') return false;
  return actor.permissions.has(permission);
}

export function assertPermission(actor: Actor, permission: Permission): asserts actor is Actor {
  if (actor.kind === 'anonymous') throw new AppError('unauthenticated', 'Sign in or send an API token');
  if (!hasPermission(actor, permission))
    throw new AppError('forbidden', 'You do not have permission to do this');
}

export function assertStaff(actor: Actor): StaffActor {
  if (actor.kind === 'user' || actor.kind === 'token') return actor;
  throw new AppError('unauthenticated', 'Sign in or send an API token');
}
