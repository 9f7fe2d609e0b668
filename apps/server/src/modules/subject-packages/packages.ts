import type { PackageStatus, SubjectPackage } from '@custodian/contracts';
import { assertPermission, type RequestContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Db, transaction } from '../../platform/db/database.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { type RequestDeps, runStep } from '../requests/index.js';
import type { SubjectKeyStore } from '../subjects/index.js';
import { renderPackageZip } from './render.js';
import {
  findPackageByToken,
  findPackageOfRequest,
  openPackage,
  statusOf,
  updatePackage,
} from './repository.js';

/** How long a released package can be downloaded. */
export const downloadDays = 7;
const tokenHashOf = (keys: KeyRing, token: string) => keys.mac('package-download', token).toString('hex');

/**
 * The download token of a release: derived from the package and its release time with a key outside the
 * database, so the link can be mailed by a job later without the token ever being stored; only a keyed
 * hash of it is kept for the lookup.
 */
export const downloadToken = (keys: KeyRing, packageId: string, releasedAt: Date) =>
  keys.mac('package-download-token', `${packageId}:${releasedAt.toISOString()}`).toString('base64url');

export const downloadUrlOf = (publicUrl: string, token: string) =>
  `${publicUrl.replace(/\/$/, '')}/api/v1/public/packages/${token}`;

interface Deps {
  db: Db;
  keys: KeyRing;
  subjects: SubjectKeyStore;
  ctx: RequestContext;
}

export async function getPackageStatus({
  db,
  ctx,
  requestId,
}: Deps & { requestId: string }): Promise<PackageStatus> {
  assertPermission(ctx.actor, 'requests:read');
  const row = await findPackageOfRequest(db, requestId);
  if (!row) throw notFound('package');
  return statusOf(row);
}

/** The package as the person will get it, for the DPO's review; the read of their data is audited. */
export async function previewPackage({
  db,
  keys,
  subjects,
  ctx,
  requestId,
}: Deps & { requestId: string }): Promise<SubjectPackage> {
  assertPermission(ctx.actor, 'requests:manage');
  return transaction(db, async (tx) => {
    const row = await findPackageOfRequest(tx, requestId);
    if (!row?.content) throw notFound('package');
    await recordAudit(tx, keys, ctx, {
      action: 'package.preview',
      entityType: 'dsrRequest',
      entityId: requestId,
      subjectIds: [row.subjectId],
    });
    return openPackage(tx, subjects, row);
  });
}

/**
 * After review: the request is fulfilled and a single-use link, valid `downloadDays`, is made. The link's
 * token is shown only now; only its keyed hash is stored.
 */
export async function releasePackage(
  options: RequestDeps & {
    ctx: RequestContext;
    id: string;
    note?: string | undefined;
    /** Queues the mail of the link to the requester; absent where no queue runs. */
    mailLink?: (packageId: string) => Promise<void>;
  },
): Promise<PackageStatus & { downloadUrl: string }> {
  let status: PackageStatus | null = null;
  let token = '';
  let packageId = '';
  await runStep({ ...options, step: 'fulfil' }, async (tx, request) => {
    const row = await findPackageOfRequest(tx, request.id, { forUpdate: true });
    if (!row) throw new AppError('conflict', 'No package was prepared for this request: fulfil it first');
    if (row.releasedAt) throw new AppError('conflict', 'The package was already released');
    const releasedAt = new Date();
    token = downloadToken(options.keys, row.id, releasedAt);
    packageId = row.id;
    const updated = await updatePackage(tx, row.id, {
      releasedAt,
      releasedBy:
        options.ctx.actor.kind === 'user' || options.ctx.actor.kind === 'token'
          ? options.ctx.actor.userId
          : null,
      tokenHash: tokenHashOf(options.keys, token),
      expiresAt: new Date(Date.now() + downloadDays * 86_400_000),
    });
    status = statusOf(updated);
    return { patch: {}, toStatus: 'fulfilled', note: options.note ?? 'package released to the requester' };
  });
  await options.mailLink?.(packageId);
  return { ...status!, downloadUrl: downloadUrlOf(options.settings.publicUrl, token) };
}

/**
 * The download, once: the package is opened with the person's key, handed out as a ZIP, and its sealed
 * copy deleted. A used, expired or unknown link answers 410 or 404 alike for the caller.
 */
export async function downloadPackage({
  db,
  keys,
  subjects,
  ctx,
  token,
}: Deps & { token: string }): Promise<{ zip: Buffer; requestId: string }> {
  return transaction(db, async (tx) => {
    const row = await findPackageByToken(tx, tokenHashOf(keys, token));
    if (!row) throw notFound('package');
    if (row.downloadedAt || !row.content || (row.expiresAt && row.expiresAt < new Date()))
      throw new AppError('gone', 'This link was used or has expired: ask for a new one');
    const content = await openPackage(tx, subjects, row);
    await updatePackage(tx, row.id, { downloadedAt: new Date(), content: null });
    await recordAudit(tx, keys, ctx, {
      action: 'package.download',
      entityType: 'dsrRequest',
      entityId: row.requestId,
      subjectIds: [row.subjectId],
    });
    return { zip: renderPackageZip(content), requestId: row.requestId };
  });
}
