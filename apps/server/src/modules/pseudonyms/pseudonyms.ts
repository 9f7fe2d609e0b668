import type { PseudonymExport, PseudonymRecipient, Purpose } from '@custodian/contracts';
import { stringify } from 'csv-stringify/sync';
import { asc, eq, sql } from 'drizzle-orm';
import { assertPermission, type RequestContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { arrayParam } from '../../platform/db/bulk.js';
import { type Db, type Executor, queryRows, transaction } from '../../platform/db/database.js';
import type { ProcessingGuard } from '../../platform/guard.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { birthYearsOf } from '../analytics/index.js';
import { recordAudit } from '../audit/index.js';
import { type ContactDeps, countryOf, readAllowedContacts, scanContactTokens } from '../contacts/index.js';
import { assertNoIdentifiers } from '../scanner/index.js';
import { pseudonymRecipients } from './schema.js';

type Row = typeof pseudonymRecipients.$inferSelect;

const present = (row: Row): PseudonymRecipient => ({
  id: row.id,
  name: row.name,
  purpose: row.purpose as Purpose,
  version: row.version,
  createdAt: row.createdAt.toISOString(),
  rotatedAt: row.rotatedAt?.toISOString() ?? null,
});

/** The recipient's key for its current version, from the master key it was made under. */
function pseudonymiserOf(keys: KeyRing, row: Row): (contactId: string) => string {
  const ring = keys.ring(row.masterKeyId);
  if (!ring)
    throw new AppError(
      'conflict',
      'The master key this recipient’s pseudonyms were made under is not loaded',
    );
  const purpose = `pseudonym:${row.id}:v${row.version}` as const;
  return (contactId) => ring.mac(purpose, contactId.toLowerCase()).toString('base64url').slice(0, 22);
}

interface Deps {
  db: Db;
  keys: KeyRing;
  ctx: RequestContext;
}

async function getRow(db: Db, id: string): Promise<Row> {
  const [row] = await db.select().from(pseudonymRecipients).where(eq(pseudonymRecipients.id, id));
  if (!row) throw notFound('pseudonym recipient');
  return row;
}

export async function listPseudonymRecipients({ db, ctx }: Deps): Promise<{ items: PseudonymRecipient[] }> {
  assertPermission(ctx.actor, 'pseudonyms:manage');
  const rows = await db.select().from(pseudonymRecipients).orderBy(asc(pseudonymRecipients.createdAt));
  return { items: rows.map(present) };
}

export async function createPseudonymRecipient({
  db,
  keys,
  ctx,
  input,
}: Deps & { input: { name: string; purpose: Purpose } }): Promise<PseudonymRecipient> {
  assertPermission(ctx.actor, 'pseudonyms:manage');
  assertNoIdentifiers({ 'body.name': input.name });
  return transaction(db, async (tx) => {
    const [row] = await tx
      .insert(pseudonymRecipients)
      .values({
        name: input.name,
        purpose: input.purpose,
        masterKeyId: keys.masterKeyId,
        createdBy: ctx.actor.kind === 'user' || ctx.actor.kind === 'token' ? ctx.actor.userId : null,
      })
      .returning();
    await recordAudit(tx, keys, ctx, {
      action: 'pseudonyms.recipient.create',
      entityType: 'pseudonymRecipient',
      entityId: row!.id,
    });
    return present(row!);
  });
}

export async function rotatePseudonymKey({
  db,
  keys,
  ctx,
  id,
}: Deps & { id: string }): Promise<PseudonymRecipient> {
  assertPermission(ctx.actor, 'pseudonyms:manage');
  return transaction(db, async (tx) => {
    const [row] = await tx
      .update(pseudonymRecipients)
      .set({
        version: sql`${pseudonymRecipients.version} + 1`,
        masterKeyId: keys.masterKeyId,
        rotatedAt: new Date(),
      })
      .where(eq(pseudonymRecipients.id, id))
      .returning();
    if (!row) throw notFound('pseudonym recipient');
    await recordAudit(tx, keys, ctx, {
      action: 'pseudonyms.rotate',
      entityType: 'pseudonymRecipient',
      entityId: id,
    });
    return present(row);
  });
}

export const pseudonymColumns = [
  'pseudonym',
  'lifecycleStage',
  'source',
  'createdAt',
  'country',
  'birthYears',
  'jobTitle',
];

/**
 * The contacts the guard allows for the recipient's purpose, each under its pseudonym, without direct
 * identifiers. Pseudonymised data is still personal data: each page read is audited as a disclosure.
 */
export async function exportPseudonymised(
  deps: ContactDeps & { guard: ProcessingGuard; ctx: RequestContext; id: string },
): Promise<PseudonymExport> {
  const { db, keys, ctx } = deps;
  assertPermission(ctx.actor, 'contacts:export');
  const recipient = await getRow(db, deps.id);
  const pseudonymOf = pseudonymiserOf(keys, recipient);
  const rows: string[][] = [];
  const { refused } = await readAllowedContacts(
    deps,
    {
      purpose: recipient.purpose,
      audit: { action: 'pseudonyms.export', entityType: 'pseudonymRecipient', entityId: recipient.id },
    },
    async (_tx, page) => {
      for (const o of page)
        rows.push([
          pseudonymOf(o.row.id),
          o.row.lifecycleStage,
          o.row.source,
          o.row.createdAt.toISOString(),
          countryOf(o.personal) ?? '',
          birthYearsOf(o.personal.dateOfBirth) ?? '',
          o.personal.jobTitle ?? '',
        ]);
    },
  );
  return {
    recipientId: recipient.id,
    version: recipient.version,
    purpose: recipient.purpose as Purpose,
    columns: pseudonymColumns,
    rows,
    refused,
  };
}

export const pseudonymCsv = (answer: PseudonymExport) => stringify([answer.columns, ...answer.rows]);

/**
 * Links pseudonyms of the recipient's current version back to contacts by recomputing every contact's
 * pseudonym (nothing maps them in the database). Erased people resolve to null.
 */
export async function resolvePseudonyms({
  db,
  keys,
  ctx,
  id,
  pseudonyms,
}: Deps & { id: string; pseudonyms: readonly string[] }): Promise<{
  items: { pseudonym: string; contactId: string | null }[];
}> {
  assertPermission(ctx.actor, 'pseudonyms:manage');
  const recipient = await getRow(db, id);
  const pseudonymOf = pseudonymiserOf(keys, recipient);
  const wanted = new Set(pseudonyms);
  const found = new Map<string, string>();
  let after: string | null = null;
  while (found.size < wanted.size) {
    const page = await scanContactTokens(db, after, 5000);
    if (page.length === 0) break;
    for (const c of page) {
      const p = pseudonymOf(c.id);
      if (wanted.has(p)) found.set(p, c.id);
    }
    after = page[page.length - 1]!.id;
  }
  const contactIds = [...found.values()];
  const subjects =
    contactIds.length === 0
      ? []
      : (
          await queryRows<{ subject_id: string }>(
            db,
            sql`select subject_id from contacts where id = any(${arrayParam(contactIds, 'uuid')})`,
          )
        ).map((r) => r.subject_id);
  await recordAudit(db, keys, ctx, {
    action: 'pseudonyms.resolve',
    entityType: 'pseudonymRecipient',
    entityId: recipient.id,
    subjectIds: subjects,
  });
  return { items: pseudonyms.map((pseudonym) => ({ pseudonym, contactId: found.get(pseudonym) ?? null })) };
}

/** Every recipient's id and name (for access packages naming who received a person's data). */
export async function pseudonymRecipientNames(ex: Executor): Promise<{ id: string; name: string }[]> {
  return ex.select({ id: pseudonymRecipients.id, name: pseudonymRecipients.name }).from(pseudonymRecipients);
}
