import { type Kysely, sql } from 'kysely';

/**
 * Thread pages are cached per node and, while a node listens on `agora_pages`, serve visitors without asking the
 * database (issue 20, server/modules/forum/page-cache.ts). PostgreSQL tells every node at commit, whoever wrote:
 *
 * - `t:<thread id>` when a thread's version (bumped by every write that changes what its pages show), state,
 *   author or category changes, or the thread is deleted;
 * - `c` when a category changes or goes (who may see or reply there): every page goes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION agora_pages_forget() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_TABLE_NAME = 'categories' THEN
        PERFORM pg_notify('agora_pages', 'c');
      ELSIF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('agora_pages', 't:' || OLD.id);
      ELSE
        PERFORM pg_notify('agora_pages', 't:' || NEW.id);
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER threads_forget_pages AFTER UPDATE ON threads
    FOR EACH ROW WHEN (
      (OLD.version, OLD.state, OLD.author_id, OLD.category_id)
      IS DISTINCT FROM (NEW.version, NEW.state, NEW.author_id, NEW.category_id))
    EXECUTE FUNCTION agora_pages_forget()`.execute(db);
  await sql`
    CREATE TRIGGER threads_deleted_forget_pages AFTER DELETE ON threads
    FOR EACH ROW EXECUTE FUNCTION agora_pages_forget()`.execute(db);
  await sql`
    CREATE TRIGGER categories_forget_pages AFTER UPDATE OR DELETE ON categories
    FOR EACH STATEMENT EXECUTE FUNCTION agora_pages_forget()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER categories_forget_pages ON categories`.execute(db);
  await sql`DROP TRIGGER threads_deleted_forget_pages ON threads`.execute(db);
  await sql`DROP TRIGGER threads_forget_pages ON threads`.execute(db);
  await sql`DROP FUNCTION agora_pages_forget()`.execute(db);
}
