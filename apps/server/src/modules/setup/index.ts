export { setupRoutes } from './routes.js';
export { completeSetup, isSetupRequired, setupToken } from './setup.js';
