import { randomUUID } from 'node:crypto';
import type { ErasureCertificate, IssuedCertificate } from '@custodian/contracts';
import { eq, inArray } from 'drizzle-orm';
import { assertPermission, type RequestContext } from '../../platform/access.js';
import { type KeyRing, sha256 } from '../../platform/crypto/keys.js';
import type { Db, Executor } from '../../platform/db/database.js';
import { notFound } from '../../platform/http/errors.js';
import { findAuditEntryId, recordAudit } from '../audit/index.js';
import { erasureCertificates } from './schema.js';

export const certificateEntity = 'erasureCertificate';
/** The audit entry's entity id: the certificate's hash, so the chain commits to the document itself. */
const auditEntityIdOf = (hash: string) => `sha256:${hash}`;

/**
 * Stores a certificate as its exact JSON text with the text's SHA-256, and records that hash in the audit
 * chain, in the caller's transaction (the erasure's): the certificate exists exactly when the erasure does.
 */
export async function issueCertificate(
  ex: Executor,
  keys: KeyRing,
  ctx: RequestContext,
  certificate: Omit<ErasureCertificate, 'certificateId'>,
  subjectId: string,
): Promise<IssuedCertificate> {
  const full: ErasureCertificate = { certificateId: randomUUID(), ...certificate };
  const document = JSON.stringify(full);
  const hash = sha256(Buffer.from(document, 'utf8')).toString('hex');
  await ex.insert(erasureCertificates).values({
    id: full.certificateId,
    requestId: full.requestId,
    document,
    sha256: hash,
    issuedAt: new Date(full.issuedAt),
  });
  const auditEntryId = await recordAudit(ex, keys, ctx, {
    action: 'subject.erase',
    entityType: certificateEntity,
    entityId: auditEntityIdOf(hash),
    subjectIds: [subjectId],
  });
  return { certificate: full, sha256: hash, document, auditEntryId };
}

export async function getRequestCertificate({
  db,
  keys,
  ctx,
  requestId,
}: {
  db: Db;
  keys: KeyRing;
  ctx: RequestContext;
  requestId: string;
}): Promise<IssuedCertificate> {
  assertPermission(ctx.actor, 'requests:read');
  const [row] = await db
    .select()
    .from(erasureCertificates)
    .where(eq(erasureCertificates.requestId, requestId));
  if (!row) throw notFound('erasure certificate');
  const auditEntryId = await findAuditEntryId(db, certificateEntity, auditEntityIdOf(row.sha256));
  await recordAudit(db, keys, ctx, {
    action: 'certificate.read',
    entityType: certificateEntity,
    entityId: row.id,
  });
  return {
    certificate: JSON.parse(row.document) as ErasureCertificate,
    sha256: row.sha256,
    document: row.document,
    auditEntryId: auditEntryId ?? 0,
  };
}

/**
 * Certificates outlive the request records they answered (they hold no personal data and the audit chain
 * commits to them): when a request record is deleted, its certificates lose the link only.
 */
export async function unlinkCertificatesFrom(ex: Executor, requestIds: readonly string[]): Promise<number> {
  if (requestIds.length === 0) return 0;
  const rows = await ex
    .update(erasureCertificates)
    .set({ requestId: null })
    .where(inArray(erasureCertificates.requestId, [...requestIds]))
    .returning({ id: erasureCertificates.id });
  return rows.length;
}
