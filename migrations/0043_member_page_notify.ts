import { type Kysely, sql } from 'kysely';

/**
 * Cached thread pages show their authors' names, pictures, roles and trust levels (server/modules/forum/page-cache.ts):
 * PostgreSQL tells every node at commit, on `agora_pages`, `m:<member id>` when one of these changes, and the
 * pages showing that member go at once rather than when their TTL ends.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION agora_pages_forget_member() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('agora_pages', 'm:' || NEW.id);
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER members_forget_pages AFTER UPDATE ON members
    FOR EACH ROW WHEN (
      (OLD.username, OLD.display_name, OLD.avatar_key, OLD.role, OLD.trust_level)
      IS DISTINCT FROM (NEW.username, NEW.display_name, NEW.avatar_key, NEW.role, NEW.trust_level))
    EXECUTE FUNCTION agora_pages_forget_member()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER members_forget_pages ON members`.execute(db);
  await sql`DROP FUNCTION agora_pages_forget_member()`.execute(db);
}
