import { eq } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import { systemContext } from '../../platform/access.js';
import type { BlindIndexer } from '../../platform/crypto/blind-index.js';
import { constantTimeEqual, type KeyRing } from '../../platform/crypto/keys.js';
import { type Db, type Executor, transaction } from '../../platform/db/database.js';
import { uuidSource } from '../../platform/db/ids.js';
import { recordAudit } from '../audit/index.js';
import { markEmailUndeliverable } from '../contacts/index.js';
import type { SubjectKeyStore } from '../subjects/index.js';
import { campaignMessages } from './schema.js';
import { stopMailingFor } from './unsubscribe.js';

export interface MailEventDeps {
  db: Db;
  keys: KeyRing;
  subjects: SubjectKeyStore;
  indexer: BlindIndexer;
}

/**
 * The token naming a message in its return path and in its `X-Custodian-Message` header: the message id and a
 * MAC, lower-case hex so mail servers that fold the case of local parts keep it, and short enough for the
 * 64-character limit of a local part (RFC 5321).
 */
export const messageTokenOf = (keys: KeyRing, messageId: string): string =>
  `${messageId}.${keys.mac('campaign-return-path', messageId).subarray(0, 8).toString('hex')}`;

/** VERP: the envelope sender of each campaign message names it, so its bounce finds it without guessing. */
export const returnPathOf = (keys: KeyRing, domain: string, messageId: string): string =>
  `bounces+${messageTokenOf(keys, messageId)}@${domain}`;

/** The message a token names, if the token is genuine under any loaded master key. */
function messageIdOfToken(keys: KeyRing, token: string): string | null {
  const id = token.split('.')[0]!.toLowerCase();
  const genuine = keys
    .all()
    .some((ring) =>
      constantTimeEqual(Buffer.from(messageTokenOf(ring, id)), Buffer.from(token.toLowerCase())),
    );
  return genuine ? id : null;
}

export type MailReport =
  | { kind: 'bounce'; permanent: boolean; status: string | null; recipient: string | null }
  | { kind: 'complaint'; feedbackType: string };

/** What an incoming mail says, and about which of our messages (ids whose MAC checked out). */
export interface ParsedMailEvent {
  report: MailReport | null;
  messageIds: string[];
}

const field = (text: string, name: string): string | null =>
  new RegExp(`^${name}:[ \\t]*(.+)$`, 'im').exec(text)?.[1]?.trim() ?? null;

/**
 * Reads a delivery status notification (RFC 3464) or a feedback report (RFC 5965, ARF). The message it is
 * about is found by the VERP token in the envelope recipients or the report's To, or by the
 * `X-Custodian-Message` header of the returned original. Anything else (an auto-reply, a report about mail
 * we did not send, a forged token) gives no report or no message.
 */
export async function parseMailEvent(
  keys: KeyRing,
  raw: Buffer,
  envelopeTo: readonly string[] = [],
): Promise<ParsedMailEvent> {
  const mail = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
  const type = mail.headers.get('content-type') as
    | { value?: string; params?: Record<string, string> }
    | undefined;
  const reportType =
    type?.value === 'multipart/report' ? (type.params?.['report-type'] ?? '').toLowerCase() : '';
  // mailparser joins the machine-readable report parts into the text; the returned original is an attachment.
  const text = mail.text ?? '';
  const originals = mail.attachments.map((a) => a.content.toString('utf8')).join('\n');
  let report: MailReport | null = null;
  if (reportType === 'delivery-status' || reportType === 'global-delivery-status') {
    const action = field(text, 'Action')?.toLowerCase() ?? null;
    const status = /^Status:[ \t]*([245]\.\d{1,3}\.\d{1,3})/im.exec(text)?.[1] ?? null;
    if (action === 'failed' || (action === null && status?.startsWith('5')))
      report = {
        kind: 'bounce',
        permanent: status?.startsWith('5') ?? true,
        status,
        recipient: field(text, 'Final-Recipient')?.replace(/^[^;]*;\s*/, '') ?? null,
      };
  } else if (reportType === 'feedback-report') {
    report = { kind: 'complaint', feedbackType: field(text, 'Feedback-Type')?.toLowerCase() ?? 'abuse' };
  }
  const to = [mail.to].flat().flatMap((t) => t?.value.map((a) => a.address ?? '') ?? []);
  const haystack = [...envelopeTo, ...to, text, originals].join('\n');
  const tokens = new Set<string>();
  for (const m of haystack.matchAll(new RegExp(`bounces\\+(${uuidSource}\\.[0-9a-f]{16})@`, 'gi')))
    tokens.add(m[1]!);
  for (const m of haystack.matchAll(
    new RegExp(`^X-Custodian-Message:[ \\t]*(${uuidSource}\\.[0-9a-f]{16})`, 'gim'),
  ))
    tokens.add(m[1]!);
  const ids = new Set<string>();
  for (const token of tokens) {
    const id = messageIdOfToken(keys, token);
    if (id) ids.add(id);
  }
  return { report, messageIds: [...ids] };
}

/**
 * A permanent bounce of one message: the message records it and the contact's address is marked
 * undeliverable (audited as a change of the contact), once. Inside the caller's transaction.
 */
export async function recordPermanentBounce(
  tx: Executor,
  deps: Omit<MailEventDeps, 'db'>,
  options: { messageId: string; status: string | null; address: string | null; refusedAtOnce: boolean },
): Promise<boolean> {
  const [message] = await tx
    .select()
    .from(campaignMessages)
    .where(eq(campaignMessages.id, options.messageId))
    .for('update');
  if (!message || message.bouncedAt) return false;
  const now = new Date();
  await tx
    .update(campaignMessages)
    .set({
      bouncedAt: now,
      bounceStatus: options.status,
      ...(options.refusedAtOnce ? { status: 'bounced', reason: 'bounced' } : {}),
    })
    .where(eq(campaignMessages.id, message.id));
  if (message.contactId) await markUndeliverable(tx, deps, message.contactId, options.address, now);
  return true;
}

/** Marks the contact's address undeliverable and audits the change, when there was something to mark. */
async function markUndeliverable(
  tx: Executor,
  deps: Omit<MailEventDeps, 'db'>,
  contactId: string,
  address: string | null,
  at: Date,
): Promise<void> {
  const contact = await markEmailUndeliverable(tx, deps, { contactId, address, at });
  if (contact)
    await recordAudit(tx, deps.keys, systemContext('mail-events'), {
      action: 'contact.email.undeliverable',
      entityType: 'contact',
      entityId: contact.id,
      subjectIds: [contact.subjectId],
      access: 'change',
      categories: ['contact'],
    });
}

export type MailEventOutcome = 'bounce' | 'soft_bounce' | 'complaint' | 'ignored';

/**
 * Acts on an incoming bounce or complaint. A permanent bounce marks the address undeliverable; a temporary
 * one changes nothing (the mail server retries); a complaint stops mail for the campaign's purpose as an
 * unsubscribe does and marks the address, so no other campaign mails it either. Repeating a report changes
 * nothing more.
 */
export async function recordMailEvent(
  deps: MailEventDeps,
  event: ParsedMailEvent,
): Promise<MailEventOutcome> {
  const { report } = event;
  if (!report || event.messageIds.length === 0) return 'ignored';
  if (report.kind === 'bounce' && !report.permanent) return 'soft_bounce';
  await transaction(deps.db, async (tx) => {
    for (const messageId of event.messageIds) {
      if (report.kind === 'bounce') {
        await recordPermanentBounce(tx, deps, {
          messageId,
          status: report.status,
          address: report.recipient,
          refusedAtOnce: false,
        });
        continue;
      }
      await stopMailingFor(tx, deps, messageId, 'spam_complaint');
      const [message] = await tx.select().from(campaignMessages).where(eq(campaignMessages.id, messageId));
      if (message?.contactId) await markUndeliverable(tx, deps, message.contactId, null, new Date());
    }
  });
  return report.kind;
}
