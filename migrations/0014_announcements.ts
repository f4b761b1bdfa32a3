import { type Kysely, sql } from 'kysely';

/** Each member may dismiss an announcement shown on the home page; it stays dismissed on every device. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE announcement_dismissals (
      member_id integer NOT NULL REFERENCES members (id) ON DELETE CASCADE,
      thread_id integer NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      PRIMARY KEY (member_id, thread_id)
    )`.execute(db);
  await sql`CREATE INDEX threads_featured_idx ON threads (last_post_at DESC) WHERE featured AND state = 'published'`.execute(
    db,
  );
  await sql`CREATE INDEX threads_announcements_idx ON threads (created_at DESC) WHERE kind = 'announcement' AND state = 'published'`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX threads_announcements_idx`.execute(db);
  await sql`DROP INDEX threads_featured_idx`.execute(db);
  await sql`DROP TABLE announcement_dismissals`.execute(db);
}
