import { type Company, restrictedValue } from '@custodian/contracts';
import { companyEntity, restrictedFields } from '../../catalog/index.js';
import type { RequestContext } from '../../platform/access.js';
import { type CustomFieldRow, presentCustomValues } from '../custom-fields/index.js';
import type { CompanyRecord } from './repository.js';

export function presentCompany(
  ctx: RequestContext,
  { row, name, customFields }: CompanyRecord,
  defs: readonly CustomFieldRow[],
): Company {
  const hidden = restrictedFields(companyEntity, ctx);
  const custom = presentCustomValues(defs, customFields, ctx);
  return {
    id: row.id,
    name: hidden.has('name') ? restrictedValue : name,
    domain: row.domain,
    industry: row.industry,
    size: row.size as Company['size'],
    city: row.city,
    country: row.country,
    ownerId: row.ownerId,
    customFields: custom.values,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    restricted: [...hidden, ...custom.restricted].sort(),
  };
}
