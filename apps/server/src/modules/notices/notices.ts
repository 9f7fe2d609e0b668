import { createHash } from 'node:crypto';
import type { Notice, PublishNoticeInput, Purpose } from '@custodian/contracts';
import { and, desc, eq, inArray, max, sql } from 'drizzle-orm';
import { assertPermission, type RequestContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Db, type Executor, transaction } from '../../platform/db/database.js';
import { notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { notices, noticeTexts } from './schema.js';

type NoticeRow = typeof notices.$inferSelect;
type TextRow = typeof noticeTexts.$inferSelect;

export const sha256Of = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

function present(row: NoticeRow, texts: readonly TextRow[]): Notice {
  return {
    id: row.id,
    key: row.key,
    version: row.version,
    name: row.name,
    purposes: row.purposes as Purpose[],
    requiresReconsent: row.requiresReconsent,
    texts: texts
      .filter((t) => t.noticeId === row.id)
      .map((t) => ({ language: t.language, text: t.body, sha256: t.sha256 })),
    publishedAt: row.publishedAt.toISOString(),
    shownSince: row.shownSince?.toISOString() ?? null,
    publishedBy: row.publishedBy,
  };
}

async function withTexts(ex: Executor, rows: readonly NoticeRow[]): Promise<Notice[]> {
  if (rows.length === 0) return [];
  const texts = await ex
    .select()
    .from(noticeTexts)
    .where(
      inArray(
        noticeTexts.noticeId,
        rows.map((r) => r.id),
      ),
    )
    .orderBy(noticeTexts.language);
  return rows.map((r) => present(r, texts));
}

interface Deps {
  db: Db;
  keys: KeyRing;
  ctx: RequestContext;
}

/** Publishes the next version of a notice. Versions of one key are numbered 1, 2, … without gaps. */
export async function publishNotice({
  db,
  keys,
  ctx,
  input,
}: Deps & { input: PublishNoticeInput }): Promise<Notice> {
  assertPermission(ctx.actor, 'purposes:manage');
  return transaction(db, async (tx) => {
    // Serialises publications of one key, so two cannot take the same version number.
    await tx.execute(sqlLock(input.key));
    const [{ latest } = { latest: null }] = await tx
      .select({ latest: max(notices.version) })
      .from(notices)
      .where(eq(notices.key, input.key));
    const [row] = await tx
      .insert(notices)
      .values({
        key: input.key,
        version: (latest ?? 0) + 1,
        name: input.name,
        purposes: [...new Set(input.purposes)],
        requiresReconsent: input.requiresReconsent,
        shownSince: input.shownSince ? new Date(input.shownSince) : null,
        publishedBy: ctx.actor.kind === 'user' || ctx.actor.kind === 'token' ? ctx.actor.userId : null,
      })
      .returning();
    const texts = await tx
      .insert(noticeTexts)
      .values(
        input.texts.map((t) => ({
          noticeId: row!.id,
          language: t.language,
          body: t.text,
          sha256: sha256Of(t.text),
        })),
      )
      .returning();
    await recordAudit(tx, keys, ctx, { action: 'notice.publish', entityType: 'notice', entityId: row!.id });
    return present(row!, texts);
  });
}

const sqlLock = (key: string) => sql`select pg_advisory_xact_lock(hashtext(${`notice:${key}`}))`;

export async function findNotices({
  db,
  ctx,
  key,
}: Deps & { key?: string | undefined }): Promise<{ items: Notice[] }> {
  assertPermission(ctx.actor, 'catalog:read');
  const rows = await db
    .select()
    .from(notices)
    .where(key ? eq(notices.key, key) : undefined)
    .orderBy(desc(notices.publishedAt), desc(notices.version));
  return { items: await withTexts(db, rows) };
}

/**
 * Since when a notice version was shown to people: the date the privacy officer declared for a text an
 * earlier system showed, else its publication. No consent can rest on it from before then.
 */
export const noticeInUseSince = (notice: Pick<Notice, 'publishedAt' | 'shownSince'>): Date =>
  new Date(notice.shownSince ?? notice.publishedAt);

/** A notice version by id, or null. For other modules: consent events name the version shown. */
export async function findNotice(ex: Executor, id: string): Promise<Notice | null> {
  const rows = await ex.select().from(notices).where(eq(notices.id, id));
  const [notice] = await withTexts(ex, rows);
  return notice ?? null;
}

/** A notice version by key and version number, or null (imports name notices this way). */
export async function findNoticeVersion(ex: Executor, key: string, version: number): Promise<Notice | null> {
  const rows = await ex
    .select()
    .from(notices)
    .where(and(eq(notices.key, key), eq(notices.version, version)));
  const [notice] = await withTexts(ex, rows);
  return notice ?? null;
}

export async function getNotice({ db, ctx, id }: Deps & { id: string }): Promise<Notice> {
  assertPermission(ctx.actor, 'catalog:read');
  const notice = await findNotice(db, id);
  if (!notice) throw notFound('notice');
  return notice;
}

/** The latest version of a notice, for forms: in the language asked for, else its first language. */
export async function getCurrentNotice({
  db,
  key,
  language,
}: {
  db: Executor;
  key: string;
  language?: string | undefined;
}) {
  const [row] = await db
    .select()
    .from(notices)
    .where(eq(notices.key, key))
    .orderBy(desc(notices.version))
    .limit(1);
  if (!row) throw notFound('notice');
  const texts = await db
    .select()
    .from(noticeTexts)
    .where(eq(noticeTexts.noticeId, row.id))
    .orderBy(noticeTexts.language);
  const text =
    texts.find((t) => t.language === language) ??
    texts.find((t) => language !== undefined && t.language.split('-')[0] === language.split('-')[0]) ??
    texts[0]!;
  return {
    id: row.id,
    key: row.key,
    version: row.version,
    purposes: row.purposes as Purpose[],
    language: text.language,
    text: text.body,
    sha256: text.sha256,
  };
}

/**
 * Notice versions that make consents under an earlier version of the same key stale for a purpose: later,
 * covering the purpose, and requiring re-consent.
 */
export async function hasReconsentSince(
  ex: Executor,
  notice: { key: string; version: number },
  purpose: string,
) {
  const rows = await ex
    .select({ id: notices.id, version: notices.version, purposes: notices.purposes })
    .from(notices)
    .where(and(eq(notices.key, notice.key), eq(notices.requiresReconsent, true)));
  return rows.some((r) => r.version > notice.version && r.purposes.includes(purpose));
}
