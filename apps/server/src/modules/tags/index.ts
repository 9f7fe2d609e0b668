export { ensureTags, findTagsByName } from './repository.js';
export { tagRoutes } from './routes.js';
export { tags } from './schema.js';
