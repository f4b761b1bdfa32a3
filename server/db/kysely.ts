import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import { preparingPool, StatementNames } from './prepared.ts';
import type { Database } from './types.ts';

export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;
/** Repositories accept either the root handle or a transaction. */
export type Executor = Db | Trx;

// int8 (COUNT(*), bigint ids) arrives as a string by default; our counts fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export function createDb(
  connectionString: string,
  max = 10,
  /** Called with each query's SQL and its time in ms, once answered (tests count a request's queries). */
  onQuery?: (sql: string, ms: number) => void,
  /** Hot statements run prepared (see prepared.ts); false: every statement is parsed and planned each time. */
  prepare = true,
): { db: Db; pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString, max, idleTimeoutMillis: 30_000 });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on('error', (err) => {
    if (!/administrator command/.test(err.message)) console.error('[db] idle client error:', err.message);
  });
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: prepare ? preparingPool(pool, new StatementNames()) : pool }),
    ...(onQuery && {
      log: (event) => {
        if (event.level === 'query') onQuery(event.query.sql, event.queryDurationMillis);
      },
    }),
  });
  return { db, pool };
}
