import { type Kysely, sql } from 'kysely';

/**
 * The community's health (issue 7) counts what happened per day: these indexes let each figure read only its
 * window, also on a million posts (BENCHMARKS.md).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX IF NOT EXISTS posts_created_idx ON posts (created_at)`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS threads_created_idx ON threads (created_at)`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS members_created_idx ON members (created_at)`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS members_seen_idx ON members (last_seen_at)`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS reputation_events_created_idx ON reputation_events (created_at)`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS reports_created_idx ON reports (created_at)`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS rule_hits_created_idx ON rule_hits (created_at)`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS moderation_items_created_idx ON moderation_items (created_at)`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS moderation_items_open_idx ON moderation_items (status) WHERE status = 'open'`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const name of [
    'posts_created_idx',
    'threads_created_idx',
    'members_created_idx',
    'members_seen_idx',
    'reputation_events_created_idx',
    'reports_created_idx',
    'rule_hits_created_idx',
    'moderation_items_created_idx',
    'moderation_items_open_idx',
  ]) {
    await sql`DROP INDEX IF EXISTS ${sql.id(name)}`.execute(db);
  }
}
