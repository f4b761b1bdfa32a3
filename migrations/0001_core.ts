import { type Kysely, sql } from 'kysely';

/**
 * Core forum schema. Conventions fixed here for every later migration:
 * - table names are plural, snake_case;
 * - every table has id, created_at, updated_at;
 * - timestamps used in keyset cursors are timestamptz(3) so that JavaScript Dates round-trip exactly.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE EXTENSION IF NOT EXISTS citext`.execute(db);

  await sql`
    CREATE TABLE members (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      username citext NOT NULL UNIQUE,
      email citext NOT NULL UNIQUE,
      password_hash text NOT NULL,
      display_name text NOT NULL DEFAULT '',
      bio text NOT NULL DEFAULT '',
      role text NOT NULL DEFAULT 'member'
        CHECK (role IN ('member', 'moderator', 'community_manager', 'admin')),
      trust_level smallint NOT NULL DEFAULT 0 CHECK (trust_level BETWEEN 0 AND 4),
      reputation integer NOT NULL DEFAULT 0,
      post_count integer NOT NULL DEFAULT 0,
      locale text NOT NULL DEFAULT 'fr' CHECK (locale IN ('fr', 'en')),
      suspended_until timestamptz(3),
      banned_at timestamptz(3),
      netiquette_accepted_at timestamptz(3),
      last_seen_at timestamptz(3),
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now()
    )`.execute(db);

  // Sessions after the Lucia guide: id = hex(SHA-256(token)); the token itself is never stored.
  await sql`
    CREATE TABLE sessions (
      id text PRIMARY KEY,
      member_id integer NOT NULL REFERENCES members(id) ON DELETE CASCADE,
      expires_at timestamptz(3) NOT NULL,
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX sessions_member_idx ON sessions (member_id)`.execute(db);

  await sql`
    CREATE TABLE categories (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      slug text NOT NULL UNIQUE,
      name text NOT NULL,
      description text NOT NULL DEFAULT '',
      color text NOT NULL DEFAULT '#3b6ef5',
      position integer NOT NULL DEFAULT 0,
      moderation_mode text NOT NULL DEFAULT 'reactive' CHECK (moderation_mode IN ('pre', 'post', 'reactive')),
      bypass_trust_level smallint NOT NULL DEFAULT 2,
      thread_count integer NOT NULL DEFAULT 0,
      post_count integer NOT NULL DEFAULT 0,
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE threads (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      category_id integer NOT NULL REFERENCES categories(id),
      author_id integer NOT NULL REFERENCES members(id),
      kind text NOT NULL CHECK (kind IN ('discussion', 'question', 'tip', 'idea', 'announcement')),
      title text NOT NULL,
      state text NOT NULL DEFAULT 'published'
        CHECK (state IN ('scheduled', 'pending', 'published', 'hidden', 'deleted')),
      publish_at timestamptz(3),
      pinned boolean NOT NULL DEFAULT false,
      featured boolean NOT NULL DEFAULT false,
      official boolean NOT NULL DEFAULT false,
      locked boolean NOT NULL DEFAULT false,
      accepted_post_id integer,
      idea_status text,
      -- post_count is the last post number handed out (deleted posts keep their number);
      -- reply_count counts visible replies.
      post_count integer NOT NULL DEFAULT 0,
      reply_count integer NOT NULL DEFAULT 0,
      score integer NOT NULL DEFAULT 0,
      last_post_at timestamptz(3) NOT NULL DEFAULT now(),
      last_poster_id integer REFERENCES members(id),
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX threads_latest_idx ON threads (last_post_at DESC, id DESC) WHERE state = 'published'`.execute(
    db,
  );
  await sql`CREATE INDEX threads_category_latest_idx ON threads (category_id, last_post_at DESC, id DESC)
            WHERE state = 'published'`.execute(db);
  await sql`CREATE INDEX threads_category_top_idx ON threads (category_id, score DESC, id DESC)
            WHERE state = 'published'`.execute(db);
  await sql`CREATE INDEX threads_category_unanswered_idx ON threads (category_id, created_at DESC, id DESC)
            WHERE state = 'published' AND reply_count = 0`.execute(db);
  await sql`CREATE INDEX threads_author_idx ON threads (author_id, created_at DESC)`.execute(db);

  await sql`
    CREATE TABLE posts (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      thread_id integer NOT NULL REFERENCES threads(id),
      author_id integer NOT NULL REFERENCES members(id),
      number integer NOT NULL,
      reply_to_id integer REFERENCES posts(id),
      body_md text NOT NULL,
      body_html text NOT NULL,
      state text NOT NULL DEFAULT 'published'
        CHECK (state IN ('pending', 'published', 'hidden', 'rejected', 'deleted')),
      like_count integer NOT NULL DEFAULT 0,
      helpful_count integer NOT NULL DEFAULT 0,
      edit_count integer NOT NULL DEFAULT 0,
      edited_at timestamptz(3),
      deleted_at timestamptz(3),
      deleted_by integer REFERENCES members(id),
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now(),
      UNIQUE (thread_id, number)
    )`.execute(db);
  await sql`CREATE INDEX posts_author_idx ON posts (author_id, created_at DESC, id DESC)`.execute(db);
  await sql`ALTER TABLE threads ADD CONSTRAINT threads_accepted_post_fk
            FOREIGN KEY (accepted_post_id) REFERENCES posts(id)`.execute(db);

  await sql`
    CREATE TABLE post_revisions (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      post_id integer NOT NULL REFERENCES posts(id),
      revision integer NOT NULL,
      title text,
      body_md text NOT NULL,
      editor_id integer NOT NULL REFERENCES members(id),
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now(),
      UNIQUE (post_id, revision)
    )`.execute(db);

  await sql`
    CREATE TABLE reactions (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      post_id integer NOT NULL REFERENCES posts(id),
      member_id integer NOT NULL REFERENCES members(id),
      kind text NOT NULL CHECK (kind IN ('like', 'helpful')),
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now(),
      UNIQUE (post_id, member_id, kind)
    )`.execute(db);
  await sql`CREATE INDEX reactions_member_idx ON reactions (member_id, post_id)`.execute(db);

  await sql`
    CREATE TABLE audit_log (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      actor_id integer REFERENCES members(id),
      action text NOT NULL,
      subject_type text NOT NULL,
      subject_id text NOT NULL,
      data jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX audit_log_subject_idx ON audit_log (subject_type, subject_id, created_at DESC)`.execute(db);

  await sql`
    CREATE TABLE site_settings (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      key text NOT NULL UNIQUE,
      value jsonb NOT NULL,
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now()
    )`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
