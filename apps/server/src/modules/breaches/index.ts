export { findRunningClocks, presentBreach } from './breaches.js';
export { sendBreachReminders, startBreachClock } from './reminders.js';
export { breachRoutes } from './routes.js';
export { breaches } from './schema.js';
