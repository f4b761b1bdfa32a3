import { type Kysely, sql } from 'kysely';

/**
 * Each post's tone (community/sentiment.ts): null until scored. The bad-buzz alert counts negative posts by day
 * and by thread; the partial index holds only those (the threshold is sentiment.ts's NEGATIVE_AT).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE posts ADD COLUMN sentiment real`.execute(db);
  await sql`CREATE INDEX posts_negative_idx ON posts (created_at) INCLUDE (thread_id) WHERE sentiment <= -1`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX posts_negative_idx`.execute(db);
  await sql`ALTER TABLE posts DROP COLUMN sentiment`.execute(db);
}
