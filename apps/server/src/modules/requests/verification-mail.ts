import { eq } from 'drizzle-orm';
import type { JobQueue } from '../../platform/jobs.js';
import type { Mailer } from '../../platform/mail.js';
import type { RequestDeps } from './deps.js';
import { verificationCode } from './public-requests.js';
import { findRequestRow, openRequests } from './repository.js';
import { requestVerifications } from './schema.js';
import { statusUrlOf } from './status-link.js';

export const verificationMailQueue = 'request-verification-mail';

export async function enqueueVerificationMail(jobs: JobQueue, verificationId: string): Promise<void> {
  await jobs.send(
    verificationMailQueue,
    { verificationId },
    { singletonKey: verificationId, retryLimit: 4, retryDelay: 15, retryBackoff: true },
  );
}

/** Mails a verification code to the address the request came from (one the CRM holds). Idempotent. */
export async function sendVerificationMail(deps: RequestDeps & { mailer: Mailer }, verificationId: string) {
  const { db, keys } = deps;
  const [v] = await db.select().from(requestVerifications).where(eq(requestVerifications.id, verificationId));
  if (!v || v.mailedAt || v.usedAt || v.expiresAt.getTime() < Date.now()) return false;
  const row = await findRequestRow(db, v.requestId);
  const [request] = row ? await openRequests(db, deps, [row]) : [];
  if (!request?.personal.email) return false;
  await deps.mailer.send({
    to: request.personal.email,
    subject: `Your code: ${verificationCode(keys, v.id)}`,
    text: [
      `Someone, probably you, asked us to act on a data-protection request (${request.row.type}) for this address.`,
      '',
      `To confirm it is you, enter this code: ${verificationCode(keys, v.id)}`,
      '',
      'It works once, for 30 minutes. If you did not ask, ignore this e-mail: nothing will be done without the code.',
      '',
      'Once confirmed, you can follow your request here:',
      statusUrlOf(keys, deps.settings.publicUrl, request.row.id),
    ].join('\n'),
  });
  await db
    .update(requestVerifications)
    .set({ mailedAt: new Date() })
    .where(eq(requestVerifications.id, v.id));
  return true;
}
