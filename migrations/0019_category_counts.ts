import { type Kysely, sql } from 'kysely';

/**
 * A category's thread and post counts, spread over shards (budget, docs/ARCHITECTURE.md, post creation): every post of a
 * category used to update its one `categories` row, and the writers of a busy category queued on that row's
 * lock (measured: 351 posts/s with it, 489–540 without, at 20 writers). Each write now adds to one of
 * `category_counts`' rows for the category, chosen at random; a count is the sum of its shards.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE category_counts (
      category_id integer NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
      shard smallint NOT NULL,
      threads integer NOT NULL DEFAULT 0,
      posts integer NOT NULL DEFAULT 0,
      PRIMARY KEY (category_id, shard)
    )`.execute(db);
  await sql`INSERT INTO category_counts (category_id, shard, threads, posts) SELECT id, 0, thread_count, post_count FROM categories`.execute(
    db,
  );
  await sql`ALTER TABLE categories DROP COLUMN thread_count, DROP COLUMN post_count`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE categories ADD COLUMN thread_count integer NOT NULL DEFAULT 0, ADD COLUMN post_count integer NOT NULL DEFAULT 0`.execute(
    db,
  );
  await sql`
    UPDATE categories c SET thread_count = k.threads, post_count = k.posts
      FROM (SELECT category_id, sum(threads)::int AS threads, sum(posts)::int AS posts FROM category_counts GROUP BY category_id) k
     WHERE k.category_id = c.id`.execute(db);
  await sql`DROP TABLE category_counts`.execute(db);
}
