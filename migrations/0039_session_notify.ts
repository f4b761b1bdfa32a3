import { type Kysely, sql } from 'kysely';

/**
 * Sessions are cached per node (issue 20): every node listens on `agora_sessions` and forgets what a
 * notification names. PostgreSQL sends them at commit, whatever wrote the row (a route, a job, the CLI, psql):
 *
 * - `s:<session id>` when a session is deleted before it expires (logout, "sign out everywhere", a password
 *   change; expired sessions are refused from the cache by their own date, so the nightly purge says nothing);
 * - `m:<member id>` when a member's row changes in a way a request's actor shows (name, role, trust level,
 *   sanctions, e-mail verification, anonymisation): every session of theirs is read again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION agora_session_forget() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_TABLE_NAME = 'sessions' THEN
        PERFORM pg_notify('agora_sessions', 's:' || OLD.id);
      ELSE
        PERFORM pg_notify('agora_sessions', 'm:' || NEW.id);
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER sessions_forget AFTER DELETE ON sessions
    FOR EACH ROW WHEN (OLD.expires_at > now()) EXECUTE FUNCTION agora_session_forget()`.execute(db);
  await sql`
    CREATE TRIGGER members_forget_sessions AFTER UPDATE ON members
    FOR EACH ROW WHEN (
      (OLD.username, OLD.role, OLD.trust_level, OLD.suspended_until, OLD.banned_at, OLD.sanction_reason,
       OLD.email_verified_at, OLD.anonymised_at)
      IS DISTINCT FROM
      (NEW.username, NEW.role, NEW.trust_level, NEW.suspended_until, NEW.banned_at, NEW.sanction_reason,
       NEW.email_verified_at, NEW.anonymised_at))
    EXECUTE FUNCTION agora_session_forget()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER members_forget_sessions ON members`.execute(db);
  await sql`DROP TRIGGER sessions_forget ON sessions`.execute(db);
  await sql`DROP FUNCTION agora_session_forget()`.execute(db);
}
