import { type Kysely, sql } from 'kysely';

/**
 * Live updates (docs/ARCHITECTURE.md, events after commit). Events are rows of `live_events`, written by triggers in the transaction that
 * caused them, so an event exists exactly when its cause committed; `pg_notify` wakes every app node at commit,
 * and each node reads the new rows in id order and pushes them to its sockets. The table keeps a bounded window
 * (pruned by the nodes) from which a reconnecting client catches up.
 *
 * Topics: `thread:ID`, `category:ID`, `queue` (moderators), `member:ID` (one member's notifications). Payloads
 * carry ids and counts only: a client fetches what it may see through the API, so an event never shows a
 * hidden post's text to anyone.
 *
 * Notifications gain grouping (likes on one post are one notification that counts) and per-kind preferences.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE live_events (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      topic text NOT NULL,
      type text NOT NULL,
      data jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz(3) NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX live_events_created_idx ON live_events (created_at)`.execute(db);

  await sql`
    CREATE FUNCTION agora_live_emit(p_topic text, p_type text, p_data jsonb) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO live_events (topic, type, data) VALUES (p_topic, p_type, p_data);
      PERFORM pg_notify('agora_live', '');
    END $$`.execute(db);

  // Posts: a reply appears when it is published (at once, or when a moderator approves it), changes, goes away,
  // or its reaction counts move.
  await sql`
    CREATE FUNCTION agora_live_posts() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      visible_before boolean := TG_OP = 'UPDATE' AND OLD.state = 'published';
      visible_now boolean := NEW.state = 'published';
      topic text := 'thread:' || NEW.thread_id;
      ref jsonb := jsonb_build_object('postId', NEW.id, 'threadId', NEW.thread_id, 'number', NEW.number);
    BEGIN
      IF visible_now AND NOT visible_before THEN
        PERFORM agora_live_emit(topic, 'post.created', ref || jsonb_build_object('authorId', NEW.author_id));
      ELSIF visible_before AND NOT visible_now THEN
        PERFORM agora_live_emit(topic, 'post.hidden', ref);
      ELSIF visible_now AND OLD.body_md IS DISTINCT FROM NEW.body_md THEN
        PERFORM agora_live_emit(topic, 'post.edited', ref);
      ELSIF visible_now AND (OLD.like_count, OLD.helpful_count) IS DISTINCT FROM (NEW.like_count, NEW.helpful_count) THEN
        PERFORM agora_live_emit(topic, 'post.reactions',
          ref || jsonb_build_object('likes', NEW.like_count, 'helpful', NEW.helpful_count));
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER posts_live AFTER INSERT OR UPDATE OF state, body_md, like_count, helpful_count ON posts
    FOR EACH ROW EXECUTE FUNCTION agora_live_posts()`.execute(db);

  await sql`
    CREATE FUNCTION agora_live_threads() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.state = 'published' AND (TG_OP = 'INSERT' OR OLD.state <> 'published') THEN
        PERFORM agora_live_emit('category:' || NEW.category_id, 'thread.created',
          jsonb_build_object('threadId', NEW.id, 'categoryId', NEW.category_id, 'kind', NEW.kind));
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER threads_live AFTER INSERT OR UPDATE OF state ON threads
    FOR EACH ROW EXECUTE FUNCTION agora_live_threads()`.execute(db);

  await sql`
    CREATE FUNCTION agora_live_queue() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE ref jsonb := jsonb_build_object('itemId', NEW.id, 'postId', NEW.post_id);
    BEGIN
      IF TG_OP = 'INSERT' OR (OLD.status <> 'open' AND NEW.status = 'open') THEN
        PERFORM agora_live_emit('queue', 'moderation.added', ref);
      ELSIF OLD.status = 'open' AND NEW.status <> 'open' THEN
        PERFORM agora_live_emit('queue', 'moderation.decided', ref || jsonb_build_object('status', NEW.status));
      ELSIF OLD.claimed_by IS DISTINCT FROM NEW.claimed_by THEN
        PERFORM agora_live_emit('queue', 'moderation.claimed', ref || jsonb_build_object('claimedBy', NEW.claimed_by));
      ELSIF OLD.report_count <> NEW.report_count THEN
        PERFORM agora_live_emit('queue', 'moderation.reported', ref || jsonb_build_object('reports', NEW.report_count));
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER moderation_items_live AFTER INSERT OR UPDATE OF status, claimed_by, report_count ON moderation_items
    FOR EACH ROW EXECUTE FUNCTION agora_live_queue()`.execute(db);

  await sql`
    ALTER TABLE notifications
      ADD COLUMN group_key text,
      ADD COLUMN count integer NOT NULL DEFAULT 1`.execute(db);
  // One unread notification per group (say, the likes on one post); reading it starts a new one.
  await sql`CREATE UNIQUE INDEX notifications_group_idx ON notifications (member_id, group_key) WHERE read_at IS NULL AND group_key IS NOT NULL`.execute(
    db,
  );
  await sql`CREATE INDEX notifications_unread_idx ON notifications (member_id) WHERE read_at IS NULL`.execute(db);
  await sql`ALTER TABLE members ADD COLUMN notification_mutes text[] NOT NULL DEFAULT '{}'`.execute(db);

  await sql`
    CREATE FUNCTION agora_live_notifications() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.read_at IS NULL THEN
        PERFORM agora_live_emit('member:' || NEW.member_id, 'notification',
          jsonb_build_object('id', NEW.id, 'kind', NEW.kind, 'count', NEW.count));
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER notifications_live AFTER INSERT OR UPDATE OF count ON notifications
    FOR EACH ROW EXECUTE FUNCTION agora_live_notifications()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER notifications_live ON notifications`.execute(db);
  await sql`DROP FUNCTION agora_live_notifications()`.execute(db);
  await sql`ALTER TABLE members DROP COLUMN notification_mutes`.execute(db);
  await sql`DROP INDEX notifications_unread_idx`.execute(db);
  await sql`DROP INDEX notifications_group_idx`.execute(db);
  await sql`ALTER TABLE notifications DROP COLUMN count, DROP COLUMN group_key`.execute(db);
  await sql`DROP TRIGGER moderation_items_live ON moderation_items`.execute(db);
  await sql`DROP FUNCTION agora_live_queue()`.execute(db);
  await sql`DROP TRIGGER threads_live ON threads`.execute(db);
  await sql`DROP FUNCTION agora_live_threads()`.execute(db);
  await sql`DROP TRIGGER posts_live ON posts`.execute(db);
  await sql`DROP FUNCTION agora_live_posts()`.execute(db);
  await sql`DROP FUNCTION agora_live_emit(text, text, jsonb)`.execute(db);
  await sql`DROP TABLE live_events`.execute(db);
}
