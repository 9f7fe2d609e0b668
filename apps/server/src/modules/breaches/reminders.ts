import { eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import { systemContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Db, transaction } from '../../platform/db/database.js';
import type { JobQueue } from '../../platform/jobs.js';
import type { Mailer } from '../../platform/mail.js';
import { recordAudit } from '../audit/index.js';
import { privacyOfficers } from '../users/index.js';
import { findRunningClocks, presentBreach } from './breaches.js';
import { breaches } from './schema.js';

/** Hours left at which the DPOs are mailed, then once more when the 72 hours have passed. */
export const reminderHours = [48, 24, 6, 0] as const;
const queue = 'breach-clock';

const stageAt = (hoursLeft: number) => reminderHours.filter((h) => hoursLeft <= h).length;

interface Deps {
  db: Db;
  keys: KeyRing;
  mailer: Mailer;
  settings: { publicUrl: string; timeZone: string };
}

/**
 * Mails the DPOs (or, without any, the administrators) about each breach whose authority decision is still
 * pending, as its 72-hour clock passes 48, 24 and 6 hours left and runs out: once per step, even if several
 * passed since the last check. The mail carries the breach's title and deadline, nothing about people.
 */
export async function sendBreachReminders(deps: Deps, now = new Date()): Promise<number> {
  const { db, keys, mailer, settings } = deps;
  const open = await findRunningClocks(db);
  const due = open
    .map((row) => ({ row, breach: presentBreach(row, settings.timeZone, now) }))
    .filter(({ row, breach }) => stageAt(breach.hoursLeft!) > row.remindersSent);
  if (due.length === 0) return 0;
  const to = await privacyOfficers(db, keys);
  if (to.length === 0) return 0;
  for (const { row, breach } of due) {
    const overdue = breach.hoursLeft! <= 0;
    for (const user of to)
      await mailer.send({
        to: user.email,
        subject: overdue
          ? 'Breach: the 72 hours to notify the supervisory authority have passed'
          : `Breach: ${Math.max(0, Math.floor(breach.hoursLeft!))} hours left to notify the supervisory authority`,
        text: [
          `Breach "${row.title}": the supervisory authority must be notified by ${breach.authorityDeadlineLocal} (GDPR Art. 33(1)),`,
          overdue
            ? 'which has passed: notify it now and record the reasons for the delay.'
            : 'unless the breach is unlikely to result in a risk to people, which must then be recorded with the reason.',
          '',
          `Open it: ${settings.publicUrl}/breaches/${row.id}`,
        ].join('\n'),
      });
    await transaction(db, async (tx) => {
      await tx
        .update(breaches)
        .set({ remindersSent: stageAt(breach.hoursLeft!) })
        .where(eq(breaches.id, row.id));
      await recordAudit(tx, keys, systemContext('breach-clock'), {
        action: 'breach.reminder',
        entityType: 'breach',
        entityId: row.id,
        subjectIds: to.map((u) => u.subjectId),
      });
    });
  }
  return due.length;
}

/** Checks the clocks every quarter of an hour, on whichever server takes the job. */
export async function startBreachClock(
  jobs: JobQueue,
  deps: Omit<Deps, 'mailer'> & { mailer: Mailer | null },
  log: Logger,
): Promise<void> {
  const { mailer } = deps;
  if (!mailer) return;
  await jobs.createQueue(queue, { name: queue, policy: 'singleton' });
  await jobs.schedule(queue, '*/15 * * * *');
  await jobs.work(queue, async () => {
    const sent = await sendBreachReminders({ ...deps, mailer });
    if (sent > 0) log.info({ breaches: sent }, 'breach clock reminders sent');
  });
}
