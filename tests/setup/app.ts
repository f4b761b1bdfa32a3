import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../server/app.ts';
import { type Config, loadConfig } from '../../server/config.ts';
import type { Db } from '../../server/db/kysely.ts';
import type { Member } from '../../server/db/types.ts';
import { SessionRepository } from '../../server/modules/auth/session.repository.ts';
import { generateSessionToken, SessionService } from '../../server/modules/auth/session.service.ts';
import { createTestDatabase, type QuerySpan, type TestDatabase } from './db.ts';

export const ORIGIN = 'http://forum.test:3000';

export interface TestApp {
  app: FastifyInstance;
  db: Db;
  /** The database's connection string (a second node on the same database). */
  url: string;
  config: Config;
  /** A request through the real HTTP stack. `as` signs the request in as that member. */
  api(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    options?: { body?: unknown; as?: Member | string; headers?: Record<string, string> },
  ): Promise<LightMyRequestResponse>;
  /** The SQL queries the app ran since the last call of `resetQueries`. */
  queries: string[];
  /** The same queries' times: which ran side by side. */
  spans: QuerySpan[];
  /** How long each answer from PostgreSQL is held back (ms): see createTestDatabase. */
  latency: { ms: number };
  resetQueries(): void;
  /** A session cookie for a member, made the way login makes one. */
  loginAs(member: Member): Promise<string>;
  close(): Promise<void>;
}

/**
 * The real app on a fresh database. Rate limits are raised unless a test sets its own env, and the
 * netiquette's activity rules (flood, duplicates) are off unless `netiquette: 'strict'`: most tests post a
 * lot, fast, and alike; the tests of those rules turn them on. `latency`: see createTestDatabase.
 */
export async function createTestApp(
  env: Record<string, string> = {},
  options: { netiquette?: 'relaxed' | 'strict'; latency?: number } = {},
): Promise<TestApp> {
  const database: TestDatabase = await createTestDatabase({ latency: options.latency });
  const config = loadConfig({
    RATE_LIMIT_LOGIN: '1000',
    RATE_LIMIT_LOGIN_ADDRESS: '1000',
    RATE_LIMIT_REGISTER: '1000',
    RATE_LIMIT_POSTING: '10000',
    RATE_LIMIT_PREVIEW: '10000',
    RATE_LIMIT_SEARCH: '10000',
    WEB_DIST: '/nonexistent',
    NETIQUETTE_RECHECK_MS: '0',
    SEARCH_WORKER: '0',
    SCHEDULER_INTERVAL_MS: '0',
    BUZZ_CHECK_MS: '0',
    MAIL_WORKER_MS: '0',
    ...env,
  });
  const app = await buildApp({ config, db: database.db, databaseUrl: database.url });
  await app.ready();
  if (options.netiquette !== 'strict') {
    await database.db
      .updateTable('netiquette_rules')
      .set({ enabled: false })
      .where('key', 'in', ['flood', 'duplicate'])
      .execute();
  }
  const sessions = new SessionService(new SessionRepository(database.db));
  const cookies = new Map<number, string>();
  const loginAs = async (member: Member) => {
    let cookie = cookies.get(member.id);
    if (!cookie) {
      const token = generateSessionToken();
      await sessions.create(token, member.id);
      cookie = `agora_session=${token}`;
      cookies.set(member.id, cookie);
    }
    return cookie;
  };
  return {
    app,
    db: database.db,
    url: database.url,
    config,
    loginAs,
    queries: database.queries,
    spans: database.spans,
    latency: database.latency,
    resetQueries: () => {
      database.queries.splice(0);
      database.spans.splice(0);
    },
    async api(method, url, options = {}) {
      const headers: Record<string, string> = { host: 'forum.test:3000', ...options.headers };
      if (method !== 'GET' && !('origin' in headers)) headers.origin = ORIGIN;
      if (options.as) headers.cookie = typeof options.as === 'string' ? options.as : await loginAs(options.as);
      return app.inject({
        method,
        url,
        headers,
        ...(options.body === undefined ? {} : { payload: options.body as object }),
      });
    },
    async close() {
      await app.close();
      await database.drop();
    },
  };
}
