export { campaignRoutes } from './routes.js';
export { campaignMessages, campaigns } from './schema.js';
export {
  campaignQueue,
  enqueueCampaign,
  sendCampaignMessages,
  startCampaignWorker,
  unsubscribeTokenOf,
} from './send.js';
