import type { CustomField, DefineCustomFieldInput } from '@custodian/contracts';
import { relationshipPurposes } from '../../catalog/purposes.js';
import { assertPermission, type RequestContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Db, transaction } from '../../platform/db/database.js';
import { notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { invalidateCustomFieldRows } from './definition-cache.js';
import {
  type CustomFieldRow,
  findCustomFieldRow,
  insertCustomField,
  listCustomFieldRows,
} from './repository.js';

export function presentCustomField(row: CustomFieldRow): CustomField {
  return {
    id: row.id,
    entity: row.entity as CustomField['entity'],
    key: row.key,
    label: row.label,
    type: row.type as CustomField['type'],
    options: row.options ?? null,
    personal: row.category !== null,
    category: row.category as CustomField['category'],
    specialKind: row.specialKind as CustomField['specialKind'],
    purposes: row.purposes as CustomField['purposes'],
    createdAt: row.createdAt.toISOString(),
  };
}

interface Deps {
  db: Db;
  keys: KeyRing;
  ctx: RequestContext;
}

export async function defineCustomField({ db, keys, ctx, input }: Deps & { input: DefineCustomFieldInput }) {
  assertPermission(ctx.actor, 'fields:manage');
  try {
    return await transaction(db, async (tx) => {
      const row = await insertCustomField(tx, {
        entity: input.entity,
        key: input.key,
        label: input.label,
        type: input.type,
        options: input.options ?? null,
        category: input.personal ? (input.category ?? null) : null,
        specialKind: input.specialKind ?? null,
        purposes: input.purposes ?? [...relationshipPurposes],
      });
      await recordAudit(tx, keys, ctx, {
        action: 'catalog.field.define',
        entityType: 'customField',
        entityId: row.id,
      });
      return presentCustomField(row);
    });
  } finally {
    // After the commit (or the rollback): the next read in this process sees the definitions as they are now.
    invalidateCustomFieldRows(db);
  }
}

export async function findCustomFields({ db, ctx, entity }: Deps & { entity?: string | undefined }) {
  assertPermission(ctx.actor, 'catalog:read');
  return { items: (await listCustomFieldRows(db, entity)).map(presentCustomField) };
}

export async function getCustomField({ db, ctx, id }: Deps & { id: string }) {
  assertPermission(ctx.actor, 'catalog:read');
  const row = await findCustomFieldRow(db, id);
  if (!row) throw notFound('custom field');
  return presentCustomField(row);
}
