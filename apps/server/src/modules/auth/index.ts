export { createAuthenticator } from './authenticator.js';
export { csrfCookie, csrfHeader, sessionCookie } from './cookies.js';
export { authRoutes } from './routes.js';
export { deleteExpiredSessions, deleteSessionsOfUser } from './sessions-repository.js';
export { checkTotp, openTotpSecret } from './totp.js';
