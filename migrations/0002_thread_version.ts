import { type Kysely, sql } from 'kysely';

/**
 * A version per thread, bumped by every write that changes what its pages show (posts, edits, deletions,
 * reactions, accepted answer, title). Readers cache a rendered page and re-validate it with one primary-key
 * lookup of this number: correct across app nodes without any cross-node invalidation.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE threads ADD COLUMN version integer NOT NULL DEFAULT 0`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
