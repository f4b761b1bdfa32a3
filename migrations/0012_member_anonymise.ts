import { type Kysely, sql } from 'kysely';

/** When a member's account was anonymised on request (GDPR erasure); such accounts are left out of searches. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE members ADD COLUMN anonymised_at timestamptz(3)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE members DROP COLUMN anonymised_at`.execute(db);
}
