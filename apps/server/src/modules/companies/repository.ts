import type { CustomValues } from '@custodian/contracts';
import { and, eq, getTableColumns, inArray, type SQL, sql } from 'drizzle-orm';
import {
  blindIndexTokens,
  companyEntity,
  openPersonalFields,
  sealPersonalFields,
} from '../../catalog/index.js';
import type { Executor } from '../../platform/db/database.js';
import { rethrowMissingLink } from '../../platform/db/errors.js';
import { keyset } from '../../platform/db/keyset.js';
import { bigintArrayLiteral } from '../../platform/db/types.js';
import type { ContactDeps } from '../contacts/index.js';

type ContactCrypto = Pick<ContactDeps, 'subjects' | 'indexer'>;

import { companies } from './schema.js';

const { nameTokens: _tokens, ...readable } = getTableColumns(companies);
const companyColumns = readable;
export type CompanyRow = { [K in keyof typeof readable]: (typeof companies.$inferSelect)[K] };
export interface CompanyRecord {
  row: CompanyRow;
  name: string;
  customFields: CustomValues;
}
export interface CompanyAttributes {
  domain: string | null;
  industry: string | null;
  size: string | null;
  city: string | null;
  country: string | null;
  ownerId: string | null;
}

function translate(err: unknown): never {
  rethrowMissingLink(err, { companies_owner_id_users_id_fk: 'body.ownerId' });
}

function sealedName(
  crypto: ContactCrypto,
  key: Buffer,
  subjectId: string,
  name: string,
  customFields: CustomValues,
) {
  const sealed = sealPersonalFields(companyEntity, key, subjectId, {
    name,
    customFields: Object.keys(customFields).length > 0 ? customFields : null,
  });
  return {
    name: sealed.name!,
    customFields: sealed.customFields ?? null,
    nameTokens: blindIndexTokens(companyEntity, crypto.indexer, { name }).nameTokens ?? [],
  };
}

export async function insertCompany(
  ex: Executor,
  crypto: ContactCrypto,
  name: string,
  customFields: CustomValues,
  attributes: CompanyAttributes,
): Promise<CompanyRecord> {
  const subjectId = await crypto.subjects.createSubject(ex);
  const key = await crypto.subjects.keyFor(ex, subjectId);
  try {
    const [row] = await ex
      .insert(companies)
      .values({ subjectId, ...attributes, ...sealedName(crypto, key, subjectId, name, customFields) })
      .returning(companyColumns);
    return { row: row!, name, customFields };
  } catch (err) {
    translate(err);
  }
}

export async function updateCompanyRow(
  ex: Executor,
  crypto: ContactCrypto,
  row: CompanyRow,
  name: string,
  customFields: CustomValues,
  attributes: CompanyAttributes,
): Promise<CompanyRecord> {
  const key = await crypto.subjects.keyFor(ex, row.subjectId);
  try {
    const [updated] = await ex
      .update(companies)
      .set({
        ...attributes,
        ...sealedName(crypto, key, row.subjectId, name, customFields),
        updatedAt: new Date(),
      })
      .where(eq(companies.id, row.id))
      .returning(companyColumns);
    return { row: updated!, name, customFields };
  } catch (err) {
    translate(err);
  }
}

export async function findCompanyRow(
  ex: Executor,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<CompanyRow | null> {
  const query = ex.select(companyColumns).from(companies).where(eq(companies.id, id));
  const [row] = options.forUpdate ? await query.for('update') : await query;
  return row ?? null;
}

export async function deleteCompanyRow(ex: Executor, id: string): Promise<void> {
  await ex.delete(companies).where(eq(companies.id, id));
}

export async function openCompanies(
  ex: Executor,
  crypto: ContactCrypto,
  rows: readonly CompanyRow[],
): Promise<CompanyRecord[]> {
  const keys = await crypto.subjects.keysFor(
    ex,
    rows.map((r) => r.subjectId),
  );
  return rows.flatMap((row) => {
    const key = keys.get(row.subjectId);
    if (!key) return [];
    const values = openPersonalFields(companyEntity, key, row.subjectId, row);
    return [
      { row, name: values.name as string, customFields: (values.customFields as CustomValues | null) ?? {} },
    ];
  });
}

export async function listCompanyRows(
  ex: Executor,
  options: {
    limit: number;
    after: { at: string; id: string } | null;
    nameTokens?: readonly bigint[] | undefined;
    domain?: string | undefined;
    ownerId?: string | undefined;
  },
): Promise<CompanyRow[]> {
  const page = keyset(companies.createdAt, companies.id, options.after, 'desc');
  const conditions: (SQL | undefined)[] = [
    page.where,
    options.nameTokens
      ? sql`${companies.nameTokens} @> ${bigintArrayLiteral(options.nameTokens)}::bigint[]`
      : undefined,
    options.domain ? eq(companies.domain, options.domain) : undefined,
    options.ownerId ? eq(companies.ownerId, options.ownerId) : undefined,
  ];
  return ex
    .select(companyColumns)
    .from(companies)
    .where(and(...conditions))
    .orderBy(...page.orderBy)
    .limit(options.limit);
}

/** The ids among these that exist, for validating links from other records. */
export async function existingCompanyIds(ex: Executor, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await ex
    .select({ id: companies.id })
    .from(companies)
    .where(inArray(companies.id, [...ids]));
  return new Set(rows.map((r) => r.id));
}
