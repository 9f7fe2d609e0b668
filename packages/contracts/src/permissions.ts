import { z } from 'zod';

/** Every permission the system knows. Roles are sets of these; API token scopes are subsets of them. */
export const permissions = [
  'users:read',
  'users:manage',
  'tokens:own',
  'tokens:all',
  'audit:read',
  'roles:read',
] as const;
export type Permission = (typeof permissions)[number];
export const permissionSchema = z.enum(permissions);

export const roles = ['admin', 'dpo', 'sales', 'marketing', 'support', 'readonly'] as const;
export type Role = (typeof roles)[number];
export const roleSchema = z.enum(roles);
