import type { LeadScore } from '@custodian/contracts';
import { leadScoreEntity, restrictedFields } from '../../catalog/index.js';
import { assertPermission, type RequestContext } from '../../platform/access.js';
import type { Tx } from '../../platform/db/database.js';
import { transaction } from '../../platform/db/database.js';
import { notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { answerProcessing, type GuardAnswer } from '../consents/index.js';
import { profilingPurpose, scoreContacts } from './compute-scores.js';
import { deleteScoresOf, findScoreRow, lockForScoring, openExplanation, topScoreRows } from './repository.js';
import { activeRules, rulesVersionOf } from './rules.js';
import type { ScoringDeps } from './run-scoring.js';

type Deps = ScoringDeps & { ctx: RequestContext };

const masked = '[restricted]' as const;

/** Asks the guard about one person; a refused person's score is deleted there and then. */
async function guardOne(tx: Tx, deps: Deps, contactId: string): Promise<GuardAnswer> {
  const { answers } = await answerProcessing(tx, profilingPurpose, { contactIds: [contactId] });
  const [answer] = answers;
  if (!answer) throw notFound('contact');
  if (!answer.allowed && (await deleteScoresOf(tx, [contactId])) > 0)
    await recordAudit(tx, deps.keys, deps.ctx, {
      action: 'scoring.score.delete',
      entityType: 'leadScore',
      entityId: contactId,
      subjectIds: [answer.subjectId],
      access: 'change',
      categories: ['behavioural'],
    });
  return answer;
}

/** The stored score as the caller may see it: score and explanation are masked together. */
async function presentScore(tx: Tx, deps: Deps, answer: GuardAnswer, action: string): Promise<LeadScore> {
  const restricted = restrictedFields(leadScoreEntity, deps.ctx).has('explanation');
  const row = answer.allowed ? await findScoreRow(tx, answer.contactId) : null;
  const explanation = row && !restricted ? await openExplanation(tx, deps.subjects, row) : null;
  await recordAudit(tx, deps.keys, deps.ctx, {
    action,
    entityType: 'leadScore',
    entityId: answer.contactId,
    subjectIds: [answer.subjectId],
    ...(action === 'scoring.score.read' ? { access: 'read' as const } : { access: 'change' as const }),
    categories: row && !restricted ? ['behavioural'] : [],
  });
  return {
    contactId: answer.contactId,
    status: !answer.allowed ? 'refused' : row ? 'scored' : 'not_scored',
    reasons: answer.reasons,
    score: row ? (restricted ? masked : row.score) : null,
    explanation: row ? (restricted ? masked : explanation) : null,
    computedAt: row?.computedAt.toISOString() ?? null,
    rulesVersion: row?.rulesVersion ?? null,
    restricted: row && restricted ? ['score', 'explanation'] : [],
  };
}

/** A person's score, after asking the guard again: a score kept for someone it now refuses is deleted. */
export async function getContactScore(deps: Deps & { id: string }): Promise<LeadScore> {
  assertPermission(deps.ctx.actor, 'contacts:read');
  return transaction(deps.db, async (tx) =>
    presentScore(tx, deps, await guardOne(tx, deps, deps.id), 'scoring.score.read'),
  );
}

/** Scores one person now with the active rules, if the guard allows it. */
export async function scoreContactNow(deps: Deps & { id: string }): Promise<LeadScore> {
  assertPermission(deps.ctx.actor, 'scoring:manage');
  return transaction(deps.db, async (tx) => {
    // Locked before the guard is asked, as a run's batch does; this waits for a ledger event in flight.
    await lockForScoring(tx, [deps.id], { skipLocked: false });
    const answer = await guardOne(tx, deps, deps.id);
    if (answer.allowed) {
      const rules = await activeRules(tx);
      await scoreContacts(tx, deps.subjects, {
        contactIds: [deps.id],
        rules,
        rulesVersion: rulesVersionOf(rules),
        asOf: new Date(),
      });
    }
    return presentScore(tx, deps, answer, 'scoring.score.compute');
  });
}

/** How many stored scores one read looks at per score it returns: refused people's scores are skipped. */
const topScoreOverscan = 3;

/**
 * The highest scores of people the guard allows now; scores of people it refuses are deleted on the way. One
 * read looks at a bounded number of scores (`limit` × 3): if more of them belong to refused people than that
 * leaves room for, the list is shorter this time, and the next read, their scores gone, is full again.
 * A caller who may not see scores gets none.
 */
export async function listTopScores(deps: Deps & { limit: number }) {
  assertPermission(deps.ctx.actor, 'contacts:read');
  // Even the order would reveal masked scores: such a caller gets an empty list saying so.
  if (restrictedFields(leadScoreEntity, deps.ctx).has('explanation'))
    return { items: [], restricted: ['score'] };
  return transaction(deps.db, async (tx) => {
    const rows = await topScoreRows(tx, deps.limit * topScoreOverscan);
    const { answers } = await answerProcessing(tx, profilingPurpose, {
      contactIds: rows.map((r) => r.contactId),
    });
    const allowed = new Set(answers.filter((a) => a.allowed).map((a) => a.contactId));
    const refused = answers.filter((a) => !a.allowed);
    if (refused.length > 0) {
      await deleteScoresOf(
        tx,
        refused.map((a) => a.contactId),
      );
      await recordAudit(tx, deps.keys, deps.ctx, {
        action: 'scoring.score.delete',
        entityType: 'leadScore',
        subjectIds: refused.map((a) => a.subjectId),
        access: 'change',
        categories: ['behavioural'],
      });
    }
    const shown = rows.filter((r) => allowed.has(r.contactId)).slice(0, deps.limit);
    if (shown.length > 0)
      await recordAudit(tx, deps.keys, deps.ctx, {
        action: 'scoring.score.list',
        entityType: 'leadScore',
        subjectIds: shown.map((r) => r.subjectId),
        access: 'read',
        categories: ['behavioural'],
      });
    return {
      items: shown.map((r) => ({
        contactId: r.contactId,
        score: r.score,
        computedAt: r.computedAt.toISOString(),
      })),
      restricted: [],
    };
  });
}
