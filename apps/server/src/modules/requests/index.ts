export { sendDeadlineReminders, startRequestWorkers } from './deadline-reminders.js';
export { deadlinesFor } from './deadlines.js';
export type { RequestDeps } from './deps.js';
export { findRequests, getRequest, getRequestHistory } from './find-requests.js';
export { verificationCode } from './public-requests.js';
export { deleteRequestRecords, detachRequestsFrom, findRequestRow, openRequests } from './repository.js';
export { runStep } from './request-steps.js';
export {
  enqueueRequesterNotice,
  type RequesterNotice,
  sendRequesterNotice,
} from './requester-notices.js';
export { type FulfilRequest, requestRoutes } from './routes.js';
export { dsrRequestEvents, dsrRequests } from './schema.js';
export { statusTokenOf, statusUrlOf } from './status-link.js';
export { enqueueVerificationMail, sendVerificationMail } from './verification-mail.js';
