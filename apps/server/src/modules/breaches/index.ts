export { findRunningClocks, presentBreach } from './breaches.js';
export {
  breachesWithQueuedNotices,
  draftNotifications,
  enqueueBreachNotices,
  sendBreachNotices,
  startBreachNoticeWorker,
} from './notices.js';
export { sendBreachReminders, startBreachClock } from './reminders.js';
export { breachRoutes } from './routes.js';
export { breaches, breachNotices } from './schema.js';
