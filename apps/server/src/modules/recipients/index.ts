export { listRecipientRecords } from './recipients.js';
export { recipientRoutes } from './routes.js';
export { recipients } from './schema.js';
