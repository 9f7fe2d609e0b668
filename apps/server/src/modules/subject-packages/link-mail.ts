import { DateTime } from 'luxon';
import type { Logger } from 'pino';
import { systemContext } from '../../platform/access.js';
import type { JobQueue } from '../../platform/jobs.js';
import type { Mailer } from '../../platform/mail.js';
import { findAuditEntryId, recordAudit } from '../audit/index.js';
import { findRequestRow, openRequests, type RequestDeps, statusUrlOf } from '../requests/index.js';
import { downloadToken, downloadUrlOf } from './packages.js';
import { findPackage } from './repository.js';

export const packageLinkQueue = 'package-link-mail';
const markerEntity = 'packageLinkMail';

export async function enqueuePackageLinkMail(jobs: JobQueue, packageId: string): Promise<void> {
  await jobs.send(
    packageLinkQueue,
    { packageId },
    { singletonKey: packageId, retryLimit: 6, retryDelay: 30, retryBackoff: true },
  );
}

/**
 * Mails a released package's single-use link to the address the request came from. The token is derived
 * again from the package and its release time, never stored. Idempotent: the audit entry written after
 * sending marks the link as mailed; an SMTP failure throws, so the job is retried.
 */
export async function sendPackageLinkMail(
  deps: RequestDeps & { mailer: Mailer },
  packageId: string,
): Promise<boolean> {
  const { db, keys, settings } = deps;
  if (await findAuditEntryId(db, markerEntity, packageId)) return false;
  const row = await findPackage(db, packageId);
  if (!row?.releasedAt || row.downloadedAt || !row.expiresAt || row.expiresAt.getTime() < Date.now())
    return false;
  const requestRow = await findRequestRow(db, row.requestId);
  const [request] = requestRow ? await openRequests(db, deps, [requestRow]) : [];
  const email = request?.personal.email;
  if (!request || !email) return false;
  const url = downloadUrlOf(settings.publicUrl, downloadToken(keys, row.id, row.releasedAt));
  const until = DateTime.fromJSDate(row.expiresAt)
    .setZone(settings.timeZone)
    .toFormat('d LLLL yyyy, HH:mm ZZZZ');
  await deps.mailer.send({
    to: email,
    subject: 'Your data is ready to download',
    text: [
      `${settings.controller.name} has prepared the answer to your ${request.row.type} request: a copy of the personal data we hold about you,`,
      'with where it came from, why we use it, how long we keep it, and who has accessed it.',
      '',
      'Download it here (a ZIP file with a page to read, a JSON file and CSV tables):',
      url,
      '',
      `The link works once and until ${until}. If it has expired, reply to this e-mail and we will send a new one.`,
      '',
      'Your request and its history:',
      statusUrlOf(keys, settings.publicUrl, request.row.id),
    ].join('\n'),
  });
  await recordAudit(db, keys, systemContext('package-link-mail'), {
    action: 'package.link-mailed',
    entityType: markerEntity,
    entityId: packageId,
    subjectIds: [request.row.subjectId, row.subjectId],
  });
  return true;
}

export async function startPackageWorkers(
  jobs: JobQueue,
  deps: RequestDeps & { mailer: Mailer | null },
  log: Logger,
): Promise<void> {
  await jobs.createQueue(packageLinkQueue, { name: packageLinkQueue, policy: 'stately' });
  const { mailer } = deps;
  if (!mailer) {
    log.info('no SMTP server configured: package links are shown to staff only');
    return;
  }
  await jobs.work<{ packageId: string }>(packageLinkQueue, { pollingIntervalSeconds: 1 }, async ([job]) => {
    if (job) await sendPackageLinkMail({ ...deps, mailer }, job.data.packageId);
  });
}
