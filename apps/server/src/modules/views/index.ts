export { viewRoutes } from './routes.js';
export { savedViews } from './schema.js';
