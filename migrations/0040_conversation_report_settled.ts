import { type Kysely, sql } from 'kysely';

/**
 * A reported conversation waits in the moderation queue until a moderator settles its reports (issue 19):
 * `settled_at` / `settled_by` on each report; the queue lists conversations with an unsettled one. Settling
 * does not close the conversation to staff: once reported it stays readable by them, every read audited.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE conversation_reports
      ADD COLUMN settled_at timestamp(3) with time zone,
      ADD COLUMN settled_by integer REFERENCES members(id) ON DELETE SET NULL`.execute(db);
  await sql`
    CREATE INDEX conversation_reports_open_idx ON conversation_reports (conversation_id)
    WHERE settled_at IS NULL`.execute(db);
}
