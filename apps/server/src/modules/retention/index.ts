export {
  type CustomKeysByCategory,
  customKeysByCategory,
  cutoffOf,
  type DueRecord,
  findDueRecords,
  heldSubjects,
  reportPolicy,
} from './evaluate.js';
export {
  createRetentionPolicy,
  deleteRetentionPolicy,
  findPoliciesToApply,
  findRetentionPolicies,
  getRetentionPolicy,
  type PolicyRow,
  presentPolicy,
  updateRetentionPolicy,
} from './policies.js';
export { type PreviewRetention, retentionRoutes } from './routes.js';
export {
  createRun,
  findRunningRun,
  finishRun,
  handledRefs,
  itemRefOf,
  listRetentionRuns,
  presentRun,
  recordRunItems,
  runItemsKeptDays,
} from './runs.js';
export { retentionPolicies, retentionRunItems, retentionRuns } from './schema.js';
