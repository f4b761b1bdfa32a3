import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDb, type Db } from '../../server/db/kysely.ts';

export interface QuerySpan {
  sql: string;
  start: number;
  end: number;
}

/**
 * How many round trips these queries took one after another: a query sent before an earlier one of its group was
 * answered went side by side with it (on another connection) and adds none.
 */
export function roundTrips(spans: readonly QuerySpan[]): number {
  let trips = 0;
  let answered = -Infinity;
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    if (span.start >= answered) {
      trips += 1;
      answered = span.end;
    } else answered = Math.min(answered, span.end);
  }
  return trips;
}

/** The promise's outcome, `ms` later. */
function late<T>(promise: Promise<T>, ms: number): Promise<T> {
  const wait = () => new Promise((resolve) => setTimeout(resolve, ms));
  return promise.then(
    (value) => wait().then(() => value),
    (err: unknown) =>
      wait().then(() => {
        throw err;
      }),
  );
}

export interface TestDatabase {
  db: Db;
  url: string;
  /** Every query's SQL since the last reset (to prove a page has no N+1). */
  queries: string[];
  /** The same queries' times (performance.now(), ms): which ran side by side. */
  spans: QuerySpan[];
  /** Writes to PostgreSQL's sockets so far (one per system call, however many statements each carries). */
  writes: { count: number };
  /** How long each answer is held back (ms): see createTestDatabase. */
  latency: { ms: number };
  drop(): Promise<void>;
}

/**
 * A fresh database for one test file, cloned from the migrated template (a few tens of milliseconds).
 *
 * `latency` (ms; `TestDatabase.latency.ms` changes it) holds back each answer the app's pool gets, as a network
 * between it and PostgreSQL would. Tests of which statements go side by side use it: on loopback the answers are
 * so fast that a busy machine can delay one send past another statement's answer, and timing then shows apart
 * what was sent together. With latency that takes a stall longer than it, while a statement that waits for
 * another still starts after its answer.
 */
export async function createTestDatabase(options: { latency?: number } = {}): Promise<TestDatabase> {
  const adminUrl = inject('pgAdminUrl');
  const template = inject('pgTemplate');
  const name = `agora_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const queries: string[] = [];
  const spans: QuerySpan[] = [];
  const { db, pool } = createDb(url.toString(), 10, (sql) => queries.push(sql));
  // Each statement's span as the driver saw it: from being asked for to being answered (a transaction's BEGIN,
  // which the pool writes with the first statement, included).
  const writes = { count: 0 };
  const latency = { ms: options.latency ?? 0 };
  pool.on('connect', (client) => {
    // Node's socket writes one buffer with `_write`, several held back (cork) with `_writev`: one call each.
    const stream = (client as unknown as { connection: { stream: Record<string, unknown> } }).connection.stream;
    for (const method of ['_write', '_writev'] as const) {
      const original = stream[method] as ((...args: unknown[]) => unknown) | undefined;
      if (!original) continue;
      stream[method] = function (this: unknown, ...args: unknown[]) {
        writes.count += 1;
        return original.apply(this, args);
      };
    }
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      const start = performance.now();
      const sent = query(...args);
      if (!(sent instanceof Promise)) return sent;
      const result: Promise<unknown> = latency.ms ? late(sent, latency.ms) : sent;
      const first = args[0] as string | { text?: string };
      const span = { sql: typeof first === 'string' ? first : (first.text ?? ''), start, end: 0 };
      spans.push(span);
      void result.then(
        () => (span.end = performance.now()),
        () => (span.end = performance.now()),
      );
      return result;
    };
  });
  return {
    db,
    url: url.toString(),
    queries,
    spans,
    writes,
    latency,
    async drop() {
      await db.destroy();
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
