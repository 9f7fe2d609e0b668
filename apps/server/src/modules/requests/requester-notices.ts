import { DateTime } from 'luxon';
import { systemContext } from '../../platform/access.js';
import type { JobQueue } from '../../platform/jobs.js';
import type { Mailer } from '../../platform/mail.js';
import { findAuditEntryId, recordAudit } from '../audit/index.js';
import type { RequestDeps } from './deps.js';
import { findRequestRow, openRequests } from './repository.js';
import { statusUrlOf } from './status-link.js';

export const requesterNoticeQueue = 'request-notice-mail';
const markerEntity = 'requesterNotice';

/** What the requester must be told: receipt (CCPA: within 10 business days) and an extension (GDPR Art. 12(3)). */
export type RequesterNotice = { requestId: string; kind: 'acknowledged' | 'extended' };

export async function enqueueRequesterNotice(jobs: JobQueue, notice: RequesterNotice): Promise<void> {
  await jobs.send(requesterNoticeQueue, notice, {
    singletonKey: `${notice.requestId}:${notice.kind}`,
    retryLimit: 6,
    retryDelay: 30,
    retryBackoff: true,
  });
}

const names = {
  access: 'access to your data',
  portability: 'a copy of your data to take elsewhere',
  rectification: 'correction of your data',
  erasure: 'erasure of your data',
  restriction: 'restriction of the use of your data',
  objection: 'your objection',
  opt_out_sale_sharing: 'opting out of the sale or sharing of your data',
  limit_sensitive: 'limiting the use of your sensitive data',
} as Record<string, string>;

/**
 * Mails the requester that their request was received, or that the answer needs more time and why, with
 * dates in the controller's time zone. Idempotent: the audit entry written after sending marks the notice
 * as given. An SMTP failure throws, so the job is retried.
 */
export async function sendRequesterNotice(
  deps: RequestDeps & { mailer: Mailer },
  notice: RequesterNotice,
): Promise<boolean> {
  const { db, keys, settings } = deps;
  const marker = `${notice.requestId}:${notice.kind}`;
  if (await findAuditEntryId(db, markerEntity, marker)) return false;
  const row = await findRequestRow(db, notice.requestId);
  const [request] = row ? await openRequests(db, deps, [row]) : [];
  const email = request?.personal.email;
  if (!request || !email) return false;
  const r = request.row;
  const day = (d: Date) =>
    DateTime.fromJSDate(d).setZone(settings.timeZone).setLocale('en-GB').toFormat('d LLLL yyyy');
  const what = names[r.type] ?? r.type;
  const c = settings.controller;
  const text =
    notice.kind === 'acknowledged'
      ? [
          `${c.name} received your request for ${what} on ${day(r.receivedAt)}.`,
          `We will answer by ${day(r.dueAt)}.`,
        ]
      : [
          `We need more time to answer your request for ${what}, received on ${day(r.receivedAt)}.`,
          `The new deadline is ${day(r.dueAt)}. The reason: ${r.extensionReason ?? 'not given'}.`,
        ];
  await deps.mailer.send({
    to: email,
    subject: notice.kind === 'acknowledged' ? 'We received your request' : 'Your request: we need more time',
    text: [
      ...text,
      '',
      'Follow your request here:',
      statusUrlOf(keys, settings.publicUrl, r.id),
      '',
      `Questions: ${c.email ?? c.url}. Please quote the reference ${r.id}.`,
    ].join('\n'),
  });
  await recordAudit(db, keys, systemContext('requester-notice'), {
    action: `request.${notice.kind}-notified`,
    entityType: markerEntity,
    entityId: marker,
    subjectIds: [r.subjectId],
  });
  return true;
}
