export { deadlinesFor } from './deadlines.js';
export type { RequestDeps } from './deps.js';
export { runStep } from './request-steps.js';
export { type FulfilRequest, requestRoutes } from './routes.js';
export { dsrRequestEvents, dsrRequests } from './schema.js';
