export { suppressionRoutes } from './routes.js';
export { suppressionEntries } from './schema.js';
export {
  assertNotSuppressed,
  findSuppressedEmailTokens,
  suppress,
  suppressionTokens,
} from './suppressions.js';
