export { type DeliveryDeps, deliverWebhook } from './deliver.js';
export { destinationIssue, isInternalAddress } from './destination.js';
export { dispatchDomainEvents } from './dispatch.js';
export { erasureRecipientNames } from './repository.js';
export { webhookRoutes } from './routes.js';
export { webhookDeliveries, webhookSubscriptions } from './schema.js';
export { enqueueWebhookDelivery, startWebhookWorkers, webhookDeliveryQueue } from './worker.js';
