export { messageTokenOf, parseMailEvent, recordMailEvent, returnPathOf } from './mail-events.js';
export { type MailEventReceiver, startMailEventReceiver } from './mail-receiver.js';
export { campaignRoutes } from './routes.js';
export { campaignMessages, campaigns } from './schema.js';
export {
  campaignQueue,
  enqueueCampaign,
  sendCampaignMessages,
  startCampaignWorker,
  unsubscribeTokenOf,
} from './send.js';
export { campaignMailOf } from './tracking.js';
