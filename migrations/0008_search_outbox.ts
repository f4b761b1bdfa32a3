import { type Kysely, sql } from 'kysely';

/**
 * The search outbox (docs/ARCHITECTURE.md). Every change to a post's search document (`post_search`, itself written by
 * triggers in the writing transaction) adds a row naming the post, in that same transaction: what the server
 * acknowledged is in the outbox when it answers. A worker drains the rows in batches and sends the posts' current
 * state to an external index (Meilisearch); it deletes the rows only once the index has taken them, so an outage
 * or a crash delays updates and never loses one. The rows carry no document: the worker reads the post as it is
 * now, so a batch that names a post twice sends it once, and the order of retries cannot bring back an old state.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE search_outbox (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      post_id bigint NOT NULL,
      created_at timestamptz(3) NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`
    CREATE FUNCTION agora_search_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO search_outbox (post_id) VALUES (CASE WHEN TG_OP = 'DELETE' THEN OLD.post_id ELSE NEW.post_id END);
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER post_search_outbox_write AFTER INSERT OR DELETE ON post_search
    FOR EACH ROW EXECUTE FUNCTION agora_search_outbox()`.execute(db);
  // A thread change rewrites every post's row; only the rows whose values changed are worth sending.
  await sql`
    CREATE TRIGGER post_search_outbox_change AFTER UPDATE ON post_search
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION agora_search_outbox()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER post_search_outbox_change ON post_search`.execute(db);
  await sql`DROP TRIGGER post_search_outbox_write ON post_search`.execute(db);
  await sql`DROP FUNCTION agora_search_outbox()`.execute(db);
  await sql`DROP TABLE search_outbox`.execute(db);
}
