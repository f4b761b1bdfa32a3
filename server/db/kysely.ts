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
  /** Called with each query's SQL (tests count the queries a request makes). */
  onQuery?: (sql: string) => void,
  /** Hot statements run prepared (see prepared.ts); false: every statement is parsed and planned each time. */
  prepare = true,
): { db: Db; pool: pg.Pool } {
  // Clients pipeline: statements asked for together (a transaction's BEGIN and first statement, reads side by
  // side within a transaction) are written together and answered in one round trip (see prepared.ts).
  const pool = new pg.Pool({ connectionString, max, idleTimeoutMillis: 30_000, pipeline: true });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on('error', (err) => {
    if (!/administrator command/.test(err.message)) console.error('[db] idle client error:', err.message);
  });
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: preparingPool(pool, prepare ? new StatementNames() : null) }),
    ...(onQuery && {
      log: (event) => {
        if (event.level === 'query') onQuery(event.query.sql);
      },
    }),
  });
  return { db, pool };
}
