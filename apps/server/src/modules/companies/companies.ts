import type {
  Company,
  CreateCompanyInput,
  ListCompaniesQuery,
  UpdateCompanyInput,
} from '@custodian/contracts';
import { companyEntity, indexOf } from '../../catalog/index.js';
import { assertPermission, type RequestContext } from '../../platform/access.js';
import { words } from '../../platform/crypto/blind-index.js';
import { transaction } from '../../platform/db/database.js';
import { decodeTimeIdCursor, encodeTimeIdCursor } from '../../platform/http/cursor.js';
import { notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import type { ContactDeps } from '../contacts/index.js';
import { applyCustomValues, listCustomFieldRows } from '../custom-fields/index.js';
import { presentCompany } from './present-company.js';
import {
  type CompanyAttributes,
  type CompanyRow,
  deleteCompanyRow,
  findCompanyRow,
  insertCompany,
  listCompanyRows,
  openCompanies,
  updateCompanyRow,
} from './repository.js';

const attributesOf = (
  input: CreateCompanyInput | UpdateCompanyInput,
  current?: CompanyRow,
): CompanyAttributes => ({
  domain: input.domain !== undefined ? input.domain : (current?.domain ?? null),
  industry: input.industry !== undefined ? input.industry : (current?.industry ?? null),
  size: input.size !== undefined ? input.size : (current?.size ?? null),
  city: input.city !== undefined ? input.city : (current?.city ?? null),
  country: input.country !== undefined ? input.country : (current?.country ?? null),
  ownerId: input.ownerId !== undefined ? input.ownerId : (current?.ownerId ?? null),
});

export async function createCompany(
  options: ContactDeps & { ctx: RequestContext; input: CreateCompanyInput },
): Promise<Company> {
  const { db, keys, ctx, input } = options;
  assertPermission(ctx.actor, 'companies:write');
  return transaction(db, async (tx) => {
    const defs = await listCustomFieldRows(tx, 'company');
    const customFields = applyCustomValues(defs, {}, input.customFields);
    const record = await insertCompany(tx, options, input.name, customFields, attributesOf(input));
    await recordAudit(tx, keys, ctx, {
      action: 'company.create',
      entityType: 'company',
      entityId: record.row.id,
      subjectIds: [record.row.subjectId],
    });
    return presentCompany(ctx, record, defs);
  });
}

export async function getCompany(
  options: ContactDeps & { ctx: RequestContext; id: string },
): Promise<Company> {
  const { db, keys, ctx, id } = options;
  assertPermission(ctx.actor, 'companies:read');
  return transaction(db, async (tx) => {
    const row = await findCompanyRow(tx, id);
    const [record] = row ? await openCompanies(tx, options, [row]) : [];
    if (!record) throw notFound('company');
    await recordAudit(tx, keys, ctx, {
      action: 'company.read',
      entityType: 'company',
      entityId: id,
      subjectIds: [record.row.subjectId],
    });
    return presentCompany(ctx, record, await listCustomFieldRows(tx, 'company'));
  });
}

export async function findCompanies(
  options: ContactDeps & { ctx: RequestContext; query: ListCompaniesQuery },
): Promise<{ items: Company[]; nextCursor: string | null }> {
  const { db, keys, ctx, query, indexer } = options;
  assertPermission(ctx.actor, 'companies:read');
  const after = decodeTimeIdCursor(query.cursor);
  const nameTokens = query.q ? indexer.queryTokens(indexOf(companyEntity, 'name').name, query.q) : undefined;
  if (nameTokens && nameTokens.length === 0) return { items: [], nextCursor: null };
  return transaction(db, async (tx) => {
    const rows = await listCompanyRows(tx, {
      limit: query.limit + 1,
      after,
      nameTokens,
      domain: query.domain,
      ownerId: query.ownerId,
    });
    const fetched = rows.slice(0, query.limit);
    const wanted = query.q ? words(query.q) : [];
    // Checked after decryption: a token collision or a word longer than the indexed prefix must not match.
    const records = (await openCompanies(tx, options, fetched)).filter((r) => {
      const nameWords = words(r.name);
      return wanted.every((w) => nameWords.some((n) => n.startsWith(w)));
    });
    await recordAudit(tx, keys, ctx, {
      action: query.q ? 'company.search' : 'company.list',
      entityType: 'company',
      subjectIds: records.map((r) => r.row.subjectId),
    });
    const defs = await listCustomFieldRows(tx, 'company');
    const last = fetched[fetched.length - 1];
    return {
      items: records.map((r) => presentCompany(ctx, r, defs)),
      nextCursor: rows.length > query.limit && last ? encodeTimeIdCursor(last.createdAt, last.id) : null,
    };
  });
}

export async function updateCompany(
  options: ContactDeps & { ctx: RequestContext; id: string; input: UpdateCompanyInput },
): Promise<Company> {
  const { db, keys, ctx, id, input } = options;
  assertPermission(ctx.actor, 'companies:write');
  return transaction(db, async (tx) => {
    const row = await findCompanyRow(tx, id, { forUpdate: true });
    const [current] = row ? await openCompanies(tx, options, [row]) : [];
    if (!current) throw notFound('company');
    const defs = await listCustomFieldRows(tx, 'company');
    const record = await updateCompanyRow(
      tx,
      options,
      current.row,
      input.name ?? current.name,
      applyCustomValues(defs, current.customFields, input.customFields),
      attributesOf(input, current.row),
    );
    await recordAudit(tx, keys, ctx, {
      action: 'company.update',
      entityType: 'company',
      entityId: id,
      subjectIds: [record.row.subjectId],
    });
    return presentCompany(ctx, record, defs);
  });
}

/** Contacts, deals and activities keep existing without the link (the foreign keys set it to null). */
export async function deleteCompany(
  options: ContactDeps & { ctx: RequestContext; id: string },
): Promise<void> {
  const { db, keys, ctx, id, subjects } = options;
  assertPermission(ctx.actor, 'companies:write');
  await transaction(db, async (tx) => {
    const row = await findCompanyRow(tx, id, { forUpdate: true });
    if (!row) throw notFound('company');
    await deleteCompanyRow(tx, id);
    await subjects.shred(tx, row.subjectId);
    await recordAudit(tx, keys, ctx, {
      action: 'company.delete',
      entityType: 'company',
      entityId: id,
      subjectIds: [row.subjectId],
    });
  });
}
