export { presentDpia } from './dpias.js';
export { dpiaRoutes } from './routes.js';
export { dpias } from './schema.js';
export { screenPurposes } from './screening.js';
