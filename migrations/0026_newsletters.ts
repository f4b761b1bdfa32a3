import { type Kysely, sql } from 'kysely';

/**
 * Digests and newsletters (issue 15).
 * - `category_follows`: the categories a member follows; a digest shows their popular threads, and a newsletter
 *   can be addressed to a category's followers.
 * - `newsletters`: what a community manager composes (Markdown, cooked once to HTML), to whom, when; once due,
 *   one outbox row per recipient carries its `newsletter_id`, so the progress and counts are the outbox's.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE category_follows (
      category_id integer NOT NULL REFERENCES categories(id) ON DELETE CASCADE,
      member_id integer NOT NULL REFERENCES members(id) ON DELETE CASCADE,
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now(),
      PRIMARY KEY (category_id, member_id)
    )`.execute(db);
  await sql`CREATE INDEX category_follows_member_idx ON category_follows (member_id)`.execute(db);

  // The digest job's scan: members who asked for one.
  await sql`CREATE INDEX members_digest_idx ON members (digest, digest_sent_at) WHERE digest <> 'off'`.execute(db);
  // A newsletter's audience: members who opted in.
  await sql`CREATE INDEX members_newsletter_idx ON members (id) WHERE newsletter`.execute(db);

  await sql`
    CREATE TABLE newsletters (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      author_id integer REFERENCES members(id) ON DELETE SET NULL,
      subject text NOT NULL,
      body_md text NOT NULL,
      body_html text NOT NULL,
      audience text NOT NULL DEFAULT 'all' CHECK (audience IN ('all', 'trust_level', 'category')),
      trust_level smallint CHECK (trust_level BETWEEN 0 AND 4),
      category_id integer REFERENCES categories(id) ON DELETE SET NULL,
      state text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'scheduled', 'sending', 'sent')),
      send_at timestamptz(3),
      recipients integer NOT NULL DEFAULT 0,
      queued_at timestamptz(3),
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX newsletters_due_idx ON newsletters (send_at) WHERE state = 'scheduled'`.execute(db);
  await sql`
    ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_newsletter_fkey
      FOREIGN KEY (newsletter_id) REFERENCES newsletters(id) ON DELETE SET NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_newsletter_fkey`.execute(db);
  await sql`DROP TABLE newsletters`.execute(db);
  await sql`DROP INDEX members_newsletter_idx`.execute(db);
  await sql`DROP INDEX members_digest_idx`.execute(db);
  await sql`DROP TABLE category_follows`.execute(db);
}
