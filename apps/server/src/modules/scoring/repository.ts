import type { ScoreExplanationItem } from '@custodian/contracts';
import { desc, eq, gt, inArray, sql } from 'drizzle-orm';
import { leadScoreEntity, openPersonalFields, sealPersonalFields } from '../../catalog/index.js';
import { arrayParam } from '../../platform/db/bulk.js';
import { type Executor, queryRows } from '../../platform/db/database.js';
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

/**
 * Stores scores in one statement, each explanation sealed under its person's key; a score already there is
 * replaced. Rows go in contact order, so two writers lock them in the same order.
 */
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
  const rows = [...scores]
    .sort((a, b) => (a.contactId < b.contactId ? -1 : a.contactId > b.contactId ? 1 : 0))
    .flatMap((s) => {
      const key = keys.get(s.subjectId);
      if (!key) return []; // erased meanwhile
      const sealed = sealPersonalFields(leadScoreEntity, key, s.subjectId, { explanation: s.explanation });
      return [
        {
          contactId: s.contactId,
          subjectId: s.subjectId,
          score: s.score,
          explanation: sealed.explanation ?? null,
          rulesVersion: s.rulesVersion,
          computedAt: s.computedAt,
        },
      ];
    });
  if (rows.length === 0) return;
  await ex
    .insert(leadScores)
    .values(rows)
    .onConflictDoUpdate({
      target: leadScores.contactId,
      set: {
        subjectId: sql.raw('excluded.subject_id'),
        score: sql.raw('excluded.score'),
        explanation: sql.raw('excluded.explanation'),
        rulesVersion: sql.raw('excluded.rules_version'),
        computedAt: sql.raw('excluded.computed_at'),
      },
    });
}

/**
 * Locks these contacts and their people against a change of stance on profiling (appending to the consent
 * ledger takes a conflicting lock on the person), in contact order; returns the contacts locked. With
 * `skipLocked`, a contact or person another transaction holds is left out rather than waited for, so a batch
 * never waits on a ledger writer or an erasure (and can never deadlock with one).
 */
export async function lockForScoring(
  ex: Executor,
  contactIds: readonly string[],
  options: { skipLocked: boolean },
): Promise<Set<string>> {
  if (contactIds.length === 0) return new Set();
  const wait = options.skipLocked ? sql` skip locked` : sql``;
  const rows = await queryRows<{ id: string }>(
    ex,
    sql`select c.id from contacts c join data_subjects ds on ds.id = c.subject_id
        where c.id = any(${arrayParam(contactIds, 'uuid')})
        order by c.id
        for key share of c${wait} for share of ds${wait}`,
  );
  return new Set(rows.map((r) => r.id));
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

/** A page of stored scores in contact order, after a contact id. */
export async function scoreRowsAfter(ex: Executor, after: string | null, limit: number) {
  return ex
    .select({ contactId: leadScores.contactId })
    .from(leadScores)
    .where(after ? gt(leadScores.contactId, after) : undefined)
    .orderBy(leadScores.contactId)
    .limit(limit);
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
