import { type Kysely, sql } from 'kysely';

/**
 * Uploads (issue 16).
 * - `uploads`: one image a member sent (or one external image downloaded at publication), processed once: its
 *   `key` names its files in storage (`<key>/<variant>.<ext>`), `variants` lists them with their sizes. The key
 *   is random, so addresses cannot be guessed; who may see a file is still decided on every request.
 * - `upload_posts`: which posts show which uploads, rewritten at every publication and edit. An image is seen by
 *   whoever may see one of its posts (held posts: their author and moderators); one in no post is an orphan,
 *   collected after a day unless it is someone's avatar.
 * - `members.avatar_key`: the member's avatar, an upload of kind `avatar`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE uploads (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      key text NOT NULL UNIQUE,
      member_id integer REFERENCES members(id) ON DELETE SET NULL,
      kind text NOT NULL CHECK (kind = ANY (ARRAY['post','avatar','external']::text[])),
      format text NOT NULL CHECK (format = ANY (ARRAY['webp','jpeg','png']::text[])),
      width integer NOT NULL,
      height integer NOT NULL,
      bytes integer NOT NULL,
      original_name text NOT NULL DEFAULT '',
      source_url text,
      variants jsonb NOT NULL,
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX uploads_member_idx ON uploads (member_id, created_at)`.execute(db);
  await sql`CREATE INDEX uploads_source_idx ON uploads (source_url) WHERE source_url IS NOT NULL`.execute(db);
  await sql`
    CREATE TABLE upload_posts (
      upload_id integer NOT NULL REFERENCES uploads(id) ON DELETE CASCADE,
      post_id integer NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      PRIMARY KEY (upload_id, post_id)
    )`.execute(db);
  await sql`CREATE INDEX upload_posts_post_idx ON upload_posts (post_id)`.execute(db);
  await sql`ALTER TABLE members ADD COLUMN avatar_key text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE members DROP COLUMN avatar_key`.execute(db);
  await sql`DROP TABLE upload_posts`.execute(db);
  await sql`DROP TABLE uploads`.execute(db);
}
