import { systemContext } from '../../platform/access.js';
import type { BlindIndexer } from '../../platform/crypto/blind-index.js';
import { transaction } from '../../platform/db/database.js';
import type { JobQueue } from '../../platform/jobs.js';
import type { Mailer } from '../../platform/mail.js';
import { findAuditEntryId, recordAudit } from '../audit/index.js';
import { findContactRow, openContacts } from '../contacts/index.js';
import { findPurposeRecords } from '../purposes/index.js';
import type { ConsentDeps } from './deps.js';
import { findEventRows } from './repository.js';

export const restrictionLiftedQueue = 'restriction-lifted-mail';
const markerEntity = 'restrictionLiftedNotice';

export async function enqueueRestrictionLiftedMail(
  jobs: JobQueue,
  job: { eventId: string; contactId: string },
): Promise<void> {
  await jobs.send(restrictionLiftedQueue, job, {
    singletonKey: job.eventId,
    retryLimit: 6,
    retryDelay: 30,
    retryBackoff: true,
  });
}

/**
 * Tells the person that a restriction of processing they obtained was lifted (GDPR Art. 18(3)), at their
 * primary address. Idempotent: the audit entry written after sending marks the notice as given. An SMTP
 * failure throws, so the job is retried.
 */
export async function sendRestrictionLiftedMail(
  deps: ConsentDeps & { indexer: BlindIndexer; mailer: Mailer },
  job: { eventId: string; contactId: string },
): Promise<boolean> {
  const { db, keys } = deps;
  if (await findAuditEntryId(db, markerEntity, job.eventId)) return false;
  const [event] = await findEventRows(db, [job.eventId]);
  const contactRow = await findContactRow(db, job.contactId);
  if (event?.kind !== 'restriction_lifted' || contactRow?.subjectId !== event.subjectId) return false;
  const [contact] = await openContacts(db, deps, [contactRow]);
  const email = contact?.personal.emails.find((e) => e.primary)?.value ?? contact?.personal.emails[0]?.value;
  if (!email) return false;
  const purpose = (await findPurposeRecords(db)).find((p) => p.key === event.purpose);
  const c = deps.privacy.controller;
  await deps.mailer.send({
    to: email,
    subject: 'The restriction of your data was lifted',
    text: [
      `You asked ${c.name} to restrict the processing of your personal data${purpose ? ` for: ${purpose.name}` : ''}.`,
      `That restriction was lifted on ${event.occurredAt.toISOString().slice(0, 10)}: your data may be used for this purpose again, on its legal basis.`,
      '',
      `If you disagree, you can object or ask for the restriction again: reply to ${c.email ?? c.url}, or use ${c.url}/privacy.`,
    ].join('\n'),
  });
  await transaction(db, async (tx) => {
    await recordAudit(tx, keys, systemContext('restriction-lifted-mail'), {
      action: 'consent.restriction-lifted-notified',
      entityType: markerEntity,
      entityId: job.eventId,
      subjectIds: [event.subjectId],
    });
  });
  return true;
}
