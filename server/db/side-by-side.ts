import {
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
  Transaction,
} from 'kysely';
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
  const [, ...results] = await run(trx, null, pieces);
  return results as unknown as T;
}

/**
 * `lead` first, then `pieces` side by side as `sideBySide`'s, all in the same round trip: the pieces' statements are
 * written after the lead's (it is handed to the connection before any piece starts), so PostgreSQL runs them after
 * it and they may depend on its writes (issue 20: a reply's reputation and notifications follow its post without
 * waiting for the post's row). Every piece runs whatever the lead answers; when the lead returns no row (it wrote
 * nothing: a condition refused it), the pieces followed nothing, their outcomes (a foreign key's refusal, say) are
 * dropped and `LeadWroteNothing` is thrown, so that the caller's transaction rolls back.
 */
export async function afterLead<L, T extends readonly unknown[]>(
  trx: Trx,
  lead: CompiledQuery<L>,
  ...pieces: { [K in keyof T]: (trx: Trx) => Promise<T[K]> }
): Promise<[QueryResult<L>, ...T]> {
  return (await run(trx, lead, pieces)) as unknown as [QueryResult<L>, ...T];
}

/** See `afterLead`. */
export class LeadWroteNothing extends Error {
  constructor() {
    super('the statement the others followed wrote nothing');
  }
}

async function run(
  trx: Trx,
  lead: CompiledQuery | null,
  pieces: readonly ((trx: Trx) => Promise<unknown>)[],
): Promise<unknown[]> {
  const executor = trx.getExecutor();
  let connection: DatabaseConnection | undefined;
  await executor.provideConnection(async (c) => {
    connection = c;
  });
  // The connection's executeQuery hands the statement to the driver before it returns (its first await is the
  // driver's answer), so the lead is on the wire's queue before any piece's statement.
  const led = lead ? connection!.executeQuery(lead) : Promise.resolve(undefined);
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
  const settled = await Promise.allSettled([led, ...pieces.map((piece, i) => piece(handles[i]!))]);
  const first = settled[0]!;
  if (lead && first.status === 'fulfilled' && (first.value as QueryResult<unknown>).rows.length === 0) {
    throw new LeadWroteNothing();
  }
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value);
}
