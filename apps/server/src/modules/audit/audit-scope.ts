import { type AuditAccess, type DataCategory, dataCategories } from '@custodian/contracts';
import { catalog } from '../../catalog/declarations.js';
import { restrictedFields } from '../../catalog/masking.js';
import type { EntityDeclaration } from '../../catalog/types.js';
import type { RequestContext } from '../../platform/access.js';

/**
 * What an entry naming people says about their data: whether it was read or changed, and which catalog
 * categories. Recorded with the entry (and covered by its MAC) so that an impact assessment after a breach
 * counts from the trail alone, as the data and the roles were at the time.
 */
export interface AuditScope {
  access: AuditAccess | null;
  categories: DataCategory[];
}

/** The last word of an action (`contact.update` → `update`) that makes it a change; every other is a read. */
export const changeVerbs = new Set([
  'create',
  'update',
  'delete',
  'deleted',
  'merge',
  'import',
  'erase',
  'confirmed',
  'record',
  'redacted',
  'unlinked',
  'crypto_shred',
  'delete_fields',
  'delete_record',
  'anonymise',
  'add',
  'lift',
  'restore',
  'reclassified',
  'rectify',
  'restrict',
  'rotate',
]);

export function accessOf(action: string): AuditAccess {
  const verb = action.slice(action.lastIndexOf('.') + 1);
  return changeVerbs.has(verb) ? 'change' : 'read';
}

const byEntity = new Map<string, EntityDeclaration>(catalog.map((e) => [e.entity, e]));

function categoriesOf(entity: EntityDeclaration, fields?: Set<string>): DataCategory[] {
  const found = new Set<DataCategory>();
  for (const [field, decl] of Object.entries(entity.personal))
    if (!fields?.has(field)) found.add(decl.category);
  return dataCategories.filter((c) => found.has(c));
}

/**
 * A read reveals the categories of the entity's fields the caller saw in clear (role and purpose, as the
 * masking decides); a change may touch any of the entity's categories. A record without personal fields of
 * its own that names people (a deal, a request's history) reveals at least who they are: `identity`.
 */
export function scopeOf(
  ctx: RequestContext,
  event: { action: string; entityType: string; access?: AuditAccess; categories?: readonly DataCategory[] },
  subjects: number,
): AuditScope {
  if (subjects === 0) return { access: null, categories: [] };
  const access = event.access ?? accessOf(event.action);
  if (event.categories)
    return { access, categories: dataCategories.filter((c) => event.categories!.includes(c)) };
  const entity = byEntity.get(event.entityType);
  if (!entity || Object.keys(entity.personal).length === 0) return { access, categories: ['identity'] };
  const categories = categoriesOf(entity, access === 'read' ? restrictedFields(entity, ctx) : undefined);
  return { access, categories };
}
