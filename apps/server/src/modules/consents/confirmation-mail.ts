import { and, eq, isNull, lt } from 'drizzle-orm';
import type { Logger } from 'pino';
import { systemContext } from '../../platform/access.js';
import { transaction } from '../../platform/db/database.js';
import type { JobQueue } from '../../platform/jobs.js';
import type { Mailer } from '../../platform/mail.js';
import { recordAudit } from '../audit/index.js';
import { findContactRow, openContacts } from '../contacts/index.js';
import { findPurposeRecords } from '../purposes/index.js';
import type { PublicConsentDeps } from './deps.js';
import { appendLedgerEvent, emptyProof, findEventRows } from './repository.js';
import { restrictionLiftedQueue, sendRestrictionLiftedMail } from './restriction-lifted-mail.js';
import { consentConfirmations, usedChallenges } from './schema.js';
import { confirmationToken } from './submit-consent.js';

export const confirmationMailQueue = 'consent-confirmation-mail';
const sweepQueue = 'consent-confirmation-sweep';

type WorkerDeps = Omit<PublicConsentDeps, 'enqueueConfirmationMail'>;
type MailDeps = WorkerDeps & { mailer: Mailer };

/** Queues the mail of one confirmation; a second send for the same one is dropped while the first waits. */
export async function enqueueConfirmationMail(jobs: JobQueue, confirmationId: string): Promise<void> {
  await jobs.send(
    confirmationMailQueue,
    { confirmationId },
    { singletonKey: confirmationId, retryLimit: 6, retryDelay: 30, retryBackoff: true },
  );
}

/**
 * Mails the confirmation link of a double opt-in. Idempotent: a confirmation already mailed, confirmed or
 * expired is left alone. An SMTP failure throws, so the job is retried with backoff.
 */
export async function sendConfirmationMail(deps: MailDeps, confirmationId: string): Promise<boolean> {
  const { db, keys } = deps;
  const [row] = await db
    .select()
    .from(consentConfirmations)
    .where(eq(consentConfirmations.id, confirmationId));
  if (!row || row.mailedAt || row.confirmedAt || row.expiredAt || row.expiresAt.getTime() < Date.now())
    return false;
  const contactRow = await findContactRow(db, row.contactId);
  const [contact] = contactRow ? await openContacts(db, deps, [contactRow]) : [];
  const email = contact?.personal.emails.find((e) => e.primary)?.value ?? contact?.personal.emails[0]?.value;
  if (!contact || !email) return false;
  const names = new Map((await findPurposeRecords(db)).map((p) => [p.key as string, p.name]));
  const pending = await findEventRows(db, row.pendingEventIds);
  // The portal's page; links mailed before it existed went to /api/v1/public/consent/confirm, which still works.
  const link = `${deps.privacy.publicUrl}/privacy/confirm?token=${confirmationToken(keys, row.id)}`;
  const hours = Math.max(1, Math.round((row.expiresAt.getTime() - Date.now()) / 3_600_000));
  await deps.mailer.send({
    to: email,
    subject: 'Please confirm your consent',
    text: [
      `You asked ${deps.privacy.controller.name} to be allowed to contact you for:`,
      ...pending.map((e) => `  - ${names.get(e.purpose ?? '') ?? e.purpose}`),
      '',
      'To confirm, open this link and press the button on the page:',
      link,
      '',
      `The link works once and expires in about ${hours} hours. If you did not ask for this, ignore this e-mail: nothing happens without your confirmation.`,
    ].join('\n'),
  });
  await transaction(db, async (tx) => {
    await tx
      .update(consentConfirmations)
      .set({ mailedAt: new Date() })
      .where(eq(consentConfirmations.id, row.id));
    await recordAudit(tx, keys, systemContext('consent-confirmation-mail'), {
      action: 'consent.confirmation-mailed',
      entityType: 'consentConfirmation',
      entityId: row.id,
      subjectIds: [row.subjectId],
    });
  });
  return true;
}

/**
 * Ends confirmations whose link expired unused: each pending consent gets its `expired` event. Also
 * re-queues confirmations whose mail was never queued (a crash between commit and queueing), and forgets
 * used bot-check challenges once they could not be replayed anyway.
 */
export async function sweepConfirmations(
  deps: WorkerDeps,
  enqueue: (id: string) => Promise<void>,
  now = new Date(),
): Promise<{ expired: number; requeued: number }> {
  const { db } = deps;
  const stale = await db
    .select()
    .from(consentConfirmations)
    .where(
      and(
        lt(consentConfirmations.expiresAt, now),
        isNull(consentConfirmations.confirmedAt),
        isNull(consentConfirmations.expiredAt),
      ),
    )
    .limit(500);
  for (const row of stale)
    await transaction(db, async (tx) => {
      const contact = await findContactRow(tx, row.contactId, { forUpdate: true });
      if (contact?.subjectId === row.subjectId)
        for (const event of await findEventRows(tx, row.pendingEventIds))
          await appendLedgerEvent(tx, deps.subjects, {
            subjectId: row.subjectId,
            kind: 'expired',
            purpose: event.purpose,
            noticeId: null,
            language: null,
            method: 'double_opt_in_email',
            // Never before the request itself, whatever the clock said when it was made.
            occurredAt: new Date(Math.max(row.expiresAt.getTime(), row.createdAt.getTime())),
            actor: { type: 'system', id: null },
            relatesTo: event.id,
            conflictsWith: null,
            mergedFrom: null,
            proof: { ...emptyProof, note: 'confirmation link expired unused' },
          });
      await tx
        .update(consentConfirmations)
        .set({ expiredAt: now })
        .where(eq(consentConfirmations.id, row.id));
    });
  const unmailed = await db
    .select({ id: consentConfirmations.id })
    .from(consentConfirmations)
    .where(
      and(
        isNull(consentConfirmations.mailedAt),
        isNull(consentConfirmations.confirmedAt),
        isNull(consentConfirmations.expiredAt),
        lt(consentConfirmations.createdAt, new Date(now.getTime() - 10 * 60_000)),
      ),
    )
    .limit(500);
  for (const { id } of unmailed) await enqueue(id);
  await db.delete(usedChallenges).where(lt(usedChallenges.expiresAt, now));
  return { expired: stale.length, requeued: unmailed.length };
}

/**
 * Works the confirmation mail queue on this process when it can send mail, and sweeps confirmations every
 * ten minutes (expiry needs no mail).
 */
export async function startConsentWorkers(
  jobs: JobQueue,
  deps: WorkerDeps & { mailer: Mailer | null },
  log: Logger,
): Promise<void> {
  await jobs.createQueue(confirmationMailQueue, { name: confirmationMailQueue, policy: 'stately' });
  const { mailer } = deps;
  if (mailer)
    await jobs.work<{ confirmationId: string }>(
      confirmationMailQueue,
      { pollingIntervalSeconds: 1 },
      async ([job]) => {
        if (!job) return;
        await sendConfirmationMail({ ...deps, mailer }, job.data.confirmationId);
      },
    );
  await jobs.createQueue(restrictionLiftedQueue, { name: restrictionLiftedQueue, policy: 'stately' });
  if (mailer)
    await jobs.work<{ eventId: string; contactId: string }>(
      restrictionLiftedQueue,
      { pollingIntervalSeconds: 1 },
      async ([job]) => {
        if (job) await sendRestrictionLiftedMail({ ...deps, mailer }, job.data);
      },
    );
  await jobs.createQueue(sweepQueue, { name: sweepQueue, policy: 'singleton' });
  await jobs.schedule(sweepQueue, '*/10 * * * *');
  await jobs.work(sweepQueue, async () => {
    const result = await sweepConfirmations(deps, (id) => enqueueConfirmationMail(jobs, id));
    if (result.expired + result.requeued > 0) log.info(result, 'consent confirmations swept');
  });
}
