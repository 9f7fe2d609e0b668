import { z } from 'zod';
import { defineEndpoint, requires } from './endpoint.js';
import { dataCategorySchema, permissionSchema } from './permissions.js';
import { purposeSchema } from './purposes.js';

/** GDPR Art. 9(1) special categories; a special-category field names its kind. */
export const specialKinds = [
  'racial_or_ethnic_origin',
  'political_opinions',
  'religious_or_philosophical_beliefs',
  'trade_union_membership',
  'genetic',
  'biometric',
  'health',
  'sex_life_or_orientation',
] as const;
export const specialKindSchema = z.enum(specialKinds);
export type SpecialKind = z.infer<typeof specialKindSchema>;

/**
 * How a field is stored: encrypted under the person's own key, optionally with a blind index (keyed
 * hashes) for exact or word-prefix search. `plain` is only for data that is not personal.
 */
export const protections = ['encrypted', 'encrypted_exact_index', 'encrypted_prefix_index', 'plain'] as const;
export const protectionSchema = z.enum(protections);
export type Protection = z.infer<typeof protectionSchema>;

/** How long data of a field may be kept; the retention issue attaches periods and triggers to these. */
export const retentionClasses = [
  'relationship', // while the business relationship lasts, then per policy
  'marketing', // while consent or legitimate interest lasts
  'staff_account', // while the staff member has an account, then per policy
  'security_log', // short-lived security records
  'legal_record', // kept for a legal obligation (audit trail, DSR records)
] as const;
export const retentionClassSchema = z.enum(retentionClasses);
export type RetentionClass = z.infer<typeof retentionClassSchema>;

export const catalogFieldSchema = z.object({
  field: z.string(),
  label: z.string(),
  description: z.string(),
  category: dataCategorySchema,
  specialKind: specialKindSchema.nullable(),
  protection: protectionSchema,
  /** The columns that hold it: the ciphertext and, for indexed fields, the blind-index tokens. */
  columns: z.array(z.string()),
  purposes: z.array(purposeSchema),
  retention: retentionClassSchema,
  revealPermission: permissionSchema,
});
export type CatalogField = z.infer<typeof catalogFieldSchema>;

export const catalogEntitySchema = z.object({
  entity: z.string(),
  table: z.string(),
  description: z.string(),
  /** The column naming the data subject whose key encrypts the personal fields; null if none. */
  subjectColumn: z.string().nullable(),
  personalFields: z.array(catalogFieldSchema),
  notPersonal: z.array(z.object({ column: z.string(), reason: z.string() })),
  /** Columns that once held personal data in clear, emptied at start-up and awaiting removal. */
  retired: z.array(z.object({ column: z.string(), reason: z.string() })),
});
export type CatalogEntity = z.infer<typeof catalogEntitySchema>;

export const catalogSchema = z.object({
  entities: z.array(catalogEntitySchema),
  purposes: z.array(purposeSchema),
});

export const getCatalog = defineEndpoint({
  method: 'GET',
  path: '/api/v1/catalog',
  summary:
    'The data catalog: every table, every personal field with its category, protection, purposes, retention and the permission that reveals it, and why every other column is not personal',
  tags: ['catalog'],
  access: requires('catalog:read'),
  response: { 200: catalogSchema },
});
