export { portalRoutes } from './routes.js';
