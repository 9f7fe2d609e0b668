export { ensureTags, findTagsByName } from './repository.js';
export { tags } from './schema.js';
