import type { ScoringRun } from '@custodian/contracts';
import { desc, eq, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { assertPermission, type RequestContext, systemContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Database, type Db, type Executor, queryRows, transaction } from '../../platform/db/database.js';
import { withExclusiveLock } from '../../platform/db/exclusive.js';
import type { JobQueue } from '../../platform/jobs.js';
import { recordAudit } from '../audit/index.js';
import type { SubjectKeyStore } from '../subjects/index.js';
import { scoreContacts } from './compute-scores.js';
import { activeRules, rulesVersionOf } from './rules.js';
import { scoringRuns } from './schema.js';

export const scoringQueue = 'lead-scoring';

type RunRow = typeof scoringRuns.$inferSelect;

export interface ScoringDeps {
  db: Db;
  keys: KeyRing;
  subjects: SubjectKeyStore;
}

const present = (r: RunRow): ScoringRun => ({
  id: r.id,
  status: r.status as ScoringRun['status'],
  origin: r.origin as ScoringRun['origin'],
  rulesVersion: r.rulesVersion,
  startedAt: r.startedAt.toISOString(),
  finishedAt: r.finishedAt?.toISOString() ?? null,
  batches: r.batches,
  scored: r.scored,
  refused: r.refused,
  deleted: r.deleted,
});

async function findRunningRun(ex: Executor): Promise<RunRow | null> {
  const [row] = await ex.select().from(scoringRuns).where(eq(scoringRuns.status, 'running'));
  return row ?? null;
}

/**
 * The next batch of contacts after a creation time, in creation order. A batch ends after a whole creation
 * time (an import writes many contacts at one instant), so a cursor of times alone — never a contact id —
 * resumes exactly where a run stopped.
 */
async function nextBatch(ex: Executor, after: Date | null, size: number) {
  const from = after ?? new Date(0);
  return queryRows<{ id: string; created_at: Date | string }>(
    ex,
    sql`with bound as (select created_at from contacts where created_at > ${from}
                       order by created_at offset ${size - 1} limit 1)
        select id, created_at from contacts
        where created_at > ${from}
          and (not exists (select 1 from bound) or created_at <= (select created_at from bound))
        order by created_at, id`,
  );
}

/**
 * A scoring run over every contact, in batches of one short transaction each: the guard is asked for the
 * batch right before it is scored, refused people's scores are deleted, and the batch's counts and the cursor
 * commit with the scores. A run cut off by a crash stays `running` and the next one resumes it, with the same
 * rules and time; scoring is an upsert, so a batch done twice gives the same scores. One run at a time, across
 * processes: a second gets null.
 */
export async function runLeadScoring(
  deps: ScoringDeps & { database: Database; ctx: RequestContext },
  options: { origin: ScoringRun['origin']; batchSize?: number },
): Promise<ScoringRun | null> {
  const { db, keys, subjects, ctx } = deps;
  const size = options.batchSize ?? 200;
  const outcome = await withExclusiveLock(deps.database, scoringQueue, async () => {
    let run = await findRunningRun(db);
    if (!run) {
      const rules = await activeRules(db);
      const startedBy = ctx.actor.kind === 'user' || ctx.actor.kind === 'token' ? ctx.actor.userId : null;
      const [created] = await db
        .insert(scoringRuns)
        .values({
          status: 'running',
          origin: options.origin,
          asOf: new Date(),
          rulesVersion: rulesVersionOf(rules),
          rules,
          startedBy,
        })
        .returning();
      run = created!;
    }
    const current = run!;
    let cursor = current.cursorAt;
    for (;;) {
      const batch = await nextBatch(db, cursor, size);
      if (batch.length === 0) break;
      const last = new Date(batch[batch.length - 1]!.created_at);
      await transaction(db, async (tx) => {
        const done = await scoreContacts(tx, subjects, {
          contactIds: batch.map((b) => b.id),
          rules: current.rules,
          rulesVersion: current.rulesVersion,
          asOf: current.asOf,
        });
        const [counts] = await tx
          .select({ refused: scoringRuns.refused })
          .from(scoringRuns)
          .where(eq(scoringRuns.id, current.id))
          .for('update');
        const refused = { ...counts!.refused };
        for (const [reason] of done.refused.values()) refused[reason!] = (refused[reason!] ?? 0) + 1;
        await tx
          .update(scoringRuns)
          .set({
            cursorAt: last,
            batches: sql`${scoringRuns.batches} + 1`,
            scored: sql`${scoringRuns.scored} + ${done.scored.length}`,
            deleted: sql`${scoringRuns.deleted} + ${done.deleted}`,
            refused,
          })
          .where(eq(scoringRuns.id, current.id));
        // One entry per batch naming the people profiled; never their scores.
        await recordAudit(tx, keys, ctx, {
          action: 'scoring.run.batch',
          entityType: 'leadScore',
          entityId: current.id,
          subjectIds: done.scored.map((s) => s.subjectId),
          access: 'change',
          categories: ['behavioural'],
        });
      });
      cursor = last;
    }
    const [finished] = await db
      .update(scoringRuns)
      .set({ status: 'finished', finishedAt: new Date() })
      .where(eq(scoringRuns.id, current.id))
      .returning();
    return present(finished!);
  });
  return outcome.ran ? outcome.value : null;
}

export async function listScoringRuns({ db, ctx, limit }: { db: Db; ctx: RequestContext; limit: number }) {
  assertPermission(ctx.actor, 'contacts:read');
  const rows = await db.select().from(scoringRuns).orderBy(desc(scoringRuns.startedAt)).limit(limit);
  return { items: rows.map(present) };
}

/** Queues a run now; with one already queued, the queue's singleton policy keeps just one. */
export async function queueScoringRun(jobs: JobQueue): Promise<void> {
  await jobs.send(scoringQueue, {});
}

/** Works the scoring queue; a run cut off by a crash or a restart is resumed at start-up. */
export async function startScoringWorker(
  jobs: JobQueue,
  deps: ScoringDeps & { database: Database },
  log: Logger,
): Promise<void> {
  await jobs.createQueue(scoringQueue, { name: scoringQueue, policy: 'singleton' });
  await jobs.work(scoringQueue, { pollingIntervalSeconds: 1 }, async () => {
    const run = await runLeadScoring({ ...deps, ctx: systemContext('lead-scoring') }, { origin: 'api' });
    // Counts only: never a person, a score or a rule's name.
    if (run)
      log.info(
        {
          runId: run.id,
          batches: run.batches,
          scored: run.scored,
          deleted: run.deleted,
          refused: run.refused,
        },
        'lead scoring finished',
      );
    else log.info('lead scoring skipped: another run is going on');
  });
  if (await findRunningRun(deps.db)) await queueScoringRun(jobs);
}
