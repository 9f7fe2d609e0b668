import type { GpcOutcome, Preferences, PurposeRecord, updatePreferencesBody } from '@custodian/contracts';
import { eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { assertPermission, type RequestContext, systemContext } from '../../platform/access.js';
import { constantTimeEqual, type KeyRing } from '../../platform/crypto/keys.js';
import { type Db, type Executor, queryRows, transaction } from '../../platform/db/database.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import {
  answerProcessing,
  appendLedgerEvent,
  emptyProof,
  hashNetworkAddress,
  honourGpc,
} from '../consents/index.js';
import { contacts, findContactRow } from '../contacts/index.js';
import { findNotice } from '../notices/index.js';
import { findPurposeRecords } from '../purposes/index.js';
import type { SubjectKeyStore } from '../subjects/index.js';

export interface PreferenceDeps {
  db: Db;
  keys: KeyRing;
  subjects: SubjectKeyStore;
  publicUrl: string;
}

/** A person's link: their random subject id and a MAC, so no one can open someone else's preferences. */
export const preferenceTokenOf = (keys: KeyRing, subjectId: string): string =>
  `p1.${subjectId}.${keys.mac('preference-link', subjectId.toLowerCase()).subarray(0, 16).toString('base64url')}`;

export const preferenceUrlOf = (keys: KeyRing, publicUrl: string, subjectId: string): string =>
  `${publicUrl}/privacy/preferences?token=${preferenceTokenOf(keys, subjectId)}`;

const invalidLink = () => new AppError('not_found', 'This link is not valid');

/** Where a call to the preference centre came from, for the proof of a Global Privacy Control opt-out. */
export interface PreferenceOrigin {
  gpc: boolean;
  networkAddress: string;
  userAgent: string | null;
}

/** The person opened their own preferences: a `Sec-GPC: 1` from their browser is their opt-out of sale and sharing. */
async function honourGpcOf(
  tx: Executor,
  deps: PreferenceDeps,
  subjectId: string,
  origin: PreferenceOrigin | undefined,
): Promise<GpcOutcome> {
  if (!origin?.gpc) return { signal: false, recorded: false };
  const event = await honourGpc(tx, deps.subjects, subjectId, {
    ...emptyProof,
    source: 'preference-centre',
    networkAddressHash: hashNetworkAddress(deps, origin.networkAddress),
    userAgent: origin.userAgent?.slice(0, 500) ?? null,
  });
  if (event)
    await recordAudit(tx, deps.keys, systemContext('preference-centre'), {
      action: 'consent.sale_sharing_opted_out',
      entityType: 'consentEvent',
      entityId: event.row.id,
      subjectIds: [subjectId],
      access: 'change',
    });
  return { signal: true, recorded: event !== null };
}

async function contactOfToken(ex: Executor, keys: KeyRing, token: string, lock = false) {
  const [version, subjectId] = token.split('.');
  if (version !== 'p1' || !subjectId || !/^[0-9a-f-]{36}$/.test(subjectId)) throw invalidLink();
  const genuine = keys
    .all()
    .some((ring) => constantTimeEqual(Buffer.from(preferenceTokenOf(ring, subjectId)), Buffer.from(token)));
  if (!genuine) throw invalidLink();
  const [row] = await ex.select({ id: contacts.id }).from(contacts).where(eq(contacts.subjectId, subjectId));
  const contact = row ? await findContactRow(ex, row.id, { forUpdate: lock }) : null;
  if (!contact) throw invalidLink(); // erased since, or never a contact
  return contact;
}

/** Which purposes a person manages here, and how. */
const choiceOf = (p: PurposeRecord): 'subscribe' | 'object' | null =>
  p.lawfulBasis === 'consent'
    ? 'subscribe'
    : p.lawfulBasis === 'legitimate_interests' && (p.profiling || p.dpvPurpose === 'dpv:DirectMarketing')
      ? 'object'
      : null;

/** The latest notice version covering the purpose, in the language asked for when it has it. */
async function noticeFor(ex: Executor, purpose: string, language: string) {
  const [row] = await queryRows<{ id: string }>(
    ex,
    sql`select n.id from notices n
        where ${purpose} = any(n.purposes) and n.version = (select max(m.version) from notices m where m.key = n.key)
        order by n.published_at desc limit 1`,
  );
  const notice = row ? await findNotice(ex, row.id) : null;
  if (!notice) return null;
  const text =
    notice.texts.find((t) => t.language === language) ??
    notice.texts.find((t) => t.language.split('-')[0] === language.split('-')[0]) ??
    notice.texts[0]!;
  return { id: notice.id, language: text.language, text: text.text };
}

async function preferencesOf(ex: Executor, contact: { id: string; subjectId: string }, language: string) {
  const purposes = (await findPurposeRecords(ex)).filter((p) => choiceOf(p) !== null);
  const states = await queryRows<{ purpose: string; consent: string; objected: boolean }>(
    ex,
    sql`select purpose, consent, objected from consent_states where subject_id = ${contact.subjectId}`,
  );
  const stateOf = new Map(states.map((s) => [s.purpose, s] as const));
  const items: Preferences['purposes'] = [];
  for (const p of purposes) {
    const choice = choiceOf(p)!;
    const { answers } = await answerProcessing(ex, p.key, { contactIds: [contact.id] });
    const state = stateOf.get(p.key);
    items.push({
      purpose: p.key,
      name: p.name,
      description: p.description,
      lawfulBasis: p.lawfulBasis,
      choice,
      consent:
        choice === 'subscribe'
          ? ((state?.consent ?? 'none') as Preferences['purposes'][number]['consent'])
          : null,
      objected: state?.objected ?? false,
      active: answers[0]?.allowed ?? false,
      notice: choice === 'subscribe' ? await noticeFor(ex, p.key, language) : null,
    });
  }
  return { purposes: items };
}

export async function getPreferences(
  deps: PreferenceDeps & { token: string; language?: string; origin?: PreferenceOrigin },
): Promise<Preferences> {
  const { db, keys, token } = deps;
  return transaction(db, async (tx) => {
    const contact = await contactOfToken(tx, keys, token, deps.origin?.gpc === true);
    const gpc = await honourGpcOf(tx, deps, contact.subjectId, deps.origin);
    await recordAudit(tx, keys, systemContext('preference-centre'), {
      action: 'preferences.read',
      entityType: 'consentState',
      subjectIds: [contact.subjectId],
      categories: ['identity'],
    });
    return { ...(await preferencesOf(tx, contact, deps.language ?? 'en')), gpc };
  });
}

/**
 * Each change is one ledger event made by the person (method `portal`), effective at once: a subscription is
 * given under the notice in force, in the language asked for; a withdrawal, an objection or its withdrawal
 * needs none. A change that changes nothing records nothing.
 */
export async function updatePreferences(
  deps: PreferenceDeps & {
    token: string;
    input: z.output<typeof updatePreferencesBody>;
    origin?: PreferenceOrigin;
  },
): Promise<Preferences> {
  const { db, keys, subjects, token, input } = deps;
  return transaction(db, async (tx) => {
    const contact = await contactOfToken(tx, keys, token, true);
    const gpc = await honourGpcOf(tx, deps, contact.subjectId, deps.origin);
    const current = await preferencesOf(tx, contact, 'en');
    const details: { field: string; issue: string }[] = [];
    const events: {
      kind: 'given' | 'withdrawn' | 'objected' | 'objection_withdrawn';
      purpose: string;
      notice: { id: string; language: string } | null;
    }[] = [];
    for (const [i, change] of input.changes.entries()) {
      const pref = current.purposes.find((p) => p.purpose === change.purpose);
      const at = `body.changes.${i}`;
      if (!pref) {
        details.push({ field: `${at}.purpose`, issue: 'is not managed here' });
        continue;
      }
      if (pref.choice === 'subscribe') {
        if (change.subscribed === undefined || change.objected !== undefined) {
          details.push({
            field: `${at}.subscribed`,
            issue: 'say whether to subscribe (this purpose needs consent)',
          });
          continue;
        }
        const subscribed = pref.consent === 'given' || pref.consent === 'pending';
        if (change.subscribed && !subscribed) {
          const notice = await noticeFor(tx, pref.purpose, change.language ?? 'en');
          if (!notice) details.push({ field: `${at}.purpose`, issue: 'no published notice covers it yet' });
          else events.push({ kind: 'given', purpose: pref.purpose, notice });
        } else if (!change.subscribed && subscribed)
          events.push({ kind: 'withdrawn', purpose: pref.purpose, notice: null });
      } else {
        if (change.objected === undefined || change.subscribed !== undefined) {
          details.push({
            field: `${at}.objected`,
            issue: 'say whether to object (this purpose does not ask consent)',
          });
          continue;
        }
        if (change.objected && !pref.objected)
          events.push({ kind: 'objected', purpose: pref.purpose, notice: null });
        if (!change.objected && pref.objected)
          events.push({ kind: 'objection_withdrawn', purpose: pref.purpose, notice: null });
      }
    }
    if (details.length > 0)
      throw new AppError('validation_failed', 'Some changes cannot be made', { details });
    for (const e of events) {
      const stored = await appendLedgerEvent(tx, subjects, {
        subjectId: contact.subjectId,
        kind: e.kind,
        purpose: e.purpose,
        noticeId: e.notice?.id ?? null,
        language: e.notice?.language ?? null,
        method: 'portal',
        occurredAt: new Date(),
        actor: { type: 'subject', id: null },
        relatesTo: null,
        conflictsWith: null,
        mergedFrom: null,
        proof: { ...emptyProof, source: 'preference-centre' },
      });
      await recordAudit(tx, keys, systemContext('preference-centre'), {
        action: `consent.${e.kind}`,
        entityType: 'consentEvent',
        entityId: stored.row.id,
        subjectIds: [contact.subjectId],
        access: 'change',
      });
    }
    return { ...(await preferencesOf(tx, contact, 'en')), gpc };
  });
}

export async function preferenceLink(
  deps: PreferenceDeps & { ctx: RequestContext; id: string },
): Promise<{ url: string }> {
  const { db, keys, ctx, id } = deps;
  assertPermission(ctx.actor, 'consents:record');
  return transaction(db, async (tx) => {
    const contact = await findContactRow(tx, id);
    if (!contact) throw notFound('contact');
    await recordAudit(tx, keys, ctx, {
      action: 'preferences.link',
      entityType: 'contact',
      entityId: id,
      subjectIds: [contact.subjectId],
      categories: ['online_identifier'],
    });
    return { url: preferenceUrlOf(keys, deps.publicUrl, contact.subjectId) };
  });
}
