import type { PackageFlag, PackageStatus, SubjectPackage } from '@custodian/contracts';
import { eq, inArray } from 'drizzle-orm';
import type { Executor } from '../../platform/db/database.js';
import { decryptField, encryptField, type SubjectKeyStore } from '../subjects/index.js';
import { subjectPackages } from './schema.js';

export type PackageRow = typeof subjectPackages.$inferSelect;

const location = (subjectId: string) => ({ subjectId, entity: 'subjectPackage', field: 'content' });

export function statusOf(row: PackageRow, now = new Date()): PackageStatus {
  const status = row.downloadedAt
    ? 'downloaded'
    : !row.releasedAt
      ? 'review'
      : row.expiresAt && row.expiresAt < now
        ? 'expired'
        : 'released';
  return {
    requestId: row.requestId,
    status,
    flagged: row.flags as PackageFlag[],
    preparedAt: row.preparedAt.toISOString(),
    releasedAt: row.releasedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    downloadedAt: row.downloadedAt?.toISOString() ?? null,
  };
}

/** Stores (or replaces, if prepared again before release) a request's package, sealed under the person's key. */
export async function storePackage(
  ex: Executor,
  subjects: SubjectKeyStore,
  values: { requestId: string; subjectId: string; content: SubjectPackage; flags: PackageFlag[] },
): Promise<PackageRow> {
  const key = await subjects.keyFor(ex, values.subjectId);
  const sealed = encryptField(key, location(values.subjectId), JSON.stringify(values.content));
  const columns = {
    subjectId: values.subjectId,
    content: sealed,
    flags: values.flags,
    preparedAt: new Date(),
    releasedAt: null,
    releasedBy: null,
    tokenHash: null,
    expiresAt: null,
    downloadedAt: null,
  };
  const [row] = await ex
    .insert(subjectPackages)
    .values({ requestId: values.requestId, ...columns })
    .onConflictDoUpdate({ target: subjectPackages.requestId, set: columns })
    .returning();
  return row!;
}

export async function findPackageOfRequest(
  ex: Executor,
  requestId: string,
  options: { forUpdate?: boolean } = {},
): Promise<PackageRow | null> {
  const query = ex.select().from(subjectPackages).where(eq(subjectPackages.requestId, requestId));
  const [row] = options.forUpdate ? await query.for('update') : await query;
  return row ?? null;
}

export async function findPackageByToken(ex: Executor, tokenHash: string): Promise<PackageRow | null> {
  const [row] = await ex
    .select()
    .from(subjectPackages)
    .where(eq(subjectPackages.tokenHash, tokenHash))
    .for('update');
  return row ?? null;
}

export async function updatePackage(
  ex: Executor,
  id: string,
  values: Partial<Omit<PackageRow, 'id'>>,
): Promise<PackageRow> {
  const [row] = await ex.update(subjectPackages).set(values).where(eq(subjectPackages.id, id)).returning();
  return row!;
}

export async function openPackage(
  ex: Executor,
  subjects: SubjectKeyStore,
  row: PackageRow,
): Promise<SubjectPackage> {
  if (!row.content) throw new Error('The package was already handed out');
  const key = await subjects.keyFor(ex, row.subjectId);
  return JSON.parse(decryptField(key, location(row.subjectId), row.content)) as SubjectPackage;
}

/** Erasure: the person's packages go with them. */
export async function deletePackagesOf(ex: Executor, subjectId: string): Promise<number> {
  const gone = await ex
    .delete(subjectPackages)
    .where(eq(subjectPackages.subjectId, subjectId))
    .returning({ id: subjectPackages.id });
  return gone.length;
}

/** Packages made for these requests (a request record reaching the end of its retention). */
export async function deletePackagesOfRequests(ex: Executor, requestIds: readonly string[]): Promise<number> {
  if (requestIds.length === 0) return 0;
  const gone = await ex
    .delete(subjectPackages)
    .where(inArray(subjectPackages.requestId, [...requestIds]))
    .returning({ id: subjectPackages.id });
  return gone.length;
}

export async function findPackage(ex: Executor, id: string): Promise<PackageRow | null> {
  const [row] = await ex.select().from(subjectPackages).where(eq(subjectPackages.id, id));
  return row ?? null;
}
