import { type Contact, restrictedValue } from '@custodian/contracts';
import { contactEntity, restrictedFields } from '../../catalog/index.js';
import type { RequestContext } from '../../platform/access.js';
import { type CustomFieldRow, presentCustomValues } from '../custom-fields/index.js';
import { isChildOn } from './contact-input.js';
import type { ContactRecord, Entry } from './repository.js';

const maskEntries = (list: Entry[]) => list.map((e) => ({ ...e, value: restrictedValue }));

/**
 * A contact as this caller may see it: fields the catalog does not let their role or purpose read come
 * back as "[restricted]" (the entry structure stays, the values go) and are listed in `restricted`.
 */
export function presentContact(
  ctx: RequestContext,
  record: ContactRecord,
  tags: string[],
  customFieldDefs: readonly CustomFieldRow[],
): Contact {
  const hidden = restrictedFields(contactEntity, ctx);
  const custom = presentCustomValues(customFieldDefs, record.personal.customFields, ctx);
  const { row, personal: p } = record;
  const text = (field: string, value: string | null) =>
    value !== null && hidden.has(field) ? restrictedValue : value;
  return {
    id: row.id,
    firstName: text('firstName', p.firstName),
    lastName: text('lastName', p.lastName),
    emails: hidden.has('emails') ? maskEntries(p.emails) : p.emails,
    phones: hidden.has('phones') ? maskEntries(p.phones) : p.phones,
    addresses: hidden.has('addresses')
      ? p.addresses.map((a) => ({
          label: a.label,
          street: a.street && restrictedValue,
          city: a.city && restrictedValue,
          region: a.region && restrictedValue,
          postalCode: a.postalCode && restrictedValue,
          country: a.country && restrictedValue,
        }))
      : p.addresses,
    jobTitle: text('jobTitle', p.jobTitle),
    dateOfBirth: text('dateOfBirth', p.dateOfBirth),
    isChild: hidden.has('dateOfBirth') ? null : isChildOn(p.dateOfBirth),
    ownerId: row.ownerId,
    companyId: row.companyId,
    source: row.source as Contact['source'],
    lifecycleStage: row.lifecycleStage as Contact['lifecycleStage'],
    tags,
    customFields: custom.values,
    lastActivityAt: row.lastActivityAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    restricted: [...hidden, ...custom.restricted].sort(),
  };
}
