import { type Kysely, sql } from 'kysely';

/**
 * Reputation as a ledger (every change an event with a unique source key: replaying never counts twice),
 * badges declared as data, and the badges members hold (once each).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE reputation_events (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      member_id integer NOT NULL REFERENCES members(id) ON DELETE CASCADE,
      kind text NOT NULL,
      points integer NOT NULL,
      source_key text NOT NULL UNIQUE,
      post_id integer REFERENCES posts(id),
      thread_id integer REFERENCES threads(id),
      category_id integer REFERENCES categories(id),
      reverses bigint REFERENCES reputation_events(id),
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX reputation_events_member_idx ON reputation_events (member_id, id DESC)`.execute(db);
  await sql`CREATE INDEX reputation_events_post_idx ON reputation_events (post_id) WHERE post_id IS NOT NULL`.execute(
    db,
  );
  await sql`CREATE INDEX reputation_events_time_idx ON reputation_events (created_at, member_id)`.execute(db);
  // An event is reversed at most once.
  await sql`CREATE UNIQUE INDEX reputation_events_reverses_idx ON reputation_events (reverses) WHERE reverses IS NOT NULL`.execute(
    db,
  );

  await sql`
    CREATE TABLE badges (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      key text NOT NULL UNIQUE,
      tier text NOT NULL CHECK (tier IN ('bronze', 'silver', 'gold')),
      manual boolean NOT NULL DEFAULT false,
      criteria jsonb,
      name_fr text NOT NULL,
      name_en text NOT NULL,
      description_fr text NOT NULL DEFAULT '',
      description_en text NOT NULL DEFAULT '',
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE member_badges (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      member_id integer NOT NULL REFERENCES members(id) ON DELETE CASCADE,
      badge_id integer NOT NULL REFERENCES badges(id) ON DELETE CASCADE,
      reason text NOT NULL DEFAULT '',
      awarded_by integer REFERENCES members(id),
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now(),
      UNIQUE (member_id, badge_id)
    )`.execute(db);
  await sql`CREATE INDEX member_badges_badge_idx ON member_badges (badge_id)`.execute(db);

  // Trust level 4 is granted by community managers and survives recomputation.
  await sql`ALTER TABLE members ADD COLUMN trust_granted boolean NOT NULL DEFAULT false`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
