import {
  createScoringRule as createEndpoint,
  deleteScoringRule as deleteEndpoint,
  getScoringRule as getEndpoint,
  getContactScore as getScoreEndpoint,
  listScoringRules as listEndpoint,
  listScoringRuns as listRunsEndpoint,
  listTopScores as listTopEndpoint,
  scoreContact as scoreEndpoint,
  startScoringRun as startRunEndpoint,
  updateScoringRule as updateEndpoint,
} from '@custodian/contracts';
import type { FastifyInstance } from 'fastify';
import { assertPermission } from '../../platform/access.js';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import { recordAudit } from '../audit/index.js';
import { getContactScore, listTopScores, scoreContactNow } from './read-score.js';
import {
  createScoringRule,
  deleteScoringRule,
  findScoringRules,
  getScoringRule,
  updateScoringRule,
} from './rules.js';
import { listScoringRuns, type ScoringDeps } from './run-scoring.js';

export function scoringRoutes(
  app: FastifyInstance,
  deps: ScoringDeps & {
    /** Queues a run; throws when this server has no job queue. */
    queueRun: () => Promise<void>;
  },
): void {
  registerEndpoint(app, listEndpoint, ({ ctx }) => findScoringRules({ ...deps, ctx }));
  registerEndpoint(app, getEndpoint, ({ ctx, params }) => getScoringRule({ ...deps, ctx, id: params.id }));
  registerEndpoint(app, createEndpoint, ({ ctx, body }) => createScoringRule({ ...deps, ctx, input: body }));
  registerEndpoint(app, updateEndpoint, ({ ctx, params, body }) =>
    updateScoringRule({ ...deps, ctx, id: params.id, input: body }),
  );
  registerEndpoint(app, deleteEndpoint, ({ ctx, params }) =>
    deleteScoringRule({ ...deps, ctx, id: params.id }),
  );
  registerEndpoint(app, startRunEndpoint, async ({ ctx }) => {
    assertPermission(ctx.actor, 'scoring:manage');
    await deps.queueRun();
    await recordAudit(deps.db, deps.keys, ctx, { action: 'scoring.run.queue', entityType: 'scoringRun' });
    return { queued: true as const };
  });
  registerEndpoint(app, listRunsEndpoint, ({ ctx, query }) =>
    listScoringRuns({ ...deps, ctx, limit: query.limit }),
  );
  registerEndpoint(app, listTopEndpoint, ({ ctx, query }) =>
    listTopScores({ ...deps, ctx, limit: query.limit }),
  );
  registerEndpoint(app, getScoreEndpoint, ({ ctx, params }) =>
    getContactScore({ ...deps, ctx, id: params.id }),
  );
  registerEndpoint(app, scoreEndpoint, ({ ctx, params }) => scoreContactNow({ ...deps, ctx, id: params.id }));
}
