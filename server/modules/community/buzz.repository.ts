import { sql } from 'kysely';
import type { Executor } from '../../db/kysely.ts';

/** What the bad-buzz watcher reads and writes: posts to score, alerts announced once, the managers told. */
export class BuzzRepository {
  constructor(private readonly db: Executor) {}

  /** Recent posts (35 days, the alert's window) whose tone has not been scored, oldest first. */
  unscored(limit: number) {
    return this.db
      .selectFrom('posts')
      .innerJoin('threads', 'threads.id', 'posts.thread_id')
      .select(['posts.id', 'posts.number', 'posts.body_md', 'threads.title'])
      .where('posts.sentiment', 'is', null)
      .where('posts.created_at', '>=', sql<Date>`now() - interval '35 days'`)
      .orderBy('posts.created_at')
      .limit(limit)
      .execute();
  }

  async setSentiments(ids: number[], scores: number[]): Promise<void> {
    await sql`
      UPDATE posts p SET sentiment = u.s
        FROM unnest(${ids}::bigint[], ${scores}::real[]) AS u(id, s)
       WHERE p.id = u.id AND p.sentiment IS NULL`.execute(this.db);
  }

  /** Records the alert once, whichever node sees it first: true when this call recorded it. */
  async recordAlert(key: string): Promise<boolean> {
    const row = await this.db
      .insertInto('buzz_alerts')
      .values({ key })
      .onConflict((oc) => oc.doNothing())
      .returning('key')
      .executeTakeFirst();
    return row !== undefined;
  }

  /** A `community.buzz` notification to every community manager and admin. */
  async notifyManagers(data: unknown): Promise<void> {
    await sql`
          INSERT INTO notifications (member_id, kind, data)
          SELECT id, 'community.buzz', ${JSON.stringify(data)}::jsonb FROM members
           WHERE role IN ('community_manager', 'admin') AND banned_at IS NULL AND anonymised_at IS NULL`.execute(
      this.db,
    );
  }
}
