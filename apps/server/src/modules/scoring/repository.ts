import type { ScoreExplanationItem } from '@custodian/contracts';
import { desc, eq, inArray } from 'drizzle-orm';
import { leadScoreEntity, openPersonalFields, sealPersonalFields } from '../../catalog/index.js';
import type { Executor } from '../../platform/db/database.js';
import type { SubjectKeyStore } from '../subjects/index.js';
import { leadScores } from './schema.js';

export type ScoreRow = typeof leadScores.$inferSelect;

export interface ComputedScore {
  contactId: string;
  subjectId: string;
  score: number;
  explanation: ScoreExplanationItem[];
  rulesVersion: string;
  computedAt: Date;
}

/** Stores scores, each explanation sealed under its person's key; a score already there is replaced. */
export async function upsertScores(
  ex: Executor,
  subjects: SubjectKeyStore,
  scores: readonly ComputedScore[],
): Promise<void> {
  if (scores.length === 0) return;
  const keys = await subjects.keysFor(
    ex,
    scores.map((s) => s.subjectId),
  );
  for (const s of scores) {
    const key = keys.get(s.subjectId);
    if (!key) continue; // erased meanwhile
    const sealed = sealPersonalFields(leadScoreEntity, key, s.subjectId, { explanation: s.explanation });
    const values = {
      subjectId: s.subjectId,
      score: s.score,
      explanation: sealed.explanation ?? null,
      rulesVersion: s.rulesVersion,
      computedAt: s.computedAt,
    };
    await ex
      .insert(leadScores)
      .values({ contactId: s.contactId, ...values })
      .onConflictDoUpdate({ target: leadScores.contactId, set: values });
  }
}

/** Deletes the scores of these contacts; returns how many there were. */
export async function deleteScoresOf(ex: Executor, contactIds: readonly string[]): Promise<number> {
  if (contactIds.length === 0) return 0;
  const rows = await ex
    .delete(leadScores)
    .where(inArray(leadScores.contactId, [...contactIds]))
    .returning({ id: leadScores.contactId });
  return rows.length;
}

export async function findScoreRow(ex: Executor, contactId: string): Promise<ScoreRow | null> {
  const [row] = await ex.select().from(leadScores).where(eq(leadScores.contactId, contactId));
  return row ?? null;
}

/** The highest scores first. */
export async function topScoreRows(ex: Executor, limit: number): Promise<ScoreRow[]> {
  return ex
    .select()
    .from(leadScores)
    .orderBy(desc(leadScores.score), desc(leadScores.computedAt))
    .limit(limit);
}

/** Decrypts an explanation; null when the person's key is gone. */
export async function openExplanation(
  ex: Executor,
  subjects: SubjectKeyStore,
  row: ScoreRow,
): Promise<ScoreExplanationItem[] | null> {
  const key = (await subjects.keysFor(ex, [row.subjectId])).get(row.subjectId);
  if (!key) return null;
  const opened = openPersonalFields(leadScoreEntity, key, row.subjectId, row);
  return (opened.explanation as ScoreExplanationItem[] | null) ?? [];
}
