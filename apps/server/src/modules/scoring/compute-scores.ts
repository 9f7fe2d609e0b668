import type { RefusalReason, ScoreExplanationItem } from '@custodian/contracts';
import type { Executor } from '../../platform/db/database.js';
import { answerProcessing } from '../consents/index.js';
import type { SubjectKeyStore } from '../subjects/index.js';
import { countMatches } from './conditions.js';
import { type ComputedScore, deleteScoresOf, lockForScoring, upsertScores } from './repository.js';
import type { RuleSnapshot } from './schema.js';

/** The purpose lead scoring runs under: its lawful basis and the people's choices decide who is scored. */
export const profilingPurpose = 'profiling';

export interface BatchOutcome {
  scored: ComputedScore[];
  /** Refused people by the guard's first reason. */
  refused: Map<string, RefusalReason[]>;
  deleted: number;
  /** Contacts left out because another transaction held them (a ledger event, an erasure in flight). */
  skipped: string[];
}

/** A score and the explanation of every rule that gave points. */
export function scoreOf(rules: readonly RuleSnapshot[], counts: readonly number[]) {
  const explanation: ScoreExplanationItem[] = [];
  rules.forEach((rule, i) => {
    const count = counts[i] ?? 0;
    if (count > 0)
      explanation.push({ ruleId: rule.id, ruleName: rule.name, points: rule.points * count, count });
  });
  return { score: explanation.reduce((sum, e) => sum + e.points, 0), explanation };
}

/**
 * Scores a batch of contacts in the caller's transaction. First the contacts and their people are locked
 * against a change of stance on profiling: an objection committing between the guard's answer and the score's
 * write would otherwise miss the new score (the ledger trigger cannot see a row not yet committed). Someone
 * whose ledger is being written just now is left out (`skipped`) for the next run. The guard is then asked for
 * the others: those it refuses for profiling are not scored, and any score they had is deleted; the allowed get
 * their score and explanation, replacing the one before (so running again changes nothing).
 */
export async function scoreContacts(
  ex: Executor,
  subjects: SubjectKeyStore,
  batch: { contactIds: readonly string[]; rules: readonly RuleSnapshot[]; rulesVersion: string; asOf: Date },
): Promise<BatchOutcome> {
  const locked = await lockForScoring(ex, batch.contactIds, { skipLocked: true });
  const skipped = batch.contactIds.filter((id) => !locked.has(id));
  const { answers } = await answerProcessing(ex, profilingPurpose, { contactIds: [...locked] });
  const refused = new Map(answers.filter((a) => !a.allowed).map((a) => [a.contactId, a.reasons] as const));
  const deleted = await deleteScoresOf(ex, [...refused.keys()]);
  const allowed = answers.filter((a) => a.allowed);
  const counts = await countMatches(
    ex,
    batch.rules,
    allowed.map((a) => a.contactId),
    batch.asOf,
  );
  const computedAt = new Date();
  const scored = allowed.map((a) => ({
    contactId: a.contactId,
    subjectId: a.subjectId,
    ...scoreOf(batch.rules, counts.get(a.contactId) ?? []),
    rulesVersion: batch.rulesVersion,
    computedAt,
  }));
  await upsertScores(ex, subjects, scored);
  return { scored, refused, deleted, skipped };
}
