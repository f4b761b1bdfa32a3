import { type Kysely, sql } from 'kysely';

/**
 * Abuse limits counted in the database, so that every app node counts together (two nodes no longer double an
 * attacker's attempts). One row per limit and key (`login:name:alice`, `POST /api/threads:post:12`), reset when
 * its window ends. UNLOGGED: a counter need not survive a database crash, and skipping the WAL keeps the upsert
 * that every limited request makes cheap.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE UNLOGGED TABLE rate_limits (
    key text PRIMARY KEY,
    hits integer NOT NULL,
    reset_at timestamptz NOT NULL
  )`.execute(db);
  await sql`CREATE INDEX rate_limits_reset_idx ON rate_limits (reset_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE rate_limits`.execute(db);
}
