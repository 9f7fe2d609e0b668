export { profilingPurpose, scoreContacts } from './compute-scores.js';
export { describeCondition, profilingSectionOf } from './explain-logic.js';
export { forgetRefusedScores } from './forget-refused-scores.js';
export { deleteScoresOf } from './repository.js';
export { scoringRoutes } from './routes.js';
export {
  queueScoringRun,
  runLeadScoring,
  type ScoringDeps,
  scoringQueue,
  startScoringWorker,
} from './run-scoring.js';
export { leadScores, scoringRules, scoringRuns } from './schema.js';
