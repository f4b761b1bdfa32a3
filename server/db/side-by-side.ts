import { type DatabaseConnection, type Driver, type Dialect, Transaction } from 'kysely';
import type { Database } from './types.ts';
import type { Trx } from './kysely.ts';

/** A transaction's handle for `sideBySide`'s pieces: it runs statements, nothing else (no nested transaction). */
const NO_DRIVER: Driver = new Proxy({} as Driver, {
  get: (_, name) => () => {
    throw new Error(`${String(name)}: not inside a side-by-side piece of a transaction`);
  },
});

const NO_DIALECT = NO_DRIVER as unknown as Dialect;

/**
 * Independent pieces of work of one transaction, side by side on its connection (issue 20). Kysely runs a
 * transaction's statements one after the other, each sent once the one before was answered; the pool's
 * connections pipeline (kysely.ts), so here each piece gets a handle on the same connection that does not wait
 * for the other pieces' statements: theirs share round trips, and under load each round trip waits for a turn
 * of a busy event loop. PostgreSQL runs the statements in the order they were sent, interleaved: the pieces must
 * not depend on each other's writes.
 *
 * Every piece finishes before a failure is thrown: the caller's transaction then rolls back, and a piece still
 * running would otherwise send its next statement after the ROLLBACK, outside the transaction. After a failure
 * the other pieces' statements fail at once (the transaction is aborted), so nothing waits long.
 */
export async function sideBySide<T extends readonly unknown[]>(
  trx: Trx,
  ...pieces: { [K in keyof T]: (trx: Trx) => Promise<T[K]> }
): Promise<T> {
  const executor = trx.getExecutor();
  let connection: DatabaseConnection | undefined;
  await executor.provideConnection(async (c) => {
    connection = c;
  });
  const shared = executor.withConnectionProvider({ provideConnection: (consumer) => consumer(connection!) });
  const handles = pieces.map(
    () =>
      new Transaction<Database>({
        config: { dialect: NO_DIALECT },
        executor: shared,
        driver: NO_DRIVER,
        dialect: NO_DIALECT,
      }),
  );
  const settled = await Promise.allSettled(pieces.map((piece, i) => piece(handles[i]!)));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
