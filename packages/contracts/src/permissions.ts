import { z } from 'zod';

/**
 * Categories of personal data, as the data catalog classifies every field. `special` is GDPR Art. 9
 * (with its kind); `children` is data about people under the age of digital consent.
 */
export const dataCategories = [
  'identity',
  'contact',
  'location',
  'online_identifier',
  'financial',
  'professional',
  'behavioural',
  'special',
  'children',
] as const;
export type DataCategory = (typeof dataCategories)[number];
export const dataCategorySchema = z.enum(dataCategories);

/** The permission that reveals a category in clear; without it the field is masked. */
export type RevealPermission = `reveal:${DataCategory}`;
const revealPermissions = dataCategories.map((c) => `reveal:${c}` as const);
export const revealPermissionOf = (category: DataCategory): RevealPermission => `reveal:${category}`;

/** Every permission the system knows. Roles are sets of these; API token scopes are subsets of them. */
export const permissions = [
  'users:read',
  'users:manage',
  'tokens:own',
  'tokens:all',
  'audit:read',
  'roles:read',
  'catalog:read',
  'fields:manage',
  'purposes:manage',
  'contacts:read',
  'contacts:write',
  'contacts:delete',
  'contacts:import',
  'contacts:export',
  'consents:record',
  'requests:read',
  'requests:manage',
  'retention:read',
  'retention:manage',
  'pseudonyms:manage',
  'recipients:read',
  'recipients:manage',
  'breaches:manage',
  'dpias:manage',
  'segments:manage',
  'campaigns:manage',
  'scoring:manage',
  'webhooks:manage',
  'companies:read',
  'companies:write',
  'deals:read',
  'deals:write',
  'pipelines:manage',
  'activities:read',
  'activities:write',
  'tasks:read',
  'tasks:write',
  ...revealPermissions,
] as const;
export type Permission = (typeof permissions)[number];
export const permissionSchema = z.enum(permissions);

export const roles = ['admin', 'dpo', 'sales', 'marketing', 'support', 'readonly'] as const;
export type Role = (typeof roles)[number];
export const roleSchema = z.enum(roles);
