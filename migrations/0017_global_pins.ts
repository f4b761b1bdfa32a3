import { type Kysely, sql } from 'kysely';

/** A thread pinned everywhere: first on the home page's latest list and in every category (issue 7). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE threads ADD COLUMN pinned_global boolean NOT NULL DEFAULT false`.execute(db);
  await sql`CREATE INDEX threads_pinned_global_idx ON threads (last_post_at DESC) WHERE pinned_global AND state = 'published'`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX threads_pinned_global_idx`.execute(db);
  await sql`ALTER TABLE threads DROP COLUMN pinned_global`.execute(db);
}
