import { type Kysely, sql } from 'kysely';

/**
 * The replies' daily cap (reputation.repository.ts `recordReply`) counts a member's rewarded replies of the
 * day on every reply. Without this index that count walked every event of the day, of every member (the
 * `(created_at, member_id)` index), so each reply cost more the busier the day; now it reads at most `cap`
 * entries of one member.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX reputation_events_reply_cap_idx ON reputation_events (member_id, created_at) WHERE kind = 'reply' AND points > 0`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX reputation_events_reply_cap_idx`.execute(db);
}
