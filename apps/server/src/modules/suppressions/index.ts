export { suppressionRoutes } from './routes.js';
export { suppressionEntries } from './schema.js';
export {
  assertNotSuppressed,
  type ExportedSuppression,
  exportSuppressionList,
  findSuppressedEmailTokens,
  loadSuppressionList,
  rehashLegacySuppressions,
  restoreSuppressionEntries,
  suppress,
  suppressContactTokens,
  suppressionReasonsOf,
  suppressionTokens,
} from './suppressions.js';
