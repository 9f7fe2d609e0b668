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

/** Where a run got to: a creation time and, within it, a contact id. */
interface Cursor {
  at: Date;
  id: string;
}

/** Sorts before every contact id: a cursor resuming at a creation time takes every contact created then. */
const beforeAnyId = '00000000-0000-0000-0000-000000000000';

/** At most `size` contacts after the cursor, in (creation time, id) order. */
async function nextBatch(ex: Executor, after: Cursor | null, size: number) {
  const where = after ? sql`(created_at, id) > (${after.at}::timestamptz, ${after.id}::uuid)` : sql`true`;
  return queryRows<{ id: string; created_at: Date | string }>(
    ex,
    sql`select id, created_at from contacts where ${where} order by created_at, id limit ${size}`,
  );
}

/**
 * A scoring run over every contact, in batches of at most `batchSize` contacts, one short transaction each:
 * the batch's people are locked against a change of stance on profiling, the guard is asked for them, refused
 * people's scores are deleted, and the batch's counts and the cursor commit with the scores. Batches follow a
 * (creation time, contact id) cursor; the run row keeps only the creation time (never a contact id, so an
 * erasure's verification finds nothing here). A run cut off by a crash stays `running` and the next one resumes
 * it, with the same rules and time, from the start of the last creation time it reached: scoring is an upsert,
 * so contacts done twice get the same scores. One run at a time, across processes: a second gets null.
 */
export async function runLeadScoring(
  deps: ScoringDeps & { database: Database; ctx: RequestContext },
  options: { origin: ScoringRun['origin']; batchSize?: number },
): Promise<(ScoringRun & { skipped: number }) | null> {
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
    let cursor: Cursor | null = current.cursorAt ? { at: current.cursorAt, id: beforeAnyId } : null;
    let skipped = 0;
    for (;;) {
      const batch = await nextBatch(db, cursor, size);
      if (batch.length === 0) break;
      const lastRow = batch[batch.length - 1]!;
      const last = { at: new Date(lastRow.created_at), id: lastRow.id };
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
            cursorAt: last.at,
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
        skipped += done.skipped.length;
      });
      cursor = last;
    }
    const [finished] = await db
      .update(scoringRuns)
      .set({ status: 'finished', finishedAt: new Date() })
      .where(eq(scoringRuns.id, current.id))
      .returning();
    return { ...present(finished!), skipped };
  });
  return outcome.ran ? outcome.value : null;
}

export async function listScoringRuns({ db, ctx, limit }: { db: Db; ctx: RequestContext; limit: number }) {
  assertPermission(ctx.actor, 'contacts:read');
  const rows = await db.select().from(scoringRuns).orderBy(desc(scoringRuns.startedAt)).limit(limit);
  return { items: rows.map(present) };
}

/**
 * Queues a run now. The queue is `stately`: with a run already queued, another request adds nothing (that run
 * starts later and covers it); with one running, one more may wait behind it.
 */
export async function queueScoringRun(jobs: JobQueue): Promise<void> {
  await jobs.send(scoringQueue, {});
}

/** A run that started after a job was queued already covers the request behind the job. */
async function hasRunSince(ex: Executor, queuedAt: Date): Promise<boolean> {
  const rows = await queryRows<{ id: string }>(
    ex,
    sql`select id from scoring_runs where started_at >= ${queuedAt}::timestamptz limit 1`,
  );
  return rows.length > 0;
}

/** Works the scoring queue; a run cut off by a crash or a restart is resumed at start-up. */
export async function startScoringWorker(
  jobs: JobQueue,
  deps: ScoringDeps & { database: Database },
  log: Logger,
): Promise<void> {
  await jobs.createQueue(scoringQueue, { name: scoringQueue, policy: 'stately' });
  // A queue created earlier with the `singleton` policy (which let queued runs pile up) is moved over.
  await jobs.updateQueue(scoringQueue, { name: scoringQueue, policy: 'stately' });
  await jobs.work(scoringQueue, { pollingIntervalSeconds: 1, includeMetadata: true }, async ([job]) => {
    // A job queued while the worker was taking the previous one: that run started later and covers it.
    if (job && !(await findRunningRun(deps.db)) && (await hasRunSince(deps.db, new Date(job.createdOn)))) {
      log.info('lead scoring skipped: a run started since it was queued');
      return;
    }
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
          skipped: run.skipped,
        },
        'lead scoring finished',
      );
    else log.info('lead scoring skipped: another run is going on');
  });
  if (await findRunningRun(deps.db)) await queueScoringRun(jobs);
}
