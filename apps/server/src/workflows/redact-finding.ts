import type { ScannerFinding } from '@custodian/contracts';
import { findActivityRow, openActivities, resealActivityText } from '../modules/activities/index.js';
import { findContactRow, openContacts, updateContactFields } from '../modules/contacts/index.js';
import {
  closeFinding,
  type FindingKind,
  findFinding,
  recordFindings,
  scanText,
} from '../modules/scanner/index.js';
import type { SubjectKeyStore } from '../modules/subjects/index.js';
import { findTaskRow, openTasks, resealTaskTitle } from '../modules/tasks/index.js';
import { assertPermission, type RequestContext } from '../platform/access.js';
import type { BlindIndexer } from '../platform/crypto/blind-index.js';
import type { KeyRing } from '../platform/crypto/keys.js';
import { type Db, transaction } from '../platform/db/database.js';
import { AppError, notFound } from '../platform/http/errors.js';

const redacted = '[redacted]';

/** The text with every span of the chosen kinds replaced, overlapping spans merged. */
function redactText(text: string, kinds: ReadonlySet<FindingKind>): string {
  const spans = scanText(text)
    .filter((f) => kinds.has(f.kind))
    .sort((a, b) => a.start - b.start);
  const merged: { start: number; end: number }[] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ start: s.start, end: s.end });
  }
  let out = text;
  for (const s of merged.reverse()) out = out.slice(0, s.start) + redacted + out.slice(s.end);
  return out;
}

/**
 * The DPO redacts what the scanner found in a field: the spans of the chosen kinds (all by default) are
 * replaced in the record's text, re-sealed under the record's key, in one transaction. The finding is
 * closed as redacted; kinds left in place reopen as a new finding for review.
 */
export async function redactFinding(options: {
  db: Db;
  keys: KeyRing;
  subjects: SubjectKeyStore;
  indexer: BlindIndexer;
  ctx: RequestContext;
  id: string;
  kinds: ScannerFinding['kinds'] | undefined;
}): Promise<ScannerFinding> {
  const { db, keys, subjects, ctx, id } = options;
  const deps = { db, keys, subjects, indexer: options.indexer };
  assertPermission(ctx.actor, 'requests:manage');
  return transaction(db, async (tx) => {
    const finding = await findFinding(tx, id, { forUpdate: true });
    if (!finding) throw notFound('finding');
    if (finding.status !== 'open' && finding.status !== 'reclassified')
      throw new AppError('conflict', `The finding was already ${finding.status}`);
    const chosen = new Set((options.kinds ?? finding.kinds) as FindingKind[]);
    let remaining: string | null = null;
    let writeBack: (() => Promise<void>) | null = null;
    if (finding.activityId) {
      const row = await findActivityRow(tx, finding.activityId, { forUpdate: true });
      const [record] = row ? await openActivities(tx, subjects, [row]) : [];
      if (!row || !record) throw notFound('activity');
      const field = finding.field as 'subject' | 'body';
      const text = { ...record.text, [field]: record.text[field] && redactText(record.text[field], chosen) };
      await resealActivityText(tx, subjects, row, text);
      remaining = text[field];
    } else if (finding.taskId) {
      const row = await findTaskRow(tx, finding.taskId, { forUpdate: true });
      const [record] = row ? await openTasks(tx, subjects, [row]) : [];
      if (!row || !record) throw notFound('task');
      remaining = redactText(record.title, chosen);
      await resealTaskTitle(tx, subjects, row, remaining);
    } else if (finding.contactId) {
      const row = await findContactRow(tx, finding.contactId, { forUpdate: true });
      const [record] = row ? await openContacts(tx, deps, [row]) : [];
      if (!row || !record) throw notFound('contact');
      const key = finding.field.replace(/^customFields\./, '');
      const value = record.personal.customFields[key];
      remaining = typeof value === 'string' ? redactText(value, chosen) : null;
      const personal = {
        ...record.personal,
        customFields: { ...record.personal.customFields, [key]: remaining ?? '' },
      };
      const attributes = {
        ownerId: row.ownerId,
        companyId: row.companyId,
        source: row.source,
        lifecycleStage: row.lifecycleStage,
      };
      // Written after the finding is closed: the contact's own rescan then reopens what was left.
      writeBack = () => updateContactFields(tx, deps, row, personal, attributes).then(() => undefined);
    }
    const closed = await closeFinding(tx, keys, ctx, id, 'redacted');
    await writeBack?.();
    // What was not chosen stays findable: the field is scanned again, as on any write.
    const target = finding.activityId
      ? { activityId: finding.activityId }
      : finding.taskId
        ? { taskId: finding.taskId }
        : { contactId: finding.contactId! };
    const left = remaining ? scanText(remaining).filter((f) => !chosen.has(f.kind)) : [];
    if (left.length > 0) await recordFindings(tx, target, { [finding.field]: remaining });
    return closed;
  });
}
