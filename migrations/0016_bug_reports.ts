import { type Kysely, sql } from 'kysely';

/** Questions and discussions tagged as a product problem (a bug report), exported with the ideas for product teams. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE threads ADD COLUMN bug_report boolean NOT NULL DEFAULT false`.execute(db);
  await sql`CREATE INDEX threads_bug_reports_idx ON threads (id) WHERE bug_report AND state = 'published'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX threads_bug_reports_idx`.execute(db);
  await sql`ALTER TABLE threads DROP COLUMN bug_report`.execute(db);
}
