import { z } from 'zod';
import { retentionClassSchema } from './catalog.js';
import { isoDateTime } from './common.js';
import { defineEndpoint, requires } from './endpoint.js';
import { dataCategorySchema } from './permissions.js';
import { purposeSchema } from './purposes.js';

/**
 * The data inventory: for every table holding personal data and every catalog category in it, how many records
 * and people, the oldest record, the purposes that use it and when retention next acts on it. Counted live
 * from the database through the catalog, never typed in.
 */
export const inventoryRowSchema = z.object({
  entity: z.string(),
  table: z.string(),
  category: dataCategorySchema,
  /** The catalog fields of this category in the table. */
  fields: z.array(z.string()),
  purposes: z.array(purposeSchema),
  retention: retentionClassSchema,
  /** Records holding data of the category. */
  records: z.number().int(),
  /** The people those records are about; null where a record may be about no person (companies). */
  people: z.number().int().nullable(),
  oldestRecordAt: isoDateTime.nullable(),
  /** The earliest date an enabled retention policy acts on one of these records; null when none will. */
  nextRetentionAt: isoDateTime.nullable(),
  /** The enabled policies that end data of this category in this table. */
  policyIds: z.array(z.uuid()),
});
export type InventoryRow = z.infer<typeof inventoryRowSchema>;

export const inventorySchema = z.object({
  generatedAt: isoDateTime,
  rows: z.array(inventoryRowSchema),
});
export type Inventory = z.infer<typeof inventorySchema>;

export const getInventory = defineEndpoint({
  method: 'GET',
  path: '/api/v1/inventory',
  summary:
    'The data inventory, per table and catalog category: records, people, oldest record, purposes, retention class and the next date retention acts',
  tags: ['privacy'],
  access: requires('retention:read'),
  response: { 200: inventorySchema },
});

export const getInventoryCsv = defineEndpoint({
  method: 'GET',
  path: '/api/v1/inventory.csv',
  summary: 'The data inventory as CSV, one row per purpose, category and table',
  tags: ['privacy'],
  access: requires('retention:read'),
  response: { 200: z.string().describe('CSV (RFC 4180), UTF-8, with a header row') },
});
