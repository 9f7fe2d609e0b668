export { anonymiseContacts, birthYearsOf } from './anonymise.js';
export { exportAnalytics } from './export.js';
export { kAnonymise, ladders, type QuasiIdentifier } from './k-anonymity.js';
export { analyticsRoutes } from './routes.js';
export { anonymousRecords } from './schema.js';
