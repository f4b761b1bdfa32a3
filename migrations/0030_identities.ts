import { type Kysely, sql } from 'kysely';

/**
 * Single sign-on (OpenID Connect providers and DiscourseConnect-style signed payloads).
 * - `member_identities`: a member's accounts at outside providers, matched by (provider, subject) — never by e-mail
 *   alone; `granted_role` remembers the role a provider's groups gave, so that only that role is taken back when the
 *   groups change.
 * - `sso_states`: one row per sign-in started (state, nonce, PKCE verifier), single use, short-lived, bound to the
 *   browser that started it by the hash of a cookie; stored here so that any app node can finish the sign-in.
 * - `sso_signups`: who came back from a provider without an account here, until they choose a username.
 * - `session_identities`: the provider a session came from and its ID token, to end the provider's session at logout.
 * Members who only sign in through a provider have an empty `password_hash` (no password verifies against it).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE member_identities (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      member_id integer NOT NULL REFERENCES members(id) ON DELETE CASCADE,
      provider text NOT NULL,
      subject text NOT NULL,
      email citext,
      email_verified boolean NOT NULL DEFAULT false,
      avatar_url text,
      granted_role text CHECK (granted_role IN ('moderator', 'community_manager', 'admin')),
      last_used_at timestamptz(3),
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now(),
      CONSTRAINT member_identities_subject_key UNIQUE (provider, subject),
      CONSTRAINT member_identities_member_provider_key UNIQUE (member_id, provider)
    )`.execute(db);

  await sql`
    CREATE TABLE sso_states (
      id text PRIMARY KEY,
      provider text NOT NULL,
      binding text NOT NULL,
      nonce text NOT NULL,
      code_verifier text NOT NULL DEFAULT '',
      intent text NOT NULL CHECK (intent IN ('login', 'link')),
      member_id integer REFERENCES members(id) ON DELETE CASCADE,
      return_to text NOT NULL DEFAULT '/',
      expires_at timestamptz(3) NOT NULL,
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX sso_states_expires_idx ON sso_states (expires_at)`.execute(db);

  await sql`
    CREATE TABLE sso_signups (
      id text PRIMARY KEY,
      provider text NOT NULL,
      subject text NOT NULL,
      email citext NOT NULL,
      email_verified boolean NOT NULL,
      name text NOT NULL DEFAULT '',
      username_hint text NOT NULL DEFAULT '',
      avatar_url text,
      groups jsonb NOT NULL DEFAULT '[]',
      id_token text,
      return_to text NOT NULL DEFAULT '/',
      expires_at timestamptz(3) NOT NULL,
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX sso_signups_expires_idx ON sso_signups (expires_at)`.execute(db);

  await sql`
    CREATE TABLE session_identities (
      session_id text PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
      provider text NOT NULL,
      id_token text,
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now()
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE session_identities, sso_signups, sso_states, member_identities`.execute(db);
}
