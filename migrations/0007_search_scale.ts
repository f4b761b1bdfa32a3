import { type Kysely, sql } from 'kysely';

/**
 * Search at the scale of a large community (measured on 1 M posts, BENCHMARKS.md):
 * - `post_search` carries what search filters on (category, kind, author, visibility, accepted answer, date),
 *   so a search reads one table; B-trees on (author, post) and (category, post) let a filtered search walk the
 *   newest posts of that author or category, the GIN index serves rare words.
 * - Visibility is computed once from the post's and the thread's states: `published` when both are, else the
 *   state a moderator would see (`pending`, `hidden`), or `gone` (deleted, rejected, scheduled: never found).
 * - The triggers keep every column in step with posts and threads, in the writing transaction.
 * - `threads.accepted_post_id` gets the index the "accepted answers" badge statistic needed (it scanned every
 *   thread once per member when a badge was backfilled).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX threads_accepted_post_idx ON threads (accepted_post_id) WHERE accepted_post_id IS NOT NULL`.execute(
    db,
  );

  await sql`
    CREATE FUNCTION agora_search_visibility(post_state text, thread_state text) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$
      SELECT CASE
        WHEN post_state IN ('deleted', 'rejected') OR thread_state IN ('deleted', 'scheduled') THEN 'gone'
        WHEN post_state = 'published' AND thread_state = 'published' THEN 'published'
        WHEN post_state <> 'published' THEN post_state
        ELSE thread_state
      END
    $$`.execute(db);

  await sql`
    ALTER TABLE post_search
      ADD COLUMN category_id integer,
      ADD COLUMN kind text,
      ADD COLUMN author_id integer,
      ADD COLUMN visibility text,
      ADD COLUMN answered boolean,
      ADD COLUMN created_at timestamptz(3)`.execute(db);
  await sql`
    UPDATE post_search s
       SET category_id = t.category_id, kind = t.kind, author_id = p.author_id,
           visibility = agora_search_visibility(p.state, t.state), answered = t.accepted_post_id IS NOT NULL,
           created_at = p.created_at
      FROM posts p JOIN threads t ON t.id = p.thread_id
     WHERE p.id = s.post_id`.execute(db);
  await sql`
    ALTER TABLE post_search
      ALTER COLUMN category_id SET NOT NULL, ALTER COLUMN kind SET NOT NULL, ALTER COLUMN author_id SET NOT NULL,
      ALTER COLUMN visibility SET NOT NULL, ALTER COLUMN answered SET NOT NULL, ALTER COLUMN created_at SET NOT NULL`.execute(
    db,
  );
  await sql`CREATE INDEX post_search_author_idx ON post_search (author_id, post_id DESC)`.execute(db);
  await sql`CREATE INDEX post_search_category_idx ON post_search (category_id, post_id DESC)`.execute(db);

  await sql`
    CREATE OR REPLACE FUNCTION agora_post_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE t threads%ROWTYPE;
    BEGIN
      SELECT * INTO t FROM threads WHERE id = NEW.thread_id;
      INSERT INTO post_search (post_id, doc, category_id, kind, author_id, visibility, answered, created_at)
      VALUES (NEW.id, agora_search_doc(CASE WHEN NEW.number = 1 THEN t.title END, NEW.body_md),
              t.category_id, t.kind, NEW.author_id, agora_search_visibility(NEW.state, t.state),
              t.accepted_post_id IS NOT NULL, NEW.created_at)
      ON CONFLICT (post_id) DO UPDATE SET
        doc = CASE WHEN TG_OP = 'INSERT' OR OLD.body_md IS DISTINCT FROM NEW.body_md THEN EXCLUDED.doc ELSE post_search.doc END,
        category_id = EXCLUDED.category_id, kind = EXCLUDED.kind, author_id = EXCLUDED.author_id,
        visibility = EXCLUDED.visibility, answered = EXCLUDED.answered;
      RETURN NULL;
    END $$`.execute(db);
  await sql`DROP TRIGGER posts_search_sync ON posts`.execute(db);
  await sql`
    CREATE TRIGGER posts_search_sync AFTER INSERT OR UPDATE OF body_md, state, thread_id ON posts
    FOR EACH ROW EXECUTE FUNCTION agora_post_search_sync()`.execute(db);

  await sql`
    CREATE OR REPLACE FUNCTION agora_thread_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE post_search s SET
        doc = CASE WHEN p.number = 1 AND OLD.title IS DISTINCT FROM NEW.title
                   THEN agora_search_doc(NEW.title, p.body_md) ELSE s.doc END,
        category_id = NEW.category_id, kind = NEW.kind,
        visibility = agora_search_visibility(p.state, NEW.state),
        answered = NEW.accepted_post_id IS NOT NULL
        FROM posts p WHERE p.thread_id = NEW.id AND s.post_id = p.id;
      RETURN NULL;
    END $$`.execute(db);
  await sql`DROP TRIGGER threads_search_sync ON threads`.execute(db);
  await sql`
    CREATE TRIGGER threads_search_sync AFTER UPDATE OF title, category_id, kind, state, accepted_post_id ON threads
    FOR EACH ROW
    WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.category_id IS DISTINCT FROM NEW.category_id
          OR OLD.kind IS DISTINCT FROM NEW.kind OR OLD.state IS DISTINCT FROM NEW.state
          OR OLD.accepted_post_id IS DISTINCT FROM NEW.accepted_post_id)
    EXECUTE FUNCTION agora_thread_search_sync()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER threads_search_sync ON threads`.execute(db);
  await sql`
    CREATE OR REPLACE FUNCTION agora_thread_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE post_search s SET doc = agora_search_doc(NEW.title, p.body_md)
        FROM posts p WHERE p.thread_id = NEW.id AND p.number = 1 AND s.post_id = p.id;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER threads_search_sync AFTER UPDATE OF title ON threads
    FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title) EXECUTE FUNCTION agora_thread_search_sync()`.execute(db);
  await sql`DROP TRIGGER posts_search_sync ON posts`.execute(db);
  await sql`
    CREATE OR REPLACE FUNCTION agora_post_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO post_search (post_id, doc)
      VALUES (NEW.id, agora_search_doc(
        CASE WHEN NEW.number = 1 THEN (SELECT title FROM threads WHERE id = NEW.thread_id) END, NEW.body_md))
      ON CONFLICT (post_id) DO UPDATE SET doc = EXCLUDED.doc;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER posts_search_sync AFTER INSERT OR UPDATE OF body_md ON posts
    FOR EACH ROW EXECUTE FUNCTION agora_post_search_sync()`.execute(db);
  await sql`DROP INDEX post_search_author_idx`.execute(db);
  await sql`DROP INDEX post_search_category_idx`.execute(db);
  await sql`
    ALTER TABLE post_search DROP COLUMN category_id, DROP COLUMN kind, DROP COLUMN author_id,
      DROP COLUMN visibility, DROP COLUMN answered, DROP COLUMN created_at`.execute(db);
  await sql`DROP FUNCTION agora_search_visibility(text, text)`.execute(db);
  await sql`DROP INDEX threads_accepted_post_idx`.execute(db);
}
