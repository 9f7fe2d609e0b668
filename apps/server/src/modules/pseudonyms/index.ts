export { exportPseudonymised, pseudonymRecipientNames, resolvePseudonyms } from './pseudonyms.js';
export { pseudonymRoutes } from './routes.js';
export { pseudonymRecipients } from './schema.js';
