import { type CatalogEntity, purposes, revealPermissionOf } from '@custodian/contracts';
import { catalog } from './declarations.js';
import type { EntityDeclaration } from './types.js';

export function describeEntity(entity: EntityDeclaration): CatalogEntity {
  return {
    entity: entity.entity,
    table: entity.table,
    description: entity.description,
    subjectColumn: entity.subjectColumn,
    personalFields: Object.entries(entity.personal).map(([field, d]) => ({
      field,
      label: d.label,
      description: d.description,
      category: d.category,
      specialKind: d.specialKind ?? null,
      protection: d.protection,
      columns: d.index ? [d.column, d.index.column] : [d.column],
      purposes: [...d.purposes],
      retention: d.retention,
      revealPermission: d.reveal ?? revealPermissionOf(d.category),
    })),
    notPersonal: Object.entries(entity.notPersonal).map(([column, reason]) => ({ column, reason })),
    retired: Object.entries(entity.retired ?? {}).map(([column, reason]) => ({ column, reason })),
  };
}

/** The catalog as the API, the UI and the records of processing read it. */
export function describeCatalog(): { entities: CatalogEntity[]; purposes: (typeof purposes)[number][] } {
  return { entities: catalog.map(describeEntity), purposes: [...purposes] };
}
