import { type Kysely, sql } from 'kysely';

/** Each bad-buzz alert (a day, or a thread on a day) is announced to community managers once, by any node. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE buzz_alerts (key text PRIMARY KEY, created_at timestamptz(3) NOT NULL DEFAULT now())`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE buzz_alerts`.execute(db);
}
