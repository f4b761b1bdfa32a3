import { type Kysely, sql } from 'kysely';

/**
 * A member's trust is re-assessed on every reply, and it needs their last refused post. Looking it up
 * joined the member's posts to the refusals: 1.5–1.8 ms for a member of 1 000 posts among 4 000 refusals,
 * on every reply, growing with both. `members.last_refusal_at` now holds it, kept by a trigger on the
 * moderation items whatever path decides them: a refusal moves it forward; a refusal undone (the item's
 * status leaving 'rejected', or the item deleted) recomputes it for that member, which is rare.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE members ADD COLUMN last_refusal_at timestamptz`.execute(db);
  await sql`
    UPDATE members m SET last_refusal_at = r.at
      FROM (SELECT p.author_id, max(i.decided_at) AS at FROM moderation_items i JOIN posts p ON p.id = i.post_id
             WHERE i.status = 'rejected' GROUP BY p.author_id) r
     WHERE r.author_id = m.id`.execute(db);
  await sql`
    CREATE FUNCTION agora_last_refusal_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE author integer;
    BEGIN
      IF TG_OP <> 'DELETE' AND NEW.status = 'rejected' THEN
        SELECT author_id INTO author FROM posts WHERE id = NEW.post_id;
        UPDATE members SET last_refusal_at = GREATEST(last_refusal_at, coalesce(NEW.decided_at, now())) WHERE id = author;
      ELSIF TG_OP <> 'INSERT' AND OLD.status = 'rejected' THEN
        SELECT author_id INTO author FROM posts WHERE id = OLD.post_id;
        UPDATE members SET last_refusal_at = (
          SELECT max(i.decided_at) FROM moderation_items i JOIN posts p ON p.id = i.post_id
           WHERE p.author_id = author AND i.status = 'rejected')
         WHERE id = author;
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER moderation_items_last_refusal AFTER INSERT OR UPDATE OF status, decided_at OR DELETE ON moderation_items
    FOR EACH ROW EXECUTE FUNCTION agora_last_refusal_sync()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER moderation_items_last_refusal ON moderation_items`.execute(db);
  await sql`DROP FUNCTION agora_last_refusal_sync()`.execute(db);
  await sql`ALTER TABLE members DROP COLUMN last_refusal_at`.execute(db);
}
