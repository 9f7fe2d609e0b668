import type { PackageFlag, Purpose, SubjectPackage } from '@custodian/contracts';
import { subjectPackageFormat } from '@custodian/contracts';
import { contactEntity } from '../catalog/index.js';
import { listActivityRows, openActivities } from '../modules/activities/index.js';
import { auditEntriesOfSubject } from '../modules/audit/index.js';
import { campaignMailOf } from '../modules/campaigns/index.js';
import { answerProcessing, listEventRows, openEvents, receiptsOfSubject } from '../modules/consents/index.js';
import {
  type ContactPersonal,
  type ContactRow,
  openContacts,
  tagsOfContacts,
} from '../modules/contacts/index.js';
import { listDealRows, stagesById } from '../modules/deals/index.js';
import { findImport } from '../modules/imports/index.js';
import { pseudonymRecipientNames } from '../modules/pseudonyms/index.js';
import { findPurposeRecords } from '../modules/purposes/index.js';
import { listRecipientRecords } from '../modules/recipients/index.js';
import type { RequestDeps } from '../modules/requests/index.js';
import { scanText } from '../modules/scanner/index.js';
import { profilingSectionOf } from '../modules/scoring/index.js';
import { listTaskRows, openTasks } from '../modules/tasks/index.js';
import { findUserById } from '../modules/users/index.js';
import { normalisePhone } from '../platform/crypto/blind-index.js';
import type { Tx } from '../platform/db/database.js';

const page = 1000;

/** Every page of a keyset-paginated list. */
async function all<T>(
  fetch: (after: { at: string; id: string } | null) => Promise<T[]>,
  key: (row: T) => { at: string; id: string },
) {
  const out: T[] = [];
  let after: { at: string; id: string } | null = null;
  for (;;) {
    const rows = await fetch(after);
    out.push(...rows);
    if (rows.length < page) return out;
    after = key(rows[rows.length - 1]!);
  }
}

/**
 * Free text that may hold other people's data, named by place and reason only: text in a record shared
 * with other contacts, and e-mail addresses or phone numbers that are not the person's own.
 */
function flagsOf(
  entity: PackageFlag['entity'],
  id: string,
  texts: Record<string, string | null>,
  shared: boolean,
  own: ContactPersonal,
): PackageFlag[] {
  const ownEmails = new Set(own.emails.map((e) => e.value.toLowerCase()));
  const ownPhones = new Set(own.phones.map((p) => normalisePhone(p.value) ?? p.value));
  const flags: PackageFlag[] = [];
  for (const [field, text] of Object.entries(texts)) {
    if (!text) continue;
    if (shared) flags.push({ entity, id, field, reason: 'shared_with_other_people' });
    // The scanner's own detection: a number inside an e-mail address is not a phone number.
    const found = scanText(text);
    const values = (kind: 'email' | 'phone') =>
      found.filter((f) => f.kind === kind).map((f) => text.slice(f.start, f.end));
    if (values('email').some((e) => !ownEmails.has(e.toLowerCase())))
      flags.push({ entity, id, field, reason: 'other_email_address' });
    if (
      values('phone').some((p) => {
        const e164 = normalisePhone(p, 'DE') ?? p;
        return !ownPhones.has(e164);
      })
    )
      flags.push({ entity, id, field, reason: 'other_phone_number' });
  }
  return flags;
}

const actorLabels: Record<string, string> = {
  system: 'Custodian itself (an automatic job)',
  anonymous: 'you, or someone using a link sent to you',
};

/**
 * Builds the access/portability package of a person in the caller's transaction: every catalogued field
 * (walking the catalog, so a new field is included), every activity, deal, task, consent event and
 * receipt, the purposes with their lawful bases and what the guard answers today, retention, the data's
 * source, recipients, and who accessed the data (from the audit trail; staff by role, or by name where
 * ACCESS_LOG_STAFF=name). Free-text values that may hold others' data are flagged for review.
 */
/** Audit actions of a mail sent to the person (consent confirmations and notices, request notices, package
 * links, breach notices, campaign mails): each one disclosed their address to the mail service. */
const mailDisclosures =
  /^(consent\.confirmation-mailed|consent\.restriction-lifted-notified|request\.[a-z_-]+-notified|package\.link-mailed|breach\.notice\.sent|campaign\.mail\.sent)$/;

export async function buildSubjectPackage(
  tx: Tx,
  deps: RequestDeps,
  request: { id: string; type: string; regime: string; receivedAt: Date },
  contact: ContactRow,
): Promise<{ content: SubjectPackage; flags: PackageFlag[] }> {
  const { subjects, keys } = deps;
  const [opened] = await openContacts(tx, deps, [contact]);
  if (!opened) throw new Error('The person’s key is gone');
  const personal = opened.personal;
  const flags: PackageFlag[] = [];

  const activityRows = await all(
    (after) => listActivityRows(tx, { limit: page, after, contactId: contact.id }),
    (r) => ({ at: r.occurredAt.toISOString(), id: r.id }),
  );
  const activities = (await openActivities(tx, subjects, activityRows)).map((a) => {
    const shared = a.contactIds.length > 1;
    flags.push(
      ...flagsOf('activity', a.row.id, { subject: a.text.subject, body: a.text.body }, shared, personal),
    );
    return {
      id: a.row.id,
      type: a.row.type,
      occurredAt: a.row.occurredAt.toISOString(),
      direction: a.row.direction,
      subject: a.text.subject,
      body: a.text.body,
      sharedWithOthers: shared,
    };
  });

  const dealRows = await all(
    (after) => listDealRows(tx, { limit: page, after, contactId: contact.id }),
    (r) => ({ at: r.createdAt.toISOString(), id: r.id }),
  );
  const stages = await stagesById(tx, [...new Set(dealRows.map((d) => d.stageId))]);
  const taskRows = await all(
    (after) => listTaskRows(tx, { limit: page, after, contactId: contact.id }),
    (r) => ({ at: (r.dueAt ?? new Date('9999-12-31')).toISOString(), id: r.id }),
  );
  const tasks = (await openTasks(tx, subjects, taskRows)).map((t) => {
    flags.push(...flagsOf('task', t.row.id, { title: t.title }, false, personal));
    return { id: t.row.id, title: t.title, status: t.row.status, dueAt: t.row.dueAt?.toISOString() ?? null };
  });

  const events = (
    await openEvents(tx, subjects, (await listEventRows(tx, contact.subjectId, { limit: 100_000 })).reverse())
  ).map((e) => ({
    id: e.row.id,
    kind: e.row.kind,
    purpose: e.row.purpose,
    method: e.row.method,
    occurredAt: e.row.occurredAt.toISOString(),
    source: e.proof.source,
  }));
  const receipts = await receiptsOfSubject(
    tx,
    { ...deps, privacy: { ...deps.settings, publicUrl: deps.settings.publicUrl } },
    contact.subjectId,
  );

  const purposes = [];
  for (const p of await findPurposeRecords(tx)) {
    const { answers } = await answerProcessing(tx, p.key, { contactIds: [contact.id] });
    purposes.push({
      key: p.key,
      name: p.name,
      description: p.description,
      lawfulBasis: p.lawfulBasis,
      retention: p.retention,
      allowedNow: answers[0]?.allowed ?? false,
    });
  }

  // Art. 15(1)(c): the recipients of the purposes the person's data is processed for now, and the
  // pseudonymised exports that carried it (from the audit trail).
  const allowed = new Set(purposes.filter((p) => p.allowedNow).map((p) => p.key));
  const purposeName = new Map(purposes.map((p) => [p.key, p.name]));
  const registered = await listRecipientRecords(tx, subjects);
  const recipients = registered
    // A controller we process for is not a recipient of our data.
    .filter((r) => r.role !== 'controller' && r.purposes.some((p) => allowed.has(p)))
    .map((r) => ({
      recipient: r.name,
      role: r.role.replaceAll('_', ' '),
      what: `${r.categories.length > 0 ? r.categories.join(', ') : 'personal'} data, for ${r.purposes
        .filter((p) => allowed.has(p))
        .map((p) => purposeName.get(p))
        .join(
          ', ',
        )}${r.thirdCountries.length > 0 ? `, processed in ${r.countries.join(', ')} under ${r.transferMechanism?.replaceAll('_', ' ')}` : ''}`,
    }));
  const subjectEntries = await auditEntriesOfSubject(tx, contact.subjectId);
  const exportNames = new Map((await pseudonymRecipientNames(tx)).map((r) => [r.id, r.name] as const));
  for (const entry of subjectEntries.filter((e) => e.action === 'pseudonyms.export'))
    recipients.push({
      recipient: exportNames.get(entry.entityId ?? '') ?? 'a former recipient',
      role: 'recipient of pseudonymised data',
      what: `lifecycle stage, source, creation time, country, birth-year band and job title under a pseudonym, on ${entry.occurredAt.toISOString().slice(0, 10)}`,
    });

  // Every webhook delivery about the person disclosed what it carried to the subscription's recipient.
  const webhookNames = new Map(registered.map((r) => [r.id, r.name] as const));
  const byRecipient = new Map<string, typeof subjectEntries>();
  for (const entry of subjectEntries.filter((e) => e.action === 'webhook.delivered'))
    byRecipient.set(entry.entityId ?? '', [...(byRecipient.get(entry.entityId ?? '') ?? []), entry]);
  for (const [recipientId, entries] of byRecipient) {
    const categories = [...new Set(entries.flatMap((e) => e.categories ?? []))];
    const purposesUsed = [
      ...new Set(entries.map((e) => (e.purpose && purposeName.get(e.purpose as Purpose)) ?? e.purpose)),
    ];
    const day = (d: Date) => d.toISOString().slice(0, 10);
    recipients.push({
      recipient: webhookNames.get(recipientId) ?? 'a former recipient',
      role: 'recipient of our webhook events',
      what: `${categories.length > 0 ? `${categories.join(', ')} data` : 'the identifier of your record and changes to it'}, for ${purposesUsed.join(', ')}: ${entries.length} event(s) from ${day(entries[0]!.occurredAt)} to ${day(entries[entries.length - 1]!.occurredAt)}`,
    });
  }

  // Every mail to the person passed their address and the message to the mail service (a processor).
  const mails = subjectEntries.filter((e) => mailDisclosures.test(e.action));
  if (mails.length > 0) {
    const host = deps.settings.smtp?.host;
    recipients.push({
      recipient: host ? `the mail server ${host}` : 'the mail service in use when the mails were sent',
      role: 'processor delivering our e-mails',
      what: `your e-mail address and ${mails.length} message(s) to you, from ${mails[0]!.occurredAt.toISOString().slice(0, 10)} to ${mails[mails.length - 1]!.occurredAt.toISOString().slice(0, 10)}`,
    });
  }

  const staff = new Map<string, string>();
  const byName = deps.settings.controller.accessLogStaff === 'name';
  const accessLog = [];
  for (const entry of subjectEntries) {
    let by = actorLabels[entry.actorType] ?? entry.actorType;
    if (entry.actorId) {
      if (!staff.has(entry.actorId)) {
        const user = await findUserById(tx, keys, entry.actorId);
        staff.set(
          entry.actorId,
          user
            ? byName
              ? `${user.name} (${user.role})`
              : `a member of staff (${user.role})`
            : 'a former member of staff',
        );
      }
      by = `${staff.get(entry.actorId)}${entry.actorType === 'token' ? ' through the API' : ''}`;
    }
    accessLog.push({ at: entry.occurredAt.toISOString(), action: entry.action, by, purpose: entry.purpose });
  }

  const imported = contact.importId ? await findImport(tx, contact.importId) : null;
  const c = deps.settings.controller;
  const content: SubjectPackage = {
    format: subjectPackageFormat,
    generatedAt: new Date().toISOString(),
    controller: { name: c.name, address: c.address, email: c.email, dataLocation: c.dataLocation },
    request: {
      id: request.id,
      type: request.type as SubjectPackage['request']['type'],
      regime: request.regime as SubjectPackage['request']['regime'],
      receivedAt: request.receivedAt.toISOString(),
    },
    person: {
      fields: Object.entries(contactEntity.personal).map(([field, decl]) => ({
        field,
        label: decl.label,
        category: decl.category,
        value: personal[field as keyof ContactPersonal] ?? null,
      })),
      lifecycleStage: contact.lifecycleStage,
      createdAt: contact.createdAt.toISOString(),
      updatedAt: contact.updatedAt.toISOString(),
      tags: (await tagsOfContacts(tx, [contact.id])).get(contact.id) ?? [],
    },
    source: {
      how: contact.source,
      // Contacts come only from contact imports, which always name a lawful basis.
      import: imported?.lawfulBasis
        ? {
            description: imported.source,
            lawfulBasis: imported.lawfulBasis,
            importedAt: imported.createdAt.toISOString(),
          }
        : null,
    },
    activities,
    deals: dealRows.map((d) => ({
      id: d.id,
      title: d.title,
      stage: stages.get(d.stageId)?.name ?? '',
      amountMinor: d.amountMinor === null ? null : Number(d.amountMinor),
      currency: d.currency,
      closedAt: d.closedAt?.toISOString() ?? null,
    })),
    tasks,
    consent: { events, receipts },
    campaignMail: await campaignMailOf(tx, contact.id),
    purposes,
    retention: Object.entries(contactEntity.personal).map(([field, decl]) => ({
      field,
      retention: decl.retention,
    })),
    profiling: await profilingSectionOf(tx, subjects, contact),
    recipients,
    accessLog,
    review: { flagged: flags },
  };
  return { content, flags };
}
