import { asc, eq } from 'drizzle-orm';
import type { Executor } from '../../platform/db/database.js';
import { isUniqueViolation } from '../../platform/db/errors.js';
import { conflict } from '../../platform/http/errors.js';
import { customFields } from './schema.js';

export type CustomFieldRow = typeof customFields.$inferSelect;

export async function insertCustomField(
  ex: Executor,
  values: Omit<CustomFieldRow, 'id' | 'createdAt'>,
): Promise<CustomFieldRow> {
  try {
    const [row] = await ex.insert(customFields).values(values).returning();
    return row!;
  } catch (err) {
    if (isUniqueViolation(err, 'custom_fields_entity_key'))
      throw conflict('body.key', 'is already a custom field of this entity');
    throw err;
  }
}

export async function listCustomFieldRows(ex: Executor, entity?: string): Promise<CustomFieldRow[]> {
  const query = ex.select().from(customFields);
  return (entity ? query.where(eq(customFields.entity, entity)) : query).orderBy(
    asc(customFields.entity),
    asc(customFields.createdAt),
  );
}

export async function findCustomFieldRow(ex: Executor, id: string): Promise<CustomFieldRow | null> {
  const [row] = await ex.select().from(customFields).where(eq(customFields.id, id));
  return row ?? null;
}
