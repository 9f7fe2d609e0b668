import type { RequestContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import type { Executor } from '../../platform/db/database.js';
import { recordAudit } from '../audit/index.js';
import { answerProcessing } from '../consents/index.js';
import { profilingPurpose } from './compute-scores.js';
import { deleteScoresOf, scoreRowsAfter } from './repository.js';

const pageSize = 1000;

/**
 * After a purpose changed (the DPO moved profiling to consent, or gave it categories some people limited),
 * deletes in the caller's transaction the score of everyone the guard now refuses for profiling, page by page,
 * so a change of basis takes effect at once rather than at the next run. Returns how many were deleted.
 */
export async function forgetRefusedScores(
  ex: Executor,
  deps: { keys: KeyRing; ctx: RequestContext; purpose: string },
): Promise<number> {
  if (deps.purpose !== profilingPurpose) return 0;
  let after: string | null = null;
  let deleted = 0;
  for (;;) {
    const page = await scoreRowsAfter(ex, after, pageSize);
    if (page.length === 0) return deleted;
    after = page[page.length - 1]!.contactId;
    const { answers } = await answerProcessing(ex, profilingPurpose, {
      contactIds: page.map((r) => r.contactId),
    });
    const refused = answers.filter((a) => !a.allowed);
    if (refused.length === 0) continue;
    deleted += await deleteScoresOf(
      ex,
      refused.map((a) => a.contactId),
    );
    await recordAudit(ex, deps.keys, deps.ctx, {
      action: 'scoring.score.delete',
      entityType: 'leadScore',
      subjectIds: refused.map((a) => a.subjectId),
      access: 'change',
      categories: ['behavioural'],
    });
  }
}
