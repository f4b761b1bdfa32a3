/** auth: sessions, registration, login, and the first administrator. What other modules and the app may use. */
export { authRoutes } from './auth.routes.ts';
export { AuthService } from './auth.service.ts';
export { ensureAdmin } from './bootstrap.ts';
export { assertAcceptablePassword, MIN_PASSWORD_SCORE } from './password-policy.ts';
export { SessionRepository } from './session.repository.ts';
export { generateSessionToken, SessionService, type SessionRow, type ValidatedSession } from './session.service.ts';
export { SessionCache } from './session-cache.ts';
export { accountRoutes } from './account.routes.ts';
export { AccountService } from './account.service.ts';
