import { mergeFields } from '@custodian/contracts';
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { contactEntity, indexOf } from '../../catalog/index.js';
import { systemContext } from '../../platform/access.js';
import type { ControllerConfig } from '../../platform/config.js';
import type { BlindIndexer } from '../../platform/crypto/blind-index.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Db, transaction } from '../../platform/db/database.js';
import { escapeHtml } from '../../platform/http/html.js';
import type { JobQueue } from '../../platform/jobs.js';
import { isPermanentRecipientRefusal, type Mailer } from '../../platform/mail.js';
import { recordAudit } from '../audit/index.js';
import { answerProcessing } from '../consents/index.js';
import { findContactRows, mailableEmail, openContacts } from '../contacts/index.js';
import { preferenceUrlOf } from '../preferences/index.js';
import { findPurposeRecords } from '../purposes/index.js';
import { segmentMemberIds, segments } from '../segments/index.js';
import type { SubjectKeyStore } from '../subjects/index.js';
import { findSuppressedEmailTokens } from '../suppressions/index.js';
import { messageTokenOf, recordPermanentBounce, returnPathOf } from './mail-events.js';
import { campaignMessages, campaigns } from './schema.js';
import { trackHtml, trackingPurpose } from './tracking.js';

export const campaignQueue = 'campaign-send';

export interface SendDeps {
  db: Db;
  keys: KeyRing;
  subjects: SubjectKeyStore;
  indexer: BlindIndexer;
  mailer: Mailer;
  publicUrl: string;
  controller: ControllerConfig;
  /** Throttling: at least this long between two messages (CAMPAIGN_RATE_PER_SECOND). */
  minIntervalMs: number;
  /** Retries of one message before it counts as failed. */
  maxAttempts?: number;
  /** The domain of the VERP return paths (`bounces+<token>@domain`); null to keep the server's envelope sender. */
  bounceDomain: string | null;
}

/** The unsubscribe token of a message: its id and a MAC, so no one can unsubscribe someone else. */
export const unsubscribeTokenOf = (keys: KeyRing, messageId: string): string =>
  `${messageId}.${keys.mac('campaign-unsubscribe', messageId).subarray(0, 16).toString('base64url')}`;

const mergePattern = /\{\{\s*([A-Za-z]+)\s*\}\}/g;
/** Fills merge fields; in HTML every value is escaped, in a header no value can break the line. */
export function render(
  template: string,
  values: Record<string, string>,
  mode: 'html' | 'text' | 'header',
): string {
  return template.replace(mergePattern, (_match, name: string) => {
    const value = (mergeFields as readonly string[]).includes(name) ? (values[name] ?? '') : '';
    if (mode === 'html') return escapeHtml(value);
    return mode === 'header' ? value.replace(/[\r\n]+/g, ' ') : value;
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Lists the recipients once (every member of the segment when sending starts), then sends message by message.
 * Each batch of recipients asks the processing guard right before it is sent; the refused are recorded with
 * the guard's first reason. A message is marked `sending` in its own transaction before the mail server is
 * called and `sent` after: a crash in between leaves it `uncertain` and it is never sent again, so a restart
 * sends every other message exactly once. An SMTP failure puts the message back and throws, so the job retries
 * with backoff; after `maxAttempts` it is `failed`. Returns how many messages this run sent.
 */
export async function sendCampaignMessages(
  deps: SendDeps,
  campaignId: string,
  log?: Logger,
): Promise<number> {
  const { db, keys } = deps;
  const maxAttempts = deps.maxAttempts ?? 5;
  const ctx = systemContext('campaign-send');
  const [campaign] = await db.select().from(campaigns).where(eq(campaigns.id, campaignId));
  if (!campaign || (campaign.status !== 'queued' && campaign.status !== 'sending')) return 0;
  if (!campaign.listedAt) {
    const listed = await transaction(db, async (tx) => {
      const [row] = await tx.select().from(campaigns).where(eq(campaigns.id, campaignId)).for('update');
      if (!row || row.listedAt || (row.status !== 'queued' && row.status !== 'sending')) return true;
      const [segment] = row.segmentId
        ? await tx.select().from(segments).where(eq(segments.id, row.segmentId))
        : [];
      if (!segment) {
        await tx
          .update(campaigns)
          .set({ status: 'cancelled', finishedAt: new Date() })
          .where(eq(campaigns.id, campaignId));
        return false;
      }
      const now = new Date();
      let after: { at: Date; id: string } | null = null;
      for (;;) {
        const page = await segmentMemberIds(tx, segment.filter, { limit: 1000, after, now });
        if (page.length === 0) break;
        await tx
          .insert(campaignMessages)
          .values(page.map((m) => ({ campaignId, contactId: m.id })))
          .onConflictDoNothing();
        const last = page[page.length - 1]!;
        after = { at: last.createdAt, id: last.id };
      }
      await tx
        .update(campaigns)
        .set({ status: 'sending', startedAt: row.startedAt ?? now, listedAt: now, updatedAt: now })
        .where(eq(campaigns.id, campaignId));
      return true;
    });
    if (!listed) return 0;
  }
  // Messages a crash left half-sent are not sent again.
  await db
    .update(campaignMessages)
    .set({ status: 'uncertain' })
    .where(and(eq(campaignMessages.campaignId, campaignId), eq(campaignMessages.status, 'sending')));

  const purpose = (await findPurposeRecords(db)).find((p) => p.key === campaign.purpose);
  let sent = 0;
  let lastSend = 0;
  for (;;) {
    const [current] = await db
      .select({ status: campaigns.status })
      .from(campaigns)
      .where(eq(campaigns.id, campaignId));
    if (current?.status !== 'sending') return sent; // cancelled
    const batch = await db
      .select()
      .from(campaignMessages)
      .where(and(eq(campaignMessages.campaignId, campaignId), eq(campaignMessages.status, 'pending')))
      .orderBy(asc(campaignMessages.id))
      .limit(20);
    if (batch.length === 0) break;
    const refuse = (ids: string[], reason: string) =>
      ids.length === 0
        ? Promise.resolve()
        : db
            .update(campaignMessages)
            .set({ status: 'refused', reason })
            .where(and(inArray(campaignMessages.id, ids), eq(campaignMessages.status, 'pending')));
    await refuse(
      batch.filter((m) => m.contactId === null).map((m) => m.id),
      'erased',
    );
    const linked = batch.filter((m) => m.contactId !== null);
    // The guard, asked now for exactly the people about to be mailed.
    const { answers } = await answerProcessing(db, campaign.purpose, {
      contactIds: linked.map((m) => m.contactId!),
    });
    const answerOf = new Map(answers.map((a) => [a.contactId, a] as const));
    const byReason = new Map<string, string[]>();
    const allowed = linked.filter((m) => {
      const answer = answerOf.get(m.contactId!);
      const reason = !answer ? 'erased' : answer.allowed ? null : answer.reasons[0]!;
      if (reason) byReason.set(reason, [...(byReason.get(reason) ?? []), m.id]);
      return reason === null;
    });
    for (const [reason, ids] of byReason) await refuse(ids, reason);
    // Tracking, when the campaign has it, only for those whose own consent to it is given now.
    const tracked = new Set<string>();
    if (campaign.tracking && campaign.html && allowed.length > 0) {
      const tracking = await answerProcessing(db, trackingPurpose, {
        contactIds: allowed.map((m) => m.contactId!),
      });
      if (tracking.purpose.lawfulBasis === 'consent')
        for (const a of tracking.answers) if (a.allowed) tracked.add(a.contactId);
    }
    const opened = new Map(
      (
        await openContacts(
          db,
          deps,
          await findContactRows(
            db,
            allowed.map((m) => m.contactId!),
          ),
        )
      ).map((c) => [c.row.id, c] as const),
    );
    // An address on the suppression list (someone erased, or who asked never to be contacted, and whose
    // address came back on another record) is never mailed, whatever that record's consent says.
    const emailIndex = indexOf(contactEntity, 'emails').name;
    const tokenOf = (address: string) => deps.indexer.exactEmail(emailIndex, address).toString();
    const addresses = [...opened.values()].flatMap((c) => mailableEmail(c.personal.emails)?.value ?? []);
    const suppressed = await findSuppressedEmailTokens(db, deps.indexer, addresses.map(tokenOf));
    for (const message of allowed) {
      const contact = opened.get(message.contactId!);
      const emails = contact?.personal.emails ?? [];
      const address = mailableEmail(emails)?.value;
      if (!contact || !address) {
        await refuse([message.id], !contact ? 'erased' : emails.length > 0 ? 'undeliverable' : 'no_address');
        continue;
      }
      if (suppressed.has(tokenOf(address))) {
        await refuse([message.id], 'suppressed');
        continue;
      }
      const isTracked = tracked.has(contact.row.id);
      // The pause of the send rate comes before the claim: a crash while waiting leaves the message pending
      // (sent after the restart), not uncertain (never sent again) as if it had been with the mail server.
      const wait = lastSend + deps.minIntervalMs - Date.now();
      if (wait > 0) await sleep(wait);
      const claimed = await db
        .update(campaignMessages)
        .set({ status: 'sending', attempts: sql`${campaignMessages.attempts} + 1`, tracked: isTracked })
        .where(and(eq(campaignMessages.id, message.id), eq(campaignMessages.status, 'pending')))
        .returning({ attempts: campaignMessages.attempts });
      if (claimed.length === 0) continue; // another worker has it
      const values = {
        firstName: contact.personal.firstName ?? '',
        lastName: contact.personal.lastName ?? '',
      };
      const url = `${deps.publicUrl}/api/v1/public/unsubscribe?token=${unsubscribeTokenOf(keys, message.id)}`;
      const why = `${deps.controller.name} sends you this for: ${purpose?.name ?? campaign.purpose}.`;
      const preferences = preferenceUrlOf(keys, deps.publicUrl, contact.row.subjectId);
      try {
        lastSend = Date.now();
        await deps.mailer.send({
          to: address,
          subject: render(campaign.subject, values, 'header'),
          text: `${render(campaign.text, values, 'text')}\n\n--\n${why}\nUnsubscribe with one click: ${url}\nAll your subscriptions: ${preferences}\n`,
          ...(campaign.html
            ? {
                html: `${isTracked ? trackHtml(keys, deps.publicUrl, message.id, render(campaign.html, values, 'html')) : render(campaign.html, values, 'html')}<hr><p style="font-size:12px;color:#555">${escapeHtml(why)} <a href="${escapeHtml(url)}">Unsubscribe</a> · <a href="${escapeHtml(preferences)}">All your subscriptions</a></p>`,
              }
            : {}),
          headers: {
            'List-Unsubscribe': `<${url}>`,
            'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
            // Feedback reports (ARF) return the original's headers: this finds the message again.
            'X-Custodian-Message': messageTokenOf(keys, message.id),
          },
          ...(deps.bounceDomain ? { envelopeFrom: returnPathOf(keys, deps.bounceDomain, message.id) } : {}),
        });
      } catch (err) {
        if (isPermanentRecipientRefusal(err)) {
          // The server refused the address itself: a permanent bounce now, not a retry.
          await transaction(db, (tx) =>
            recordPermanentBounce(tx, deps, {
              messageId: message.id,
              status: String(err.responseCode),
              address,
              refusedAtOnce: true,
            }),
          );
          continue;
        }
        const failed = claimed[0]!.attempts >= maxAttempts;
        await db
          .update(campaignMessages)
          .set(failed ? { status: 'failed', reason: 'smtp' } : { status: 'pending' })
          .where(eq(campaignMessages.id, message.id));
        if (failed) continue;
        throw err;
      }
      await transaction(db, async (tx) => {
        await tx
          .update(campaignMessages)
          .set({ status: 'sent', sentAt: new Date() })
          .where(eq(campaignMessages.id, message.id));
        await recordAudit(tx, keys, ctx, {
          action: 'campaign.mail.sent',
          entityType: 'campaign',
          entityId: campaignId,
          subjectIds: [contact.row.subjectId],
          access: 'read',
          categories: ['identity', 'contact'],
        });
      });
      sent += 1;
    }
  }
  await db
    .update(campaigns)
    .set({ status: 'sent', finishedAt: new Date(), updatedAt: new Date() })
    .where(and(eq(campaigns.id, campaignId), eq(campaigns.status, 'sending')));
  log?.info({ sent }, 'campaign sent');
  return sent;
}

export async function enqueueCampaign(jobs: JobQueue, campaignId: string, at: Date | null): Promise<void> {
  await jobs.send(
    campaignQueue,
    { campaignId },
    { retryLimit: 10, retryDelay: 30, retryBackoff: true, ...(at ? { startAfter: at } : {}) },
  );
}

/** Works the campaign queue; campaigns queued while no server could send are picked up at start. */
export async function startCampaignWorker(
  jobs: JobQueue,
  deps: Omit<SendDeps, 'mailer'> & { mailer: Mailer | null },
  log: Logger,
): Promise<void> {
  await jobs.createQueue(campaignQueue);
  const { mailer } = deps;
  if (!mailer) return;
  await jobs.work<{ campaignId: string }>(campaignQueue, { pollingIntervalSeconds: 1 }, async ([job]) => {
    if (job) await sendCampaignMessages({ ...deps, mailer }, job.data.campaignId, log);
  });
  const waiting = await deps.db
    .select({ id: campaigns.id, scheduledAt: campaigns.scheduledAt })
    .from(campaigns)
    .where(and(inArray(campaigns.status, ['queued', 'sending']), isNull(campaigns.finishedAt)));
  for (const c of waiting)
    await enqueueCampaign(jobs, c.id, c.scheduledAt && c.scheduledAt > new Date() ? c.scheduledAt : null);
}
