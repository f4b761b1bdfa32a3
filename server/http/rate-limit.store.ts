import { sql } from 'kysely';
import type { Db } from '../db/kysely.ts';

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/** The part of @fastify/rate-limit's per-route options this store reads. */
interface StoreParams {
  routeInfo?: { method?: string | string[]; url?: string };
  /** Names a limit made with `app.rateLimit(...)`, which has no route to be named after. */
  namespace?: string;
}

/**
 * @fastify/rate-limit's store on PostgreSQL (table `rate_limits`, migration 0022): every node counts in the same
 * row, so a limit holds whatever the number of nodes. One upsert per limited request, in a fixed window: the
 * first hit of a window sets when it ends. Keys are namespaced by route (or by the limit's `namespace`), so one
 * client's searches and its logins never share a counter.
 */
export class PgRateLimitStore {
  constructor(
    private readonly db: Db,
    private readonly namespace = '',
  ) {}

  /** @fastify/rate-limit builds one store per limited route. */
  child(options: object): PgRateLimitStore {
    const params = options as StoreParams;
    const route = params.routeInfo?.url ? `${[params.routeInfo.method].flat().join(',')} ${params.routeInfo.url}` : '';
    return new PgRateLimitStore(this.db, params.namespace ?? route);
  }

  incr(key: string, callback: Callback, timeWindow: number): void {
    void sql<{ hits: number; ttl: number }>`
      INSERT INTO rate_limits AS r (key, hits, reset_at)
      VALUES (${this.key(key)}, 1, now() + make_interval(secs => ${timeWindow / 1000}))
      ON CONFLICT (key) DO UPDATE SET
        hits = CASE WHEN r.reset_at <= now() THEN 1 ELSE r.hits + 1 END,
        reset_at = CASE WHEN r.reset_at <= now() THEN excluded.reset_at ELSE r.reset_at END
      RETURNING hits, greatest(0, ceil(extract(epoch FROM r.reset_at - now()) * 1000))::int AS ttl`
      .execute(this.db)
      .then(({ rows }) => callback(null, { current: rows[0]!.hits, ttl: rows[0]!.ttl }), callback);
  }

  read(key: string, callback: Callback): void {
    void sql<{ hits: number; ttl: number }>`
      SELECT hits, greatest(0, ceil(extract(epoch FROM reset_at - now()) * 1000))::int AS ttl
      FROM rate_limits WHERE key = ${this.key(key)} AND reset_at > now()`
      .execute(this.db)
      .then(({ rows }) => callback(null, { current: rows[0]?.hits ?? 0, ttl: rows[0]?.ttl ?? 0 }), callback);
  }

  /** Drops the windows that have ended (each node calls it now and then; any one suffices). */
  static async sweep(db: Db): Promise<number> {
    const result = await sql`DELETE FROM rate_limits WHERE reset_at < now() - interval '1 minute'`.execute(db);
    return Number(result.numAffectedRows ?? 0);
  }

  private key(key: string): string {
    return `${this.namespace}|${key}`.slice(0, 500);
  }
}
