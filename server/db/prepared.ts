import { createHash } from 'node:crypto';
import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import { LRUCache } from 'lru-cache';
import type pg from 'pg';

/**
 * Server-side prepared statements for the queries a node runs again and again (issue 20), the way JDBC's driver
 * does it (`prepareThreshold`): once a statement's text has run `threshold` times it gets a name, and each
 * connection of the pool prepares it on first use and from then on only binds and executes it. PostgreSQL
 * skips parsing and, after a few executions, planning — for the small index lookups of a page read, planning
 * costs several times the execution (≈ 0.4–0.9 ms against 0.08 ms for the reader's overlay, EXPLAIN ANALYZE).
 *
 * Bounded: at most `maxNamed` statements get a name (the hot ones: statements built with a varying number of
 * parameters stay unnamed once the budget is spent), and only data statements are prepared (not BEGIN, SET,
 * LISTEN or DDL).
 */
export interface PreparedOptions {
  threshold?: number;
  maxNamed?: number;
}

const DATA_STATEMENT = /^\s*(select|insert|update|delete|with)\b/i;
/** An upsert onto a partial unique index: its arbiter is inferred from the WHERE, which a parameter may hide. */
const PARTIAL_ARBITER = /on conflict\s*\([^)]*\)\s*where/i;

export class StatementNames {
  private readonly seen = new LRUCache<string, number>({ max: 5000 });
  private readonly named = new Map<string, string>();
  private readonly threshold: number;
  private readonly maxNamed: number;

  constructor(options: PreparedOptions = {}) {
    this.threshold = options.threshold ?? 5;
    this.maxNamed = options.maxNamed ?? 200;
  }

  /** The statement's name once it is hot, else undefined (run it unnamed). */
  nameOf(text: string): string | undefined {
    const name = this.named.get(text);
    if (name || this.named.size >= this.maxNamed || !DATA_STATEMENT.test(text) || PARTIAL_ARBITER.test(text))
      return name;
    const count = (this.seen.get(text) ?? 0) + 1;
    if (count < this.threshold) {
      this.seen.set(text, count);
      return undefined;
    }
    this.seen.delete(text);
    const named = `a_${createHash('sha1').update(text).digest('base64url')}`;
    this.named.set(text, named);
    return named;
  }

  /** How many statements have a name (tests, the bench). */
  get size(): number {
    return this.named.size;
  }
}

/** A pool for Kysely's PostgresDialect whose clients run hot statements prepared. */
export function preparingPool(pool: pg.Pool, names: StatementNames): PostgresPool {
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      function query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
      function query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
      function query<R>(
        sqlOrCursor: string | PostgresCursor<R>,
        parameters?: ReadonlyArray<unknown>,
      ): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
        if (typeof sqlOrCursor !== 'string') return client.query(sqlOrCursor as never) as PostgresCursor<R>;
        const name = names.nameOf(sqlOrCursor);
        const values = parameters as unknown[];
        const result = name ? client.query({ name, text: sqlOrCursor, values }) : client.query(sqlOrCursor, values);
        return result as unknown as Promise<PostgresQueryResult<R>>;
      }
      return { query, release: () => client.release() };
    },
    end: () => pool.end(),
  };
}
