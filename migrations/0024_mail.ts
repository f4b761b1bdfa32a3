import { type Kysely, sql } from 'kysely';

/**
 * E-mail (issue 15).
 * - `mail_outbox`: every message, written in the transaction that causes it, sent later by one worker at a time.
 *   A row keeps what was sent (subject, both parts, headers) so that an administrator can read the outgoing mail
 *   when no SMTP server is configured, and so that a member's data export can list it.
 * - `mail_tokens`: single-use links (password reset, address verification, address change); only SHA-256 of the
 *   token is stored, as for sessions.
 * - members: when the address was verified, the mail preferences (digest, newsletter, notification kinds not
 *   wanted by e-mail), and `mail_key`, the random key of the unsubscribe links (it can do nothing else).
 *   Accounts that exist before this migration are counted verified: they were accepted before the rule existed,
 *   and turning the rule on must not lock a whole community out of posting.
 * - notifications: `mailed_at` marks those the notification mailer has dealt with (sent, or skipped because read
 *   or not wanted), so that it never looks at one twice.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE mail_outbox (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      member_id integer REFERENCES members(id) ON DELETE SET NULL,
      kind text NOT NULL,
      to_address text NOT NULL,
      subject text NOT NULL,
      text_body text NOT NULL,
      html_body text NOT NULL,
      headers jsonb NOT NULL DEFAULT '{}'::jsonb,
      message_id text NOT NULL,
      bulk boolean NOT NULL DEFAULT false,
      newsletter_id integer,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'logged', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz(3) NOT NULL DEFAULT now(),
      last_error text,
      sent_at timestamptz(3),
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX mail_outbox_due_idx ON mail_outbox (next_attempt_at, id) WHERE status = 'pending'`.execute(db);
  await sql`CREATE INDEX mail_outbox_member_idx ON mail_outbox (member_id, id)`.execute(db);
  await sql`CREATE INDEX mail_outbox_newsletter_idx ON mail_outbox (newsletter_id, status) WHERE newsletter_id IS NOT NULL`.execute(
    db,
  );

  await sql`
    CREATE TABLE mail_tokens (
      id text PRIMARY KEY,
      member_id integer NOT NULL REFERENCES members(id) ON DELETE CASCADE,
      purpose text NOT NULL CHECK (purpose IN ('password.reset', 'email.verify', 'email.change')),
      email citext NOT NULL,
      expires_at timestamptz(3) NOT NULL,
      used_at timestamptz(3),
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX mail_tokens_member_idx ON mail_tokens (member_id, purpose)`.execute(db);

  // gen_random_uuid() is built in (PostgreSQL 13+) and draws from the server's strong random source: two of them
  // make a 244-bit key with no extension needed.
  await sql`
    ALTER TABLE members
      ADD COLUMN email_verified_at timestamptz(3),
      ADD COLUMN mail_key text NOT NULL DEFAULT replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''),
      ADD COLUMN digest text NOT NULL DEFAULT 'off' CHECK (digest IN ('off', 'daily', 'weekly')),
      ADD COLUMN digest_sent_at timestamptz(3),
      ADD COLUMN newsletter boolean NOT NULL DEFAULT false,
      ADD COLUMN notification_email_mutes text[] NOT NULL DEFAULT '{}'`.execute(db);
  await sql`UPDATE members SET email_verified_at = created_at`.execute(db);
  await sql`CREATE UNIQUE INDEX members_mail_key_idx ON members (mail_key)`.execute(db);

  await sql`ALTER TABLE notifications ADD COLUMN mailed_at timestamptz(3)`.execute(db);
  // The mailer's scan: unread notifications it has not dealt with yet, oldest first.
  await sql`CREATE INDEX notifications_unmailed_idx ON notifications (created_at) WHERE mailed_at IS NULL AND read_at IS NULL`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE notifications DROP COLUMN mailed_at`.execute(db);
  await sql`
    ALTER TABLE members DROP COLUMN email_verified_at, DROP COLUMN mail_key, DROP COLUMN digest,
      DROP COLUMN digest_sent_at, DROP COLUMN newsletter, DROP COLUMN notification_email_mutes`.execute(db);
  await sql`DROP TABLE mail_tokens`.execute(db);
  await sql`DROP TABLE mail_outbox`.execute(db);
}
