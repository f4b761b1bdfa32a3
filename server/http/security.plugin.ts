import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import { ForbiddenError } from '../lib/errors.ts';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * A route other sites (and servers) may call: it must act only on a capability in the request itself, never
     * on the session cookie — e.g. RFC 8058 one-click unsubscribing, POSTed by mail providers without Origin.
     */
    crossSite?: boolean;
  }
}

/**
 * CSRF defence from the Lucia guide: a state-changing request must come from our own origin. Browsers always
 * send Origin on POST/PATCH/DELETE; a request without one (or from elsewhere) is refused.
 */
export function registerOriginCheck(app: FastifyInstance, config: Config): void {
  const allowed = new Set(config.allowedOrigins);
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    // A WebSocket upgrade is a GET, but it opens a channel that acts with the session cookie: a browser always
    // sends Origin on it, and another site's page must not open one (cross-site WebSocket hijacking).
    const upgrade = request.headers.upgrade?.toLowerCase() === 'websocket';
    if (SAFE.has(request.method) && !upgrade) return;
    if (request.routeOptions.config?.crossSite) return;
    const origin = request.headers.origin ?? refererOrigin(request.headers.referer);
    if (!origin && upgrade) return; // not a browser: no ambient cookie to abuse
    if (!origin || origin === 'null') {
      throw new ForbiddenError('csrf.origin_missing', 'State-changing requests must carry an Origin header.');
    }
    if (allowed.has(origin)) return;
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      throw new ForbiddenError('csrf.origin_mismatch', 'This request comes from another site.');
    }
    if (host !== request.host) {
      throw new ForbiddenError('csrf.origin_mismatch', 'This request comes from another site.');
    }
  });
}

function refererOrigin(referer: string | undefined): string | undefined {
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}

/**
 * Conservative headers on every response; the strict CSP applies to the app's HTML. Images come from our own
 * origin only: posts' external images are downloaded at publication (server/modules/uploads), so no reader's
 * browser calls a third party for them.
 */
export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'strict-origin-when-cross-origin');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    // A route may set a stricter policy of its own (images: server/modules/uploads).
    if (!request.url.startsWith('/api/docs') && !reply.hasHeader('content-security-policy')) {
      reply.header(
        'content-security-policy',
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
          "connect-src 'self' ws: wss:; font-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'",
      );
    }
  });
}
