export { buildRecordsOfProcessing, type RopaSettings } from './records-of-processing.js';
export { accountabilityRoutes } from './routes.js';
