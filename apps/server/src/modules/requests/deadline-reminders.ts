import { and, eq, isNull, lte, notInArray } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Logger } from 'pino';
import { systemContext } from '../../platform/access.js';
import type { Config } from '../../platform/config.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Db, transaction } from '../../platform/db/database.js';
import type { JobQueue } from '../../platform/jobs.js';
import type { Mailer } from '../../platform/mail.js';
import { recordAudit } from '../audit/index.js';
import { privacyOfficers } from '../users/index.js';
import type { RequestDeps } from './deps.js';
import { closedStatuses } from './repository.js';
import { type RequesterNotice, requesterNoticeQueue, sendRequesterNotice } from './requester-notices.js';
import { dsrRequests } from './schema.js';
import { sendVerificationMail, verificationMailQueue } from './verification-mail.js';

/** How long before a deadline the privacy officers are reminded. */
export const reminderLeadDays = 3;
const reminderQueue = 'dsr-deadline-reminders';

interface ReminderDeps {
  db: Db;
  keys: KeyRing;
  mailer: Mailer;
  settings: Pick<Config, 'publicUrl' | 'timeZone'>;
}

/**
 * Mails the DPOs (or, if there are none, the administrators) about every open request due within three
 * days or overdue, once per deadline (an extension re-arms it). The mail names the request by id, type and
 * deadline only: no requester details travel by mail.
 */
export async function sendDeadlineReminders(deps: ReminderDeps, now = new Date()): Promise<number> {
  const { db, keys, mailer, settings } = deps;
  const due = await db
    .select({ id: dsrRequests.id, type: dsrRequests.type, dueAt: dsrRequests.dueAt })
    .from(dsrRequests)
    .where(
      and(
        isNull(dsrRequests.reminderSentAt),
        notInArray(dsrRequests.status, [...closedStatuses]),
        lte(dsrRequests.dueAt, new Date(now.getTime() + reminderLeadDays * 86_400_000)),
      ),
    )
    .orderBy(dsrRequests.dueAt)
    .limit(200);
  if (due.length === 0) return 0;
  const recipients = await privacyOfficers(db, keys);
  if (recipients.length === 0) return 0;
  for (const request of due) {
    const when = DateTime.fromJSDate(request.dueAt, { zone: settings.timeZone }).toFormat(
      'cccc d LLLL yyyy, HH:mm ZZZZ',
    );
    const overdue = request.dueAt.getTime() < now.getTime();
    for (const user of recipients)
      await mailer.send({
        to: user.email,
        subject: overdue ? `Overdue: a ${request.type} request` : `Due soon: a ${request.type} request`,
        text: [
          `A data-subject request (${request.type}) ${overdue ? 'was' : 'is'} due on ${when}.`,
          '',
          `Open it: ${settings.publicUrl}/requests/${request.id}`,
          '',
          'It stays in the list, flagged, until it is fulfilled, rejected or extended.',
        ].join('\n'),
      });
    await transaction(db, async (tx) => {
      await tx.update(dsrRequests).set({ reminderSentAt: now }).where(eq(dsrRequests.id, request.id));
      await recordAudit(tx, keys, systemContext('deadline-reminder'), {
        action: 'request.reminder',
        entityType: 'dsrRequest',
        entityId: request.id,
        // The staff whose addresses were read to send it.
        subjectIds: recipients.map((u) => u.subjectId),
      });
    });
  }
  return due.length;
}

/** Checks deadlines every hour, on whichever server takes the job, and mails verification codes. */
export async function startRequestWorkers(
  jobs: JobQueue,
  deps: RequestDeps & { mailer: Mailer | null },
  log: Logger,
): Promise<void> {
  const { mailer } = deps;
  await jobs.createQueue(requesterNoticeQueue, { name: requesterNoticeQueue, policy: 'stately' });
  if (!mailer) return;
  await jobs.work<RequesterNotice>(requesterNoticeQueue, { pollingIntervalSeconds: 1 }, async ([job]) => {
    if (job) await sendRequesterNotice({ ...deps, mailer }, job.data);
  });
  await jobs.createQueue(verificationMailQueue, { name: verificationMailQueue, policy: 'stately' });
  await jobs.work<{ verificationId: string }>(
    verificationMailQueue,
    { pollingIntervalSeconds: 1 },
    async ([job]) => {
      if (job) await sendVerificationMail({ ...deps, mailer }, job.data.verificationId);
    },
  );
  await jobs.createQueue(reminderQueue, { name: reminderQueue, policy: 'singleton' });
  await jobs.schedule(reminderQueue, '5 * * * *');
  await jobs.work(reminderQueue, async () => {
    const sent = await sendDeadlineReminders({ ...deps, mailer });
    if (sent > 0) log.info({ requests: sent }, 'deadline reminders sent');
  });
}
