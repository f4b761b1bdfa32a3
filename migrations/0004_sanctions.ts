import { type Kysely, sql } from 'kysely';

/** Sanctions (warnings that expire, suspensions and bans with a reason the member reads) and appeals. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE member_strikes (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      member_id integer NOT NULL REFERENCES members(id) ON DELETE CASCADE,
      moderator_id integer REFERENCES members(id),
      reason text NOT NULL,
      note text NOT NULL DEFAULT '',
      expires_at timestamptz(3) NOT NULL,
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX member_strikes_member_idx ON member_strikes (member_id, expires_at)`.execute(db);
  await sql`ALTER TABLE members ADD COLUMN sanction_reason text`.execute(db);

  // A member appeals a decision on a post once.
  await sql`
    CREATE TABLE appeals (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      post_id integer NOT NULL UNIQUE REFERENCES posts(id),
      member_id integer NOT NULL REFERENCES members(id),
      message text NOT NULL,
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now()
    )`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
