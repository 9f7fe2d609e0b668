import type {
  assessBreachImpactBody,
  Breach,
  BreachDrafts,
  DataCategory,
  ImpactAssessment,
  notifyBreachPeopleBody,
} from '@custodian/contracts';
import { and, asc, eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { assertPermission, type RequestContext, systemContext } from '../../platform/access.js';
import type { ControllerConfig } from '../../platform/config.js';
import type { BlindIndexer } from '../../platform/crypto/blind-index.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Db, transaction } from '../../platform/db/database.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import type { JobQueue } from '../../platform/jobs.js';
import type { Mailer } from '../../platform/mail.js';
import { affectedContactIds, assessImpact, recordAudit } from '../audit/index.js';
import { findContactRows, openContacts } from '../contacts/index.js';
import { assertNoIdentifiers } from '../scanner/index.js';
import type { SubjectKeyStore } from '../subjects/index.js';
import { type BreachRow, noticeCounts, presentBreach } from './breaches.js';
import { breaches, breachNotices } from './schema.js';

export const breachNoticeQueue = 'breach-notices';

export interface NoticeDeps {
  db: Db;
  keys: KeyRing;
  subjects: SubjectKeyStore;
  indexer: BlindIndexer;
  timeZone: string;
  controller: ControllerConfig;
}

/** The categories in the words a person reads them in, with what they can do about each. */
const plain: Record<DataCategory, { what: string; advice: string | null }> = {
  identity: { what: 'your name', advice: null },
  contact: {
    what: 'your contact details (e-mail addresses, phone numbers)',
    advice:
      'Be careful with unexpected e-mails, messages or calls that mention us or ask for passwords or payments: we never ask for them.',
  },
  location: {
    what: 'your postal address',
    advice: 'Be wary of unexpected letters or visits that mention us.',
  },
  online_identifier: {
    what: 'online identifiers (such as account names)',
    advice: 'Change passwords you use with us or elsewhere.',
  },
  financial: {
    what: 'financial details',
    advice: 'Check your bank and card statements, and tell your bank about any payment you do not recognise.',
  },
  professional: { what: 'your job title and employer', advice: null },
  behavioural: { what: 'notes about our contacts with you', advice: null },
  special: {
    what: 'sensitive information (such as health data)',
    advice: 'If you are worried about how this information could be used, you can ask us for support.',
  },
  children: { what: 'information about a child', advice: null },
};
const authorityNames: Record<DataCategory, string> = {
  identity: 'identification data',
  contact: 'contact details',
  location: 'location data (postal addresses)',
  online_identifier: 'online identifiers',
  financial: 'financial data',
  professional: 'professional data',
  behavioural: 'behavioural data (interaction history)',
  special: 'special categories of personal data (Art. 9)',
  children: 'data concerning children',
};

const list = (items: string[]) =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;

/**
 * The two notifications, generated from the record: the authority's with every item of Art. 33(3), the people's
 * in plain language with the items of Art. 34(2). Staff edit before sending; nothing here names a person.
 */
export function draftNotifications(
  breach: Breach,
  controller: ControllerConfig,
  timeZone: string,
): BreachDrafts {
  const local = (iso: string) =>
    DateTime.fromISO(iso, { zone: timeZone }).toFormat(`d MMMM yyyy, HH:mm '${timeZone}'`);
  const categories = breach.categories as DataCategory[];
  const dpo = controller.dpo;
  const dpoLine = dpo
    ? `${dpo.name ?? 'The data protection officer'}${dpo.email ? `, ${dpo.email}` : ''}`
    : `No data protection officer is designated; contact ${controller.email ?? controller.url}.`;
  const impact = breach.impact;
  const people = impact?.people ?? breach.peopleApprox;
  const records = impact ? impact.entries.read + impact.entries.change : breach.recordsApprox;
  const late = Date.parse(breach.authorityDeadline) < Date.now() && breach.authorityDecision !== 'notified';
  const authority = [
    `Notification of a personal data breach (GDPR Article 33)`,
    '',
    `1. Controller: ${controller.name}, ${controller.address}${controller.email ? `, ${controller.email}` : ''}.`,
    `   Data protection officer or other contact point: ${dpoLine}`,
    '',
    `2. Nature of the breach: ${breach.nature}`,
    `   Detected: ${local(breach.detectedAt)}. The controller became aware: ${local(breach.awareAt)}.`,
    `   Categories of personal data concerned: ${categories.length > 0 ? list(categories.map((c) => authorityNames[c])) : 'being established'}.`,
    `   Approximate number of people concerned: ${people ?? 'being established'}.`,
    `   Approximate number of personal data records concerned: ${records ?? 'being established'}.`,
    ...(impact
      ? [
          `   These figures come from the audit trail: every read or change made by the compromised ${impact.actor.type === 'token' ? 'API token' : 'account'} between ${local(impact.from)} and ${local(impact.to)}, assessed ${local(impact.assessedAt)}.`,
        ]
      : []),
    '',
    `3. Likely consequences: ${breach.consequences || 'being assessed'}`,
    '',
    `4. Measures taken or proposed, including to mitigate possible adverse effects: ${breach.measures || 'being decided'}`,
    '',
    `5. Communication to the people concerned (Article 34): ${
      breach.peopleDecision === 'notified'
        ? `made on ${local(breach.peopleNotifiedAt!)}.`
        : breach.peopleDecision === 'not_required'
          ? `not made${breach.peopleException ? `, under Article 34(3): ${breach.peopleException.replace(/_/g, ' ')}` : ''}.`
          : breach.risk === 'high'
            ? 'planned: the risk to them is assessed as high.'
            : 'not planned: the risk to them is not assessed as high.'
    }`,
    ...(late || breach.delayReason
      ? [
          '',
          `6. Reasons for the delay beyond 72 hours (Article 33(1)): ${breach.delayReason ?? '[to be completed]'}`,
        ]
      : []),
  ].join('\n');
  const advice = categories.map((c) => plain[c].advice).filter((a): a is string => a !== null);
  const peopleText = [
    'Hello,',
    '',
    `We are writing to tell you about a security incident at ${controller.name} that involved some of your personal data.`,
    '',
    `What happened: ${breach.nature}`,
    '',
    `What information was involved: ${categories.length > 0 ? list(categories.map((c) => plain[c].what)) : 'we are still establishing this'}.`,
    '',
    `What this could mean for you: ${breach.consequences || 'we are still assessing this'}`,
    '',
    `What we have done: ${breach.measures || 'we are taking steps to contain the incident'}`,
    ...(advice.length > 0 ? ['', 'What you can do:', ...advice.map((a) => `- ${a}`)] : []),
    '',
    `If you have questions, contact our data protection officer: ${dpo ? dpoLine : (controller.email ?? controller.url)}.`,
    `You also have the right to lodge a complaint with a data protection supervisory authority.`,
    '',
    controller.name,
  ].join('\n');
  return {
    authority: { subject: `Personal data breach notification: ${breach.title}`, text: authority },
    people: { subject: `Important: a security incident involving your personal data`, text: peopleText },
  };
}

async function loadBreach(db: Db, id: string): Promise<BreachRow> {
  const [row] = await db.select().from(breaches).where(eq(breaches.id, id));
  if (!row) throw notFound('breach');
  return row;
}

async function present(db: Db, row: BreachRow, timeZone: string): Promise<Breach> {
  return presentBreach(row, timeZone, new Date(), (await noticeCounts(db, [row.id])).get(row.id));
}

export async function getBreachDrafts(
  deps: NoticeDeps & { ctx: RequestContext; id: string },
): Promise<BreachDrafts> {
  assertPermission(deps.ctx.actor, 'breaches:manage');
  const row = await loadBreach(deps.db, deps.id);
  return draftNotifications(await present(deps.db, row, deps.timeZone), deps.controller, deps.timeZone);
}

/**
 * Runs the impact assessment for a breach and keeps its figures with the record. Approximate numbers and
 * categories the staff have not filled in yet are taken from it; what they entered stays.
 */
export async function assessBreachImpact(
  deps: NoticeDeps & { ctx: RequestContext; id: string; input: z.output<typeof assessBreachImpactBody> },
): Promise<Breach> {
  const { db, keys, ctx, id, input } = deps;
  assertPermission(ctx.actor, 'breaches:manage');
  return transaction(db, async (tx) => {
    const [row] = await tx.select().from(breaches).where(eq(breaches.id, id)).for('update');
    if (!row) throw notFound('breach');
    const to = new Date(Math.min(Date.parse(input.to), Date.now()));
    const assessed: ImpactAssessment = await assessImpact(tx, { ...input, to: to.toISOString(), limit: 0 });
    const { affected: _a, truncated: _t, ...figures } = assessed;
    const found = figures.categories
      .map((c) => c.category)
      .filter((c): c is DataCategory => c !== 'unrecorded');
    const [updated] = await tx
      .update(breaches)
      .set({
        impact: figures,
        peopleApprox: row.peopleApprox ?? figures.people,
        recordsApprox: row.recordsApprox ?? figures.entries.read + figures.entries.change,
        categories: row.categories.length > 0 ? row.categories : found,
        updatedAt: new Date(),
      })
      .where(eq(breaches.id, id))
      .returning();
    await recordAudit(tx, keys, ctx, {
      action: 'breach.impact_assessment',
      entityType: 'breach',
      entityId: id,
    });
    return presentBreach(updated!, deps.timeZone, new Date(), (await noticeCounts(tx, [id])).get(id));
  });
}

/**
 * Tells the people (Art. 34): one notice per contact the impact assessment found, queued for the mail job,
 * and the decision recorded as made now. Calling it again queues only people not queued before (for instance
 * after a wider assessment).
 */
export async function notifyBreachPeople(
  deps: NoticeDeps & {
    ctx: RequestContext;
    id: string;
    input: z.output<typeof notifyBreachPeopleBody>;
    enqueue: (breachId: string) => Promise<void>;
  },
): Promise<{ queued: number; alreadyQueued: number; breach: Breach }> {
  const { db, keys, ctx, id, input } = deps;
  assertPermission(ctx.actor, 'breaches:manage');
  assertNoIdentifiers({ 'body.subject': input.subject, 'body.text': input.text });
  const result = await transaction(db, async (tx) => {
    const [row] = await tx.select().from(breaches).where(eq(breaches.id, id)).for('update');
    if (!row) throw notFound('breach');
    const impact = row.impact as Breach['impact'];
    if (!impact)
      throw new AppError('conflict', 'Run the impact assessment first: it finds the people to tell', {
        details: [{ field: 'impact', issue: 'no impact assessment yet' }],
      });
    if (row.peopleDecision === 'not_required')
      throw new AppError('conflict', 'The decision recorded is not to tell the people (Art. 34(3))', {
        details: [{ field: 'peopleDecision', issue: 'is not_required' }],
      });
    const drafts = draftNotifications(presentBreach(row, deps.timeZone), deps.controller, deps.timeZone);
    const contactIds = await affectedContactIds(tx, impact);
    let queued = 0;
    for (let i = 0; i < contactIds.length; i += 1000) {
      const inserted = await tx
        .insert(breachNotices)
        .values(contactIds.slice(i, i + 1000).map((contactId) => ({ breachId: id, contactId })))
        .onConflictDoNothing()
        .returning({ id: breachNotices.id });
      queued += inserted.length;
    }
    const now = new Date();
    const [updated] = await tx
      .update(breaches)
      .set({
        peopleDecision: 'notified',
        peopleNotifiedAt: row.peopleNotifiedAt ?? now,
        peopleException: null,
        peopleNoticeSubject: input.subject ?? row.peopleNoticeSubject ?? drafts.people.subject,
        peopleNoticeText: input.text ?? row.peopleNoticeText ?? drafts.people.text,
        updatedAt: now,
      })
      .where(eq(breaches.id, id))
      .returning();
    await recordAudit(tx, keys, ctx, { action: 'breach.notify_people', entityType: 'breach', entityId: id });
    return { queued, alreadyQueued: contactIds.length - queued, row: updated! };
  });
  await deps.enqueue(id);
  return {
    queued: result.queued,
    alreadyQueued: result.alreadyQueued,
    breach: await present(db, result.row, deps.timeZone),
  };
}

/**
 * Sends the queued notices of a breach, 100 at a time, each to the person's primary address. A notice is
 * marked sent (and audited, naming the person) right after the mail server accepted it; an SMTP failure
 * throws, so the job is retried and continues where it stopped. At-least-once: a crash between the two
 * repeats at most that one mail.
 */
export async function sendBreachNotices(
  deps: Omit<NoticeDeps, 'timeZone'> & { mailer: Mailer },
  breachId: string,
): Promise<number> {
  const { db, keys } = deps;
  const row = await loadBreach(db, breachId);
  if (!row.peopleNoticeSubject || !row.peopleNoticeText) return 0;
  const ctx = systemContext('breach-notices');
  let sent = 0;
  for (;;) {
    const batch = await db
      .select()
      .from(breachNotices)
      .where(and(eq(breachNotices.breachId, breachId), eq(breachNotices.status, 'queued')))
      .orderBy(asc(breachNotices.id))
      .limit(100);
    if (batch.length === 0) return sent;
    const linked = batch.filter((n) => n.contactId !== null);
    const contactRows = await findContactRows(
      db,
      linked.map((n) => n.contactId!),
    );
    const opened = new Map((await openContacts(db, deps, contactRows)).map((c) => [c.row.id, c] as const));
    for (const notice of batch) {
      const contact = notice.contactId ? opened.get(notice.contactId) : undefined;
      if (!contact) {
        await db.update(breachNotices).set({ status: 'erased' }).where(eq(breachNotices.id, notice.id));
        continue;
      }
      const emails = contact.personal.emails;
      const address = emails.find((e) => e.primary)?.value ?? emails[0]?.value;
      if (!address) {
        await db.update(breachNotices).set({ status: 'no_address' }).where(eq(breachNotices.id, notice.id));
        continue;
      }
      await deps.mailer.send({ to: address, subject: row.peopleNoticeSubject, text: row.peopleNoticeText });
      await transaction(db, async (tx) => {
        await tx
          .update(breachNotices)
          .set({ status: 'sent', sentAt: new Date() })
          .where(eq(breachNotices.id, notice.id));
        await recordAudit(tx, keys, ctx, {
          action: 'breach.notice.sent',
          entityType: 'breach',
          entityId: breachId,
          subjectIds: [contact.row.subjectId],
          access: 'read',
          categories: ['contact'],
        });
      });
      sent += 1;
    }
  }
}

export async function enqueueBreachNotices(jobs: JobQueue, breachId: string): Promise<void> {
  await jobs.send(breachNoticeQueue, { breachId }, { retryLimit: 8, retryDelay: 60, retryBackoff: true });
}

/** Works the notice queue on whichever server takes the job; without mail, notices wait for one that has it. */
export async function startBreachNoticeWorker(
  jobs: JobQueue,
  deps: Omit<NoticeDeps, 'timeZone'> & { mailer: Mailer | null },
  log: Logger,
): Promise<void> {
  const { mailer } = deps;
  await jobs.createQueue(breachNoticeQueue);
  if (!mailer) return;
  await jobs.work<{ breachId: string }>(breachNoticeQueue, { pollingIntervalSeconds: 1 }, async ([job]) => {
    if (!job) return;
    const sent = await sendBreachNotices({ ...deps, mailer }, job.data.breachId);
    if (sent > 0) log.info({ notices: sent }, 'breach notices sent');
  });
  // Notices queued while no server could send them.
  for (const id of await breachesWithQueuedNotices(deps.db)) await enqueueBreachNotices(jobs, id);
}

/** Breaches with notices still queued (after a restart without a queue, or a server without mail). */
export async function breachesWithQueuedNotices(db: Db): Promise<string[]> {
  const rows = await db
    .selectDistinct({ id: breachNotices.breachId })
    .from(breachNotices)
    .where(eq(breachNotices.status, 'queued'));
  return rows.map((r) => r.id);
}
