import { type Kysely, sql } from 'kysely';

/**
 * Netiquette rules (built-in detectors and community managers' own), the moderation queue, member reports,
 * the record of every rule hit (for each rule's measured precision), and notifications to members.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE netiquette_rules (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      key text NOT NULL UNIQUE,
      kind text NOT NULL,
      builtin boolean NOT NULL DEFAULT false,
      action text NOT NULL CHECK (action IN ('allow', 'censor', 'flag', 'hold', 'reject')),
      enabled boolean NOT NULL DEFAULT true,
      category_ids integer[],
      params jsonb NOT NULL DEFAULT '{}',
      name text NOT NULL DEFAULT '',
      message_fr text NOT NULL DEFAULT '',
      message_en text NOT NULL DEFAULT '',
      created_by integer REFERENCES members(id),
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE moderation_items (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      post_id integer NOT NULL REFERENCES posts(id),
      reasons text[] NOT NULL,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'approved', 'rejected')),
      hits jsonb NOT NULL DEFAULT '[]',
      priority integer NOT NULL DEFAULT 0,
      report_count integer NOT NULL DEFAULT 0,
      claimed_by integer REFERENCES members(id),
      claimed_at timestamptz(3),
      decided_by integer REFERENCES members(id),
      decided_at timestamptz(3),
      decision_reason text,
      decision_note text,
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now()
    )`.execute(db);
  // One open item per post: new reasons (a report on a flagged post) join the item already waiting.
  await sql`CREATE UNIQUE INDEX moderation_items_open_post_idx ON moderation_items (post_id) WHERE status = 'open'`.execute(
    db,
  );
  await sql`CREATE INDEX moderation_items_queue_idx ON moderation_items (status, priority DESC, id)`.execute(db);

  await sql`
    CREATE TABLE reports (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      post_id integer NOT NULL REFERENCES posts(id),
      reporter_id integer NOT NULL REFERENCES members(id),
      reason text NOT NULL,
      note text NOT NULL DEFAULT '',
      upheld boolean,
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now(),
      UNIQUE (post_id, reporter_id)
    )`.execute(db);

  await sql`
    CREATE TABLE rule_hits (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      rule_key text NOT NULL,
      post_id integer NOT NULL REFERENCES posts(id),
      action text NOT NULL,
      outcome text CHECK (outcome IN ('approved', 'rejected')),
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX rule_hits_rule_idx ON rule_hits (rule_key, created_at DESC)`.execute(db);
  await sql`CREATE INDEX rule_hits_post_idx ON rule_hits (post_id)`.execute(db);

  await sql`
    CREATE TABLE notifications (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      member_id integer NOT NULL REFERENCES members(id) ON DELETE CASCADE,
      kind text NOT NULL,
      data jsonb NOT NULL DEFAULT '{}',
      read_at timestamptz(3),
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX notifications_member_idx ON notifications (member_id, id DESC)`.execute(db);

  // A held or refused post keeps the verdict that explains it to its author.
  await sql`ALTER TABLE posts ADD COLUMN moderation jsonb`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
