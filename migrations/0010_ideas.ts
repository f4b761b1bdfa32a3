import { type Kysely, sql } from 'kysely';

/**
 * The ideas loop (issue 7): members vote for ideas and follow threads; community managers give an idea a status
 * (new, under review, planned, shipped, declined) with a public note, and everyone who voted for it or follows it
 * is told. A status change or a vote is also a live event on the thread.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // idea_status exists since 0001 (nullable, unused until now).
  await sql`UPDATE threads SET idea_status = 'new' WHERE idea_status IS NULL`.execute(db);
  await sql`
    ALTER TABLE threads
      ALTER COLUMN idea_status SET DEFAULT 'new',
      ALTER COLUMN idea_status SET NOT NULL,
      ADD CONSTRAINT threads_idea_status_check CHECK (idea_status IN ('new', 'under_review', 'planned', 'shipped', 'declined')),
      ADD COLUMN idea_note text NOT NULL DEFAULT '',
      ADD COLUMN idea_status_at timestamptz(3),
      ADD COLUMN vote_count integer NOT NULL DEFAULT 0`.execute(db);
  await sql`
    CREATE TABLE idea_votes (
      thread_id integer NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
      member_id integer NOT NULL REFERENCES members (id) ON DELETE CASCADE,
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      PRIMARY KEY (thread_id, member_id)
    )`.execute(db);
  await sql`
    CREATE TABLE thread_follows (
      thread_id integer NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
      member_id integer NOT NULL REFERENCES members (id) ON DELETE CASCADE,
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      PRIMARY KEY (thread_id, member_id)
    )`.execute(db);
  await sql`CREATE INDEX idea_votes_member_idx ON idea_votes (member_id)`.execute(db);
  await sql`CREATE INDEX thread_follows_member_idx ON thread_follows (member_id)`.execute(db);
  await sql`CREATE INDEX threads_ideas_idx ON threads (idea_status, vote_count DESC, id DESC) WHERE kind = 'idea' AND state = 'published'`.execute(
    db,
  );

  await sql`
    CREATE FUNCTION agora_live_ideas() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.kind = 'idea' AND NEW.state = 'published' THEN
        PERFORM agora_live_emit('thread:' || NEW.id, 'idea.updated',
          jsonb_build_object('threadId', NEW.id, 'status', NEW.idea_status, 'votes', NEW.vote_count));
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER threads_live_ideas AFTER UPDATE OF idea_status, idea_note, vote_count ON threads
    FOR EACH ROW WHEN (OLD.idea_status IS DISTINCT FROM NEW.idea_status OR OLD.idea_note IS DISTINCT FROM NEW.idea_note
                       OR OLD.vote_count IS DISTINCT FROM NEW.vote_count)
    EXECUTE FUNCTION agora_live_ideas()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER threads_live_ideas ON threads`.execute(db);
  await sql`DROP FUNCTION agora_live_ideas()`.execute(db);
  await sql`DROP TABLE thread_follows`.execute(db);
  await sql`DROP TABLE idea_votes`.execute(db);
  await sql`DROP INDEX IF EXISTS threads_ideas_idx`.execute(db);
  await sql`ALTER TABLE threads DROP COLUMN vote_count, DROP COLUMN idea_status_at, DROP COLUMN idea_note, DROP CONSTRAINT threads_idea_status_check`.execute(
    db,
  );
  await sql`ALTER TABLE threads ALTER COLUMN idea_status DROP NOT NULL, ALTER COLUMN idea_status DROP DEFAULT`.execute(
    db,
  );
}
