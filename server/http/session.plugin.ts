import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Actor } from '../access/access.ts';
import type { Config } from '../config.ts';

export const SESSION_COOKIE = 'agora_session';

/** What the plugin asks of the sessions (auth's SessionService): http/ depends on no feature module. */
export interface SessionValidator {
  validate(token: string): Promise<{ id: string; actor: Actor; expiresAt: Date; extended: boolean } | null>;
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    sessionId: string | undefined;
  }
}

export function setSessionCookie(reply: FastifyReply, config: Config, token: string, expiresAt: Date): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: config.secureCookies,
    path: '/',
    expires: expiresAt,
  });
}

export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure: config.secureCookies, path: '/' });
}

/** Resolves the session cookie into request.actor (null for visitors) before any route runs. */
export function registerSession(app: FastifyInstance, config: Config, sessions: SessionValidator): void {
  app.decorateRequest('actor', null);
  app.decorateRequest('sessionId', undefined);
  app.addHook('onRequest', async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (!token || !request.url.startsWith('/api/')) return;
    const session = await sessions.validate(token);
    if (!session) {
      clearSessionCookie(reply, config);
      return;
    }
    request.actor = session.actor;
    request.sessionId = session.id;
    if (session.extended) setSessionCookie(reply, config, token, session.expiresAt);
  });
}
