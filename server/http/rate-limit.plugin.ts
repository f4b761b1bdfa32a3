import fastifyRateLimit, { type CreateRateLimitOptions } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Db } from '../db/kysely.ts';
import { TooManyRequestsError } from '../lib/errors.ts';
import { PgRateLimitStore } from './rate-limit.store.ts';

/** The 429 every limit answers, with the seconds to wait (sent as Retry-After). */
const tooMany = (seconds: number) =>
  new TooManyRequestsError('rate_limited', `Too many attempts. Try again in ${seconds} s.`, {
    retryAfterSeconds: seconds,
  });

const SWEEP_MS = 10 * 60_000;

/**
 * Abuse limits (routes opt in with `config.rateLimit`, or `app.rateLimit({...})` for a second limit), counted in
 * PostgreSQL so that all nodes share them; a 429 carries `Retry-After`. Each node sweeps ended windows now and then.
 */
export async function registerRateLimits(app: FastifyInstance, db: Db): Promise<void> {
  await app.register(fastifyRateLimit, {
    global: false,
    store: class extends PgRateLimitStore {
      constructor() {
        super(db);
      }
    },
    errorResponseBuilder: (_req, context) => tooMany(Math.ceil(context.ttl / 1000)),
  });
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    timer = setInterval(() => {
      PgRateLimitStore.sweep(db).catch((error: unknown) => app.log.warn({ err: error }, 'rate limit sweep failed'));
    }, SWEEP_MS);
    timer.unref();
  });
  app.addHook('onClose', async () => clearInterval(timer));
}

export interface LimitSpec {
  /** Names the counter (the store prefixes keys with it). */
  namespace: string;
  max: number;
  timeWindowMs: number;
  key: (req: FastifyRequest) => string;
}

/**
 * A preHandler enforcing several limits on one route (@fastify/rate-limit runs at most one of its own per
 * request): each is counted, and the first one exceeded answers 429 with Retry-After.
 */
export function everyLimit(app: FastifyInstance, specs: LimitSpec[]): preHandlerAsyncHookHandler {
  const limiters = specs.map((spec) =>
    app.createRateLimit({
      namespace: spec.namespace,
      max: spec.max,
      timeWindow: spec.timeWindowMs,
      keyGenerator: spec.key,
    } as CreateRateLimitOptions),
  );
  return async (req) => {
    for (const limiter of limiters) {
      const result = await limiter(req);
      if (!result.isAllowed && result.isExceeded) {
        throw tooMany(result.ttlInSeconds);
      }
    }
  };
}

/**
 * A limit counted beside the route's own first reads (issue 20): `admit(req)` sends the count at once and returns
 * the verdict (rejected with the 429 when the limit is exceeded), which the handler awaits together with those
 * reads before it writes anything, instead of a hook whose round trip comes before the handler starts (under load
 * a round trip waits for a turn of a busy event loop, a few milliseconds). The counter is the one a route's
 * `config.rateLimit` used: `namespace` is `METHOD url`. The handler must await the verdict before any write.
 */
export function admission(
  app: FastifyInstance,
  spec: Omit<LimitSpec, 'max'> & { max: number | (() => Promise<number>) },
): (req: FastifyRequest) => Promise<void> {
  const limiter = app.createRateLimit({
    namespace: spec.namespace,
    max: spec.max,
    timeWindow: spec.timeWindowMs,
    keyGenerator: spec.key,
  } as CreateRateLimitOptions);
  return (req) => {
    const verdict = limiter(req).then((result) => {
      if (!result.isAllowed && result.isExceeded) throw tooMany(result.ttlInSeconds);
    });
    // Awaited by the handler; one refused before it gets there (401, 404) must not leave it unhandled.
    verdict.catch(() => {});
    return verdict;
  };
}
