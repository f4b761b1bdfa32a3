import { CompiledQuery } from 'kysely';
import type pg from 'pg';
import type { Db } from '../../db/kysely.ts';

export interface LiveEventRow {
  id: number;
  topic: string;
  type: string;
  data: unknown;
  created_at: Date;
}

/**
 * `live_events` (migration 0009). The hub's hot reads (the next events, the prune) go through the change feed's
 * listening connection when it has one (`direct`): they never wait for the pool.
 */
export class LiveEventsRepository {
  constructor(
    private readonly db: Db,
    private readonly direct: () => pg.Client | null = () => null,
  ) {}

  private async query<R>(text: string, params: unknown[]): Promise<R[]> {
    const client = this.direct();
    if (client) return (await client.query(text, params)).rows as R[];
    return (await this.db.executeQuery<R>(CompiledQuery.raw(text, params))).rows;
  }

  async maxId(): Promise<number> {
    const row = await this.db
      .selectFrom('live_events')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirst();
    return Number(row?.id ?? 0);
  }

  /** The oldest event still kept, if any. */
  async minId(): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('live_events')
      .select((eb) => eb.fn.min('id').as('id'))
      .executeTakeFirst();
    return row?.id === null || row?.id === undefined ? undefined : Number(row.id);
  }

  /** The next events after `cursor`, in id order. */
  after(cursor: number, limit: number) {
    return this.query<LiveEventRow>(
      'SELECT id, topic, type, data, created_at FROM live_events WHERE id > $1 ORDER BY id LIMIT $2',
      [cursor, limit],
    );
  }

  /** These topics' events in (since, upTo], in id order. */
  ofTopics(topics: string[], since: number, upTo: number, limit: number) {
    return this.db
      .selectFrom('live_events')
      .select(['id', 'topic', 'type', 'data', 'created_at'])
      .where('id', '>', since)
      .where('id', '<=', upTo)
      .where('topic', 'in', topics.length ? topics : [''])
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  /** Drops events older than `keepSeconds`, always keeping the newest (the next node's starting point). */
  async prune(keepSeconds: number): Promise<void> {
    await this.query(
      'DELETE FROM live_events WHERE created_at < now() - make_interval(secs => $1) AND id < (SELECT max(id) FROM live_events)',
      [keepSeconds],
    );
  }
}
