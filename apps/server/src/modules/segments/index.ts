export { segmentCondition } from './filter.js';
export { segmentRoutes } from './routes.js';
export { segments } from './schema.js';
export { countSegment, segmentMemberIds } from './segments.js';
