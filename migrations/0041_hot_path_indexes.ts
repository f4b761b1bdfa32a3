import { type Kysely, sql } from 'kysely';

/**
 * Indexes for hot paths the realistic mix (issue 20) showed scanning a large community:
 *
 * - a like (or helpful mark) re-evaluates its author's badges, whose statistic sums the counter over the author's
 *   published posts (≈ 13 ms for an author of 1 000 posts): the sum now reads only the posts that have one, through
 *   a partial index carrying the counter (posts with no like add nothing, so the sum is the same);
 * - each node's scheduler looks for due scheduled threads every few seconds: a sequential scan of every thread
 *   (≈ 66 ms over 100 000) became a lookup in the few scheduled ones.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE INDEX posts_author_liked_idx ON posts (author_id) INCLUDE (like_count)
    WHERE state = 'published' AND like_count > 0`.execute(db);
  await sql`
    CREATE INDEX posts_author_helpful_idx ON posts (author_id) INCLUDE (helpful_count)
    WHERE state = 'published' AND helpful_count > 0`.execute(db);
  await sql`CREATE INDEX threads_scheduled_idx ON threads (publish_at) WHERE state = 'scheduled'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX threads_scheduled_idx`.execute(db);
  await sql`DROP INDEX posts_author_helpful_idx`.execute(db);
  await sql`DROP INDEX posts_author_liked_idx`.execute(db);
}
