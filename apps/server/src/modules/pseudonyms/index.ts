export { exportPseudonymised, resolvePseudonyms } from './pseudonyms.js';
export { pseudonymRoutes } from './routes.js';
export { pseudonymRecipients } from './schema.js';
