import { type Company, restrictedValue } from '@custodian/contracts';
import { companyEntity, restrictedFields } from '../../catalog/index.js';
import type { RequestContext } from '../../platform/access.js';
import type { CompanyRecord } from './repository.js';

export function presentCompany(ctx: RequestContext, { row, name }: CompanyRecord): Company {
  const hidden = restrictedFields(companyEntity, ctx);
  return {
    id: row.id,
    name: hidden.has('name') ? restrictedValue : name,
    domain: row.domain,
    industry: row.industry,
    size: row.size as Company['size'],
    city: row.city,
    country: row.country,
    ownerId: row.ownerId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    restricted: [...hidden].sort(),
  };
}
