import { sql } from 'kysely';
import type { Executor } from '../../db/kysely.ts';

/** One drainer at a time across every app node (and `search:reindex`): batches are applied in order. */
const LOCK = sql`hashtext('agora.search_outbox')`;

/** `search_outbox` (migration 0008) and the lock that lets one drainer at a time apply it. */
export class SearchOutboxRepository {
  constructor(private readonly db: Executor) {}

  async backlog(): Promise<number> {
    const row = await this.db
      .selectFrom('search_outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Takes the drainer's lock until the transaction ends; false when another node holds it. */
  async tryLockForTransaction(): Promise<boolean> {
    const { rows } = await sql<{ ok: boolean }>`SELECT pg_try_advisory_xact_lock(${LOCK}) AS ok`.execute(this.db);
    return rows[0]?.ok === true;
  }

  nextBatch(limit: number) {
    return this.db.selectFrom('search_outbox').select(['id', 'post_id']).orderBy('id').limit(limit).execute();
  }

  /** By id, not "up to the last id": a transaction still open may commit a smaller id after this read. */
  async settle(ids: number[]): Promise<void> {
    await this.db
      .deleteFrom('search_outbox')
      .where('id', '=', sql<number>`ANY(${ids}::bigint[])`)
      .execute();
  }

  /** Takes the drainer's lock on this connection (a rebuild), waiting for it. */
  async lock(): Promise<void> {
    await sql`SELECT pg_advisory_lock(${LOCK})`.execute(this.db);
  }

  async unlock(): Promise<void> {
    await sql`SELECT pg_advisory_unlock(${LOCK})`.execute(this.db);
  }
}
