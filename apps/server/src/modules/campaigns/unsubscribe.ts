import { eq, sql } from 'drizzle-orm';
import { systemContext } from '../../platform/access.js';
import { constantTimeEqual, type KeyRing } from '../../platform/crypto/keys.js';
import { type Db, type Executor, queryRows, transaction } from '../../platform/db/database.js';
import { lowercaseUuid } from '../../platform/db/ids.js';
import { escapeHtml } from '../../platform/http/html.js';
import { recordAudit } from '../audit/index.js';
import { appendLedgerEvent, emptyProof } from '../consents/index.js';
import { findContactRow } from '../contacts/index.js';
import { findPurposeRecords } from '../purposes/index.js';
import type { SubjectKeyStore } from '../subjects/index.js';
import { campaignMessages, campaigns } from './schema.js';
import { unsubscribeTokenOf } from './send.js';

/** The message a token names, if the token is genuine (under any loaded master key). */
function messageIdOf(keys: KeyRing, token: string): string | null {
  const id = token.split('.')[0] ?? '';
  if (!lowercaseUuid.test(id)) return null;
  const genuine = keys
    .all()
    .some((ring) => constantTimeEqual(Buffer.from(unsubscribeTokenOf(ring, id)), Buffer.from(token)));
  return genuine ? id : null;
}

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem}button{font:inherit;padding:.5rem 1rem}</style></head>
<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;

/** What the link opens: a button, because a GET must never unsubscribe (link scanners follow every link). */
export function unsubscribePageHtml(keys: KeyRing, token: string): { status: number; html: string } {
  if (!messageIdOf(keys, token))
    return { status: 404, html: page('This link is not valid', '<p>Nothing was changed.</p>') };
  return {
    status: 200,
    html: page(
      'Unsubscribe',
      `<p>Press the button and you will get no more of these e-mails.</p>
<form method="post" action="/api/v1/public/unsubscribe?token=${escapeHtml(encodeURIComponent(token))}">
<input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`,
    ),
  };
}

/**
 * One-click unsubscribe (RFC 8058), no sign-in: the consent for the campaign's purpose is withdrawn in the
 * ledger at once (for a purpose on another basis, the person objects, Art. 21(2)); the guard refuses the next
 * send. Repeating it changes nothing. A person erased since answers the same, with nothing left to change.
 */
export async function unsubscribeByToken(
  deps: { db: Db; keys: KeyRing; subjects: SubjectKeyStore },
  token: string,
): Promise<{ status: number; html: string }> {
  const { db, keys } = deps;
  const id = messageIdOf(keys, token);
  if (!id) return { status: 404, html: page('This link is not valid', '<p>Nothing was changed.</p>') };
  const done = page(
    'You are unsubscribed',
    '<p>You will get no more of these e-mails. If this was a mistake, you can subscribe again at any time.</p>',
  );
  await transaction(db, (tx) => stopMailingFor(tx, deps, id, 'unsubscribe_link'));
  return { status: 200, html: done };
}

/**
 * The person behind a message wants no more of it: the consent for the campaign's purpose is withdrawn in the
 * ledger (for a purpose on another basis, the person objects, Art. 21(2)), once; the message remembers when.
 * Used by the unsubscribe link and by spam complaints. Inside the caller's transaction.
 */
export async function stopMailingFor(
  tx: Executor,
  deps: { keys: KeyRing; subjects: SubjectKeyStore },
  messageId: string,
  method: 'unsubscribe_link' | 'spam_complaint',
): Promise<void> {
  const [message] = await tx.select().from(campaignMessages).where(eq(campaignMessages.id, messageId));
  if (!message) return;
  const [campaign] = await tx.select().from(campaigns).where(eq(campaigns.id, message.campaignId));
  const contact = message.contactId ? await findContactRow(tx, message.contactId, { forUpdate: true }) : null;
  if (!campaign || !contact) return;
  const purpose = (await findPurposeRecords(tx)).find((p) => p.key === campaign.purpose);
  const kind = purpose?.lawfulBasis === 'consent' ? 'withdrawn' : 'objected';
  const [state] = await queryRows<{ consent: string; objected: boolean }>(
    tx,
    sql`select consent, objected from consent_states where subject_id = ${contact.subjectId} and purpose = ${campaign.purpose}`,
  );
  const already =
    kind === 'withdrawn'
      ? !['given', 'pending'].includes(state?.consent ?? 'none')
      : state?.objected === true;
  if (!already) {
    const event = await appendLedgerEvent(tx, deps.subjects, {
      subjectId: contact.subjectId,
      kind,
      purpose: campaign.purpose,
      noticeId: null,
      language: null,
      method,
      occurredAt: new Date(),
      actor: { type: 'subject', id: null },
      relatesTo: null,
      conflictsWith: null,
      mergedFrom: null,
      proof: { ...emptyProof, source: `campaign:${campaign.id}` },
    });
    await recordAudit(
      tx,
      deps.keys,
      systemContext(method === 'unsubscribe_link' ? 'unsubscribe' : 'mail-events'),
      {
        action: `consent.${kind}`,
        entityType: 'consentEvent',
        entityId: event.row.id,
        subjectIds: [contact.subjectId],
        access: 'change',
      },
    );
  }
  if (method === 'unsubscribe_link' && !message.unsubscribedAt)
    await tx
      .update(campaignMessages)
      .set({ unsubscribedAt: new Date() })
      .where(eq(campaignMessages.id, messageId));
  if (method === 'spam_complaint' && !message.complainedAt)
    await tx
      .update(campaignMessages)
      .set({ complainedAt: new Date() })
      .where(eq(campaignMessages.id, messageId));
}
