import { type Kysely, sql } from 'kysely';

/**
 * Issue 19, the social layer: emoji reactions beside likes and helpful marks (which alone feed reputation),
 * polls attached to a post, tags on threads, and the indexes that make @mention suggestions a prefix scan.
 *
 * - `post_emoji_reactions`: one row per member, post and emoji; the allowed set is a setting, checked by the
 *   service (a row whose emoji left the set stays, and is still shown: removing it from the set hides nothing).
 * - `polls` (one per post), `poll_options`, `poll_votes` (a member's ballot is their rows for one poll);
 *   `polls.voters` counts distinct voters so that a live event carries it without a count query.
 * - `tags` (names normalised by the service: NFC, lower case) and `thread_tags`; `tags.thread_count` counts
 *   the threads carrying it, kept by the service in the transaction that tags or untags.
 * Live events (same pattern as 0009): `post.emoji` on the thread's topic when a post's emoji counts move,
 * `poll.updated` when a poll's voters or closing change.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE post_emoji_reactions (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      post_id integer NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
      member_id integer NOT NULL REFERENCES members(id) ON DELETE CASCADE,
      emoji text NOT NULL CHECK (char_length(emoji) BETWEEN 1 AND 16),
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now(),
      UNIQUE (post_id, member_id, emoji)
    )`.execute(db);
  await sql`CREATE INDEX post_emoji_reactions_member_idx ON post_emoji_reactions (member_id)`.execute(db);
  await sql`
    CREATE FUNCTION agora_live_emoji() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      r post_emoji_reactions := COALESCE(NEW, OLD);
      p posts;
    BEGIN
      SELECT * INTO p FROM posts WHERE id = r.post_id;
      IF p.state = 'published' THEN
        PERFORM agora_live_emit('thread:' || p.thread_id, 'post.emoji',
          jsonb_build_object('postId', p.id, 'threadId', p.thread_id, 'number', p.number, 'emoji', r.emoji,
            'count', (SELECT count(*) FROM post_emoji_reactions WHERE post_id = r.post_id AND emoji = r.emoji)));
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER post_emoji_reactions_live AFTER INSERT OR DELETE ON post_emoji_reactions
    FOR EACH ROW EXECUTE FUNCTION agora_live_emoji()`.execute(db);

  await sql`
    CREATE TABLE polls (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      post_id integer NOT NULL UNIQUE REFERENCES posts(id) ON DELETE CASCADE,
      question text NOT NULL CHECK (char_length(question) BETWEEN 1 AND 300),
      multiple boolean NOT NULL DEFAULT false,
      results text NOT NULL DEFAULT 'always' CHECK (results IN ('always', 'voted', 'closed')),
      closes_at timestamptz(3),
      closed_at timestamptz(3),
      closed_by integer REFERENCES members(id) ON DELETE SET NULL,
      voters integer NOT NULL DEFAULT 0,
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`
    CREATE TABLE poll_options (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      poll_id integer NOT NULL REFERENCES polls(id) ON DELETE CASCADE,
      position smallint NOT NULL,
      label text NOT NULL CHECK (char_length(label) BETWEEN 1 AND 200),
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now(),
      UNIQUE (poll_id, position)
    )`.execute(db);
  await sql`
    CREATE TABLE poll_votes (
      poll_id integer NOT NULL REFERENCES polls(id) ON DELETE CASCADE,
      option_id integer NOT NULL REFERENCES poll_options(id) ON DELETE CASCADE,
      member_id integer NOT NULL REFERENCES members(id) ON DELETE CASCADE,
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now(),
      PRIMARY KEY (poll_id, member_id, option_id)
    )`.execute(db);
  await sql`CREATE INDEX poll_votes_option_idx ON poll_votes (option_id)`.execute(db);
  await sql`
    CREATE FUNCTION agora_live_polls() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE p posts;
    BEGIN
      SELECT * INTO p FROM posts WHERE id = NEW.post_id;
      IF p.state = 'published' THEN
        PERFORM agora_live_emit('thread:' || p.thread_id, 'poll.updated',
          jsonb_build_object('pollId', NEW.id, 'postId', p.id, 'threadId', p.thread_id, 'voters', NEW.voters,
            'closed', NEW.closed_at IS NOT NULL));
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER polls_live AFTER UPDATE OF voters, closed_at ON polls
    FOR EACH ROW EXECUTE FUNCTION agora_live_polls()`.execute(db);

  await sql`
    CREATE TABLE tags (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      name text NOT NULL UNIQUE CHECK (char_length(name) BETWEEN 2 AND 30),
      description text NOT NULL DEFAULT '',
      thread_count integer NOT NULL DEFAULT 0,
      created_by integer REFERENCES members(id) ON DELETE SET NULL,
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`
    CREATE TABLE thread_tags (
      thread_id integer NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
      tag_id integer NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now(),
      PRIMARY KEY (thread_id, tag_id)
    )`.execute(db);
  await sql`CREATE INDEX thread_tags_tag_idx ON thread_tags (tag_id, thread_id)`.execute(db);

  // @mention suggestions: prefix scans on the username, the display name and the confusable skeleton.
  await sql`CREATE INDEX members_username_prefix_idx ON members (lower(username::text) text_pattern_ops)`.execute(db);
  await sql`CREATE INDEX members_display_name_prefix_idx ON members (lower(display_name) text_pattern_ops)`.execute(db);
  await sql`CREATE INDEX members_skeleton_prefix_idx ON members (username_skeleton text_pattern_ops)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX members_skeleton_prefix_idx`.execute(db);
  await sql`DROP INDEX members_display_name_prefix_idx`.execute(db);
  await sql`DROP INDEX members_username_prefix_idx`.execute(db);
  await sql`DROP TABLE thread_tags`.execute(db);
  await sql`DROP TABLE tags`.execute(db);
  await sql`DROP TABLE poll_votes`.execute(db);
  await sql`DROP TABLE poll_options`.execute(db);
  await sql`DROP TABLE polls`.execute(db);
  await sql`DROP FUNCTION agora_live_polls()`.execute(db);
  await sql`DROP TABLE post_emoji_reactions`.execute(db);
  await sql`DROP FUNCTION agora_live_emoji()`.execute(db);
}
