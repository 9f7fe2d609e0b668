import { type ScannerFinding, specialFindingKinds } from '@custodian/contracts';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { assertPermission, assertStaff, type RequestContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { arrayParam } from '../../platform/db/bulk.js';
import { type Db, type Executor, transaction } from '../../platform/db/database.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { type FindingKind, kindsIn } from './detect.js';
import { scannerFindings } from './schema.js';

export type FindingRow = typeof scannerFindings.$inferSelect;
export type FindingTarget = { activityId: string } | { taskId: string } | { contactId: string };

export const presentFinding = (row: FindingRow): ScannerFinding => ({
  id: row.id,
  entity: row.activityId ? 'activity' : row.taskId ? 'task' : 'contact',
  entityId: (row.activityId ?? row.taskId ?? row.contactId)!,
  field: row.field,
  kinds: row.kinds as ScannerFinding['kinds'],
  classifiedKinds: (row.classifiedKinds as ScannerFinding['classifiedKinds']) ?? null,
  foundAt: row.foundAt.toISOString(),
  status: row.status as ScannerFinding['status'],
  reviewedBy: row.reviewedBy,
  reviewedAt: row.reviewedAt?.toISOString() ?? null,
});

const targetOf = (target: FindingTarget) =>
  'activityId' in target
    ? { column: scannerFindings.activityId, id: target.activityId }
    : 'taskId' in target
      ? { column: scannerFindings.taskId, id: target.taskId }
      : { column: scannerFindings.contactId, id: target.contactId };

/**
 * Scans the free-text fields of a record as it is written, in the write's transaction: a field with
 * personal data gets (or keeps) a finding with the kinds found, open again for review if they changed; a
 * field without any loses its finding, unless the privacy officer classified it. Only kinds are stored.
 * `fresh` says the record is new (no findings yet), sparing a lookup per field. Returns whether any field
 * has a finding.
 */
export async function recordFindings(
  ex: Executor,
  target: FindingTarget,
  texts: Readonly<Record<string, string | null>>,
  options: { fresh?: boolean } = {},
): Promise<boolean> {
  const { column, id } = targetOf(target);
  let any = false;
  for (const [field, text] of Object.entries(texts)) {
    const kinds = text ? kindsIn(text).sort() : [];
    if (options.fresh && kinds.length === 0) continue;
    const [existing] = options.fresh
      ? []
      : await ex
          .select()
          .from(scannerFindings)
          .where(and(eq(column, id), eq(scannerFindings.field, field)));
    if (kinds.length === 0) {
      if (existing?.classifiedKinds) {
        any = true;
        if (existing.kinds.length > 0)
          await ex.update(scannerFindings).set({ kinds: [] }).where(eq(scannerFindings.id, existing.id));
      } else if (existing) await ex.delete(scannerFindings).where(eq(scannerFindings.id, existing.id));
      continue;
    }
    any = true;
    if (existing && existing.kinds.join() === kinds.join()) continue;
    // Changed: open for review again; a classification by the privacy officer stays until they change it.
    const values = { field, kinds, foundAt: new Date(), status: 'open', reviewedBy: null, reviewedAt: null };
    if (existing) await ex.update(scannerFindings).set(values).where(eq(scannerFindings.id, existing.id));
    else await ex.insert(scannerFindings).values({ ...values, ...target });
  }
  return any;
}

/** What the scanner finds in a new record's free-text fields, field by field (CPU work only, no database). */
export type ScannedTexts = { field: string; kinds: FindingKind[] }[];

export function scanNewTexts(texts: Readonly<Record<string, string | null>>): ScannedTexts {
  return Object.entries(texts).flatMap(([field, text]) => {
    const kinds = text ? kindsIn(text).sort() : [];
    return kinds.length === 0 ? [] : [{ field, kinds }];
  });
}

/** The findings of many new records at once (an import), scanned beforehand (`scanNewTexts`): one statement. */
export async function recordNewFindings(
  ex: Executor,
  records: readonly { target: FindingTarget; scanned: ScannedTexts }[],
): Promise<void> {
  const foundAt = new Date();
  const rows = records.flatMap((record) =>
    record.scanned.map(({ field, kinds }) => ({
      ...record.target,
      field,
      kinds,
      foundAt,
      status: 'open',
    })),
  );
  if (rows.length > 0) await ex.insert(scannerFindings).values(rows);
}

/** A contact's custom field values as the texts the scanner reads (`customFields.<key>`). */
export function customFieldTexts(
  customFields: Readonly<Record<string, unknown>>,
): Record<string, string | null> {
  return Object.fromEntries(
    Object.entries(customFields).map(([key, value]) => [
      `customFields.${key}`,
      typeof value === 'string' ? value : null,
    ]),
  );
}

/**
 * Scans a contact's custom fields as they are written; findings of fields no longer set go (unless
 * classified).
 */
export async function recordContactFindings(
  ex: Executor,
  contactId: string,
  customFields: Readonly<Record<string, unknown>>,
  options: { fresh?: boolean } = {},
): Promise<boolean> {
  const texts = customFieldTexts(customFields);
  if (!options.fresh) {
    const known = await ex
      .select({ field: scannerFindings.field })
      .from(scannerFindings)
      .where(eq(scannerFindings.contactId, contactId));
    for (const { field } of known) if (!(field in texts)) texts[field] = null;
  }
  return recordFindings(ex, { contactId }, texts, options);
}

/**
 * The fields of these activities or tasks the privacy officer classified as holding special categories:
 * they are masked for roles without `reveal:special`.
 */
export async function specialFieldsOf(
  ex: Executor,
  target: 'activity' | 'task',
  ids: readonly string[],
): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  if (ids.length === 0) return out;
  const column = target === 'activity' ? scannerFindings.activityId : scannerFindings.taskId;
  const rows = await ex
    .select({ id: column, field: scannerFindings.field, kinds: scannerFindings.classifiedKinds })
    .from(scannerFindings)
    .where(
      and(
        inArray(column, [...ids]),
        sql`${scannerFindings.classifiedKinds} && ${arrayParam(specialFindingKinds, 'text')}`,
      ),
    );
  for (const r of rows) {
    const fields = out.get(r.id!) ?? new Set<string>();
    fields.add(r.field);
    out.set(r.id!, fields);
  }
  return out;
}

interface Deps {
  db: Db;
  keys: KeyRing;
  ctx: RequestContext;
}

export async function listFindings({
  db,
  keys,
  ctx,
  query,
}: Deps & { query: { status: ScannerFinding['status']; limit: number } }) {
  assertPermission(ctx.actor, 'requests:read');
  const rows = await db
    .select()
    .from(scannerFindings)
    .where(eq(scannerFindings.status, query.status))
    .orderBy(desc(scannerFindings.foundAt), desc(scannerFindings.id))
    .limit(query.limit);
  await recordAudit(db, keys, ctx, { action: 'scanner.findings.list', entityType: 'scannerFinding' });
  return { items: rows.map(presentFinding) };
}

export async function findFinding(ex: Executor, id: string, options: { forUpdate?: boolean } = {}) {
  const query = ex.select().from(scannerFindings).where(eq(scannerFindings.id, id));
  const [row] = options.forUpdate ? await query.for('update') : await query;
  return row ?? null;
}

/** The privacy officer's classification of a field: what it really holds. */
export async function reclassifyFinding({
  db,
  keys,
  ctx,
  id,
  kinds,
}: Deps & { id: string; kinds: readonly FindingKind[] }): Promise<ScannerFinding> {
  assertPermission(ctx.actor, 'requests:manage');
  const staff = assertStaff(ctx.actor);
  return transaction(db, async (tx) => {
    const row = await findFinding(tx, id, { forUpdate: true });
    if (!row) throw notFound('finding');
    const [updated] = await tx
      .update(scannerFindings)
      .set({
        classifiedKinds: [...kinds].sort(),
        status: 'reclassified',
        reviewedBy: staff.userId,
        reviewedAt: new Date(),
      })
      .where(eq(scannerFindings.id, id))
      .returning();
    await recordAudit(tx, keys, ctx, {
      action: 'scanner.finding.reclassified',
      entityType: 'scannerFinding',
      entityId: id,
    });
    return presentFinding(updated!);
  });
}

/** Closes a finding as reviewed: dismissed (acceptable) or redacted (by the redaction workflow). */
export async function closeFinding(
  ex: Executor,
  keys: KeyRing,
  ctx: RequestContext,
  id: string,
  status: 'dismissed' | 'redacted',
): Promise<ScannerFinding> {
  const staff = assertStaff(ctx.actor);
  const row = await findFinding(ex, id, { forUpdate: true });
  if (!row) throw notFound('finding');
  if (row.status !== 'open' && row.status !== 'reclassified')
    throw new AppError('conflict', `The finding was already ${row.status}`);
  const [updated] = await ex
    .update(scannerFindings)
    .set({ status, reviewedBy: staff.userId, reviewedAt: new Date() })
    .where(eq(scannerFindings.id, id))
    .returning();
  await recordAudit(ex, keys, ctx, {
    action: `scanner.finding.${status}`,
    entityType: 'scannerFinding',
    entityId: id,
  });
  return presentFinding(updated!);
}

export async function dismissFinding({ db, keys, ctx, id }: Deps & { id: string }): Promise<ScannerFinding> {
  assertPermission(ctx.actor, 'requests:manage');
  return transaction(db, (tx) => closeFinding(tx, keys, ctx, id, 'dismissed'));
}

const directIdentifiers: readonly FindingKind[] = [
  'email',
  'phone',
  'iban',
  'payment_card',
  'national_id',
  'date_of_birth',
];

/**
 * Staff free text kept outside the catalog's encryption (a legal hold's case reference, an erasure's reason,
 * a policy's description) must not carry anyone's identifiers: refused with the field named and the kinds
 * found, never the value.
 */
export function assertNoIdentifiers(fields: Readonly<Record<string, string | null | undefined>>): void {
  const details = Object.entries(fields).flatMap(([field, text]) => {
    const found = text ? kindsIn(text).filter((k) => directIdentifiers.includes(k)) : [];
    return found.length > 0
      ? [{ field, issue: `must not contain personal data (found: ${found.sort().join(', ')})` }]
      : [];
  });
  if (details.length > 0)
    throw new AppError('validation_failed', 'Free text here must not identify anyone', { details });
}
