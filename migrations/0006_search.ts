import { type Kysely, sql } from 'kysely';

/**
 * PostgreSQL full-text search, the default search adapter.
 *
 * - Two text search configurations, `agora_fr` and `agora_en`: the built-in French and English ones with
 *   `unaccent` in front of the stemmer, so « ete » finds « été » and « chaussures » finds « chaussure ». Elisions
 *   (« l'entretien ») need nothing more: the parser splits on the apostrophe and « l » is a French stop word.
 * - A document per post in its own table (`post_search`), so the wide tsvector never travels with the post rows
 *   the forum reads; the first post of a thread carries the thread's title at weight A, bodies weigh B. Both
 *   languages' lexemes go in one vector: a community mixes them, and a query is matched in both.
 * - Triggers keep the documents in step inside the writing transaction: a post and its document commit together,
 *   so this adapter is never out of step. (Meilisearch, when configured, is fed from the outbox instead.)
 * - Queries are counted without the member (`search_queries`) so community managers see what found nothing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE EXTENSION IF NOT EXISTS unaccent`.execute(db);
  for (const [name, copy, stem] of [
    ['agora_fr', 'french', 'french_stem'],
    ['agora_en', 'english', 'english_stem'],
  ] as const) {
    await sql`CREATE TEXT SEARCH CONFIGURATION ${sql.raw(name)} (COPY = ${sql.raw(copy)})`.execute(db);
    await sql`ALTER TEXT SEARCH CONFIGURATION ${sql.raw(name)}
              ALTER MAPPING FOR hword, hword_part, word WITH unaccent, ${sql.raw(stem)}`.execute(db);
  }

  await sql`
    CREATE FUNCTION agora_search_doc(title text, body text) RETURNS tsvector
    LANGUAGE sql STABLE AS $$
      SELECT setweight(to_tsvector('agora_fr', coalesce(title, '')), 'A')
          || setweight(to_tsvector('agora_en', coalesce(title, '')), 'A')
          || setweight(to_tsvector('agora_fr', translate(body, '’', '''')), 'B')
          || setweight(to_tsvector('agora_en', translate(body, '’', '''')), 'B')
    $$`.execute(db);

  await sql`
    CREATE TABLE post_search (
      post_id integer PRIMARY KEY REFERENCES posts(id) ON DELETE CASCADE,
      doc tsvector NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX post_search_doc_idx ON post_search USING gin (doc)`.execute(db);

  await sql`
    CREATE FUNCTION agora_post_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
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

  await sql`
    CREATE FUNCTION agora_thread_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE post_search s SET doc = agora_search_doc(NEW.title, p.body_md)
        FROM posts p WHERE p.thread_id = NEW.id AND p.number = 1 AND s.post_id = p.id;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER threads_search_sync AFTER UPDATE OF title ON threads
    FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title) EXECUTE FUNCTION agora_thread_search_sync()`.execute(db);

  await sql`
    INSERT INTO post_search (post_id, doc)
    SELECT p.id, agora_search_doc(CASE WHEN p.number = 1 THEN t.title END, p.body_md)
      FROM posts p JOIN threads t ON t.id = p.thread_id`.execute(db);

  await sql`
    CREATE TABLE search_queries (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      query text NOT NULL,
      result_count integer NOT NULL,
      created_at timestamptz(3) NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX search_queries_time_idx ON search_queries (created_at DESC)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE search_queries`.execute(db);
  await sql`DROP TRIGGER threads_search_sync ON threads`.execute(db);
  await sql`DROP TRIGGER posts_search_sync ON posts`.execute(db);
  await sql`DROP FUNCTION agora_thread_search_sync()`.execute(db);
  await sql`DROP FUNCTION agora_post_search_sync()`.execute(db);
  await sql`DROP TABLE post_search`.execute(db);
  await sql`DROP FUNCTION agora_search_doc(text, text)`.execute(db);
  await sql`DROP TEXT SEARCH CONFIGURATION agora_en`.execute(db);
  await sql`DROP TEXT SEARCH CONFIGURATION agora_fr`.execute(db);
}
