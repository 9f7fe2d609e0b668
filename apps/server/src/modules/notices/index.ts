export {
  findNotice,
  findNoticeVersion,
  getCurrentNotice,
  hasReconsentSince,
  noticeInUseSince,
  sha256Of,
} from './notices.js';
export { noticeRoutes } from './routes.js';
export { notices, noticeTexts } from './schema.js';
