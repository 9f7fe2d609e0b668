export { preferenceTokenOf, preferenceUrlOf } from './preferences.js';
export { preferenceRoutes } from './routes.js';
