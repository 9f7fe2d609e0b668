import { and, asc, eq, isNull } from 'drizzle-orm';
import { constantTimeEqual, type KeyRing } from '../../platform/crypto/keys.js';
import type { Db, Executor } from '../../platform/db/database.js';
import { lowercaseUuid } from '../../platform/db/ids.js';
import { escapeHtml } from '../../platform/http/html.js';
import { answerProcessing } from '../consents/index.js';
import { campaignMessages, campaigns } from './schema.js';

/** The purpose whose consent tracking needs; each recipient's is asked at send time and again at each hit. */
export const trackingPurpose = 'email_tracking';

/** A tracking token: the message id and a MAC over what it may record (an open, or a click on one link). */
const tokenOf = (keys: KeyRing, messageId: string, what: string): string =>
  `${messageId}.${keys.mac('campaign-tracking', `${messageId}\n${what}`).subarray(0, 16).toString('base64url')}`;

function messageOf(keys: KeyRing, token: string, what: string): string | null {
  const id = token.split('.')[0] ?? '';
  if (!lowercaseUuid.test(id)) return null;
  const ok = keys
    .all()
    .some((ring) => constantTimeEqual(Buffer.from(tokenOf(ring, id, what)), Buffer.from(token)));
  return ok ? id : null;
}

/**
 * The HTML of a tracked message: every http(s) link goes through the click address (its MAC covers the link,
 * so the address redirects nowhere else) and a 1×1 image records the open. Untracked messages never pass here.
 */
export function trackHtml(keys: KeyRing, publicUrl: string, messageId: string, html: string): string {
  const linked = html.replace(/href="(https?:\/\/[^"]+)"/gi, (_m, escaped: string) => {
    const url = escaped.replaceAll('&amp;', '&');
    const token = tokenOf(keys, messageId, `click:${url}`);
    const via = `${publicUrl}/api/v1/public/t/click?token=${token}&u=${encodeURIComponent(url)}`;
    return `href="${escapeHtml(via)}"`;
  });
  const pixel = `${publicUrl}/api/v1/public/t/open?token=${tokenOf(keys, messageId, 'open')}`;
  return `${linked}<img src="${escapeHtml(pixel)}" width="1" height="1" alt="" style="display:block;border:0">`;
}

/**
 * Records the first open or click of a tracked message, if the token is genuine and the person's consent to
 * tracking still stands (withdrawn since the mail was sent: nothing is recorded). Returns the link to
 * redirect to for a genuine click token, else null; an open answers the image whatever happens.
 */
export async function recordTrackingHit(
  deps: { db: Db; keys: KeyRing },
  hit: { kind: 'open' } | { kind: 'click'; url: string },
  token: string,
): Promise<{ genuine: boolean }> {
  const { db, keys } = deps;
  const what = hit.kind === 'open' ? 'open' : `click:${hit.url}`;
  const id = messageOf(keys, token, what);
  if (!id) return { genuine: false };
  const [message] = await db
    .select({ contactId: campaignMessages.contactId, tracked: campaignMessages.tracked })
    .from(campaignMessages)
    .where(eq(campaignMessages.id, id));
  if (!message?.tracked || !message.contactId) return { genuine: true };
  const { answers } = await answerProcessing(db, trackingPurpose, { contactIds: [message.contactId] });
  if (!answers[0]?.allowed) return { genuine: true };
  const now = new Date();
  await db
    .update(campaignMessages)
    .set({ openedAt: now })
    .where(and(eq(campaignMessages.id, id), isNull(campaignMessages.openedAt)));
  if (hit.kind === 'click')
    await db
      .update(campaignMessages)
      .set({ clickedAt: now })
      .where(and(eq(campaignMessages.id, id), isNull(campaignMessages.clickedAt)));
  return { genuine: true };
}

/** A transparent 1×1 GIF. */
export const pixelGif = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/** The campaign mails meant for one contact and what was recorded about each, oldest first (access packages). */
export async function campaignMailOf(ex: Executor, contactId: string) {
  const rows = await ex
    .select({ m: campaignMessages, name: campaigns.name, purpose: campaigns.purpose })
    .from(campaignMessages)
    .innerJoin(campaigns, eq(campaigns.id, campaignMessages.campaignId))
    .where(eq(campaignMessages.contactId, contactId))
    .orderBy(asc(campaigns.createdAt));
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return rows.map(({ m, name, purpose }) => ({
    campaign: name,
    purpose,
    status: m.status,
    sentAt: iso(m.sentAt),
    tracked: m.tracked,
    openedAt: iso(m.openedAt),
    clickedAt: iso(m.clickedAt),
    unsubscribedAt: iso(m.unsubscribedAt),
    bouncedAt: iso(m.bouncedAt),
    complainedAt: iso(m.complainedAt),
  }));
}
