import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../access/access.ts';
import type { Config } from '../config.ts';

export const SESSION_COOKIE = 'agora_session';

/** What the plugin asks of the sessions (auth's SessionService): http/ depends on no feature module. */
export interface SessionValidator {
  /** `fresh`: not from a node's cache (requests that change something). */
  validate(
    token: string,
    options?: { fresh?: boolean; unsettled?: boolean },
  ): Promise<{ id: string; actor: Actor; expiresAt: Date; extended: boolean; cached?: boolean } | null>;
  /**
   * A request that may have changed something finished on this node (the cache syncs before its next read);
   * `memberId`: it could change only that member's sessions and figures.
   */
  wrote?(memberId?: number): void;
}

/**
 * Does the request only read? Then it may use a node's cached session. Sign-in flows change sessions and
 * members even when they are GETs (a provider's callback), so they count as writes.
 */
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
function onlyReads(request: FastifyRequest): boolean {
  return READS.has(request.method) && !request.url.startsWith('/api/auth/');
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * `'self'`: the route changes no session or member figure but its actor's own (a reply moving their trust
     * level, a read position), so only the actor's next reads on this node wait for its invalidations (see
     * SessionCache.wrote); other members' reads go on. A side effect on another member's figures (a like
     * promoting the post's author) reaches this node's cache when PostgreSQL's notification arrives, as it
     * reaches every other node. Without it, a write makes every cached read on the node wait.
     */
    sessionWrites?: 'self';
    /**
     * `'beside'`: the route's write reads its session from the database beside its first statements rather than
     * before them (one round trip less). Its handler passes `checkedActor(request)` to the service, which sends
     * only reads (and statements its transaction rolls back when refused) on behalf of the node's cached actor,
     * then awaits the database's word and decides on it: the write acts on the database's word, as every write
     * does. Without a cached session the session is read first, as for any write.
     */
    sessionCheck?: 'beside';
  }
  interface FastifyRequest {
    actor: Actor | null;
    sessionId: string | undefined;
    /** The database's word on the session (`sessionCheck: 'beside'`), read while the handler starts. */
    actorCheck: Promise<Actor | null> | undefined;
  }
}

/**
 * The request's actor on the database's word: the check read beside the handler's first statements
 * (`sessionCheck: 'beside'`), else the actor the session hook read, which for a write is the database's already.
 */
export function checkedActor(request: FastifyRequest): Promise<Actor | null> {
  return request.actorCheck ?? Promise.resolve(request.actor);
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
  app.decorateRequest('actorCheck', undefined);
  app.addHook('onRequest', async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (!token || !request.url.startsWith('/api/')) return;
    const reads = onlyReads(request);
    const beside = !reads && request.routeOptions.config.sessionCheck === 'beside';
    // Beside: the kept session names who writes, even before this node's notices of their last write arrived.
    const session = await sessions.validate(token, { fresh: !reads && !beside, unsettled: beside });
    if (!session) {
      clearSessionCookie(reply, config);
      return;
    }
    request.actor = session.actor;
    request.sessionId = session.id;
    if (session.extended) setSessionCookie(reply, config, token, session.expiresAt);
    if (beside && session.cached) {
      // A session that ends here meanwhile leaves its cookie: the next request clears it.
      const check = sessions.validate(token, { fresh: true }).then((fresh) => fresh?.actor ?? null);
      check.catch(() => {}); // a handler refusing the request before it asks is no unhandled rejection
      request.actorCheck = check;
    }
  });
  // Before the answer leaves: the client's next read must see what this request changed.
  if (sessions.wrote) {
    const wrote = sessions.wrote.bind(sessions);
    app.addHook('onSend', async (request) => {
      if (onlyReads(request)) return;
      const self = request.routeOptions.config.sessionWrites === 'self' && request.actor;
      wrote(self ? self.id : undefined);
    });
  }
}
