export { apiTokenPrefix, createApiToken } from './create-api-token.js';
export { findApiTokens } from './find-api-tokens.js';
export { findApiTokenByHash, revokeApiTokensOfUser, touchApiToken } from './repository.js';
export { revokeApiToken } from './revoke-api-token.js';
export { tokenRoutes } from './routes.js';
