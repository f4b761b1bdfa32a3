import { type Kysely, sql } from 'kysely';

/**
 * Members' own layers on thread pages are cached per node and, while a node listens on `agora_layers`, serve a
 * member's read of a kept page without asking the database (issue 20, server/modules/forum/layer-cache.ts).
 * PostgreSQL tells every node at commit, whoever wrote:
 *
 * - `t:<member id>:<thread id>` when a member's reaction or bookmark on one of the thread's posts, or their level or
 *   read position in the thread, appears, changes or goes (a reaction's thread is looked up by its post's key);
 * - `m:<member id>` when a member's ignore list or level for a category changes (every layer of theirs goes), or
 *   a mark on a post that is gone;
 * - `*` when one of these tables is truncated (every layer goes).
 */
const TABLES = ['reactions', 'bookmarks', 'thread_tracking', 'member_ignores', 'category_tracking'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  // One branch per table: PL/pgSQL plans a statement when it first runs, so each names only its table's columns.
  await sql`
    CREATE FUNCTION agora_layers_forget() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      what text;
      was text;
      thread integer;
    BEGIN
      IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('agora_layers', '*');
        RETURN NULL;
      END IF;
      IF TG_TABLE_NAME IN ('reactions', 'bookmarks') THEN
        IF TG_OP <> 'DELETE' THEN
          SELECT thread_id INTO thread FROM posts WHERE id = NEW.post_id;
          what := COALESCE('t:' || NEW.member_id || ':' || thread, 'm:' || NEW.member_id);
        END IF;
        IF TG_OP <> 'INSERT' THEN
          SELECT thread_id INTO thread FROM posts WHERE id = OLD.post_id;
          was := COALESCE('t:' || OLD.member_id || ':' || thread, 'm:' || OLD.member_id);
        END IF;
      ELSIF TG_TABLE_NAME = 'thread_tracking' THEN
        IF TG_OP <> 'DELETE' THEN what := 't:' || NEW.member_id || ':' || NEW.thread_id; END IF;
        IF TG_OP <> 'INSERT' THEN was := 't:' || OLD.member_id || ':' || OLD.thread_id; END IF;
      ELSE
        IF TG_OP <> 'DELETE' THEN what := 'm:' || NEW.member_id; END IF;
        IF TG_OP <> 'INSERT' THEN was := 'm:' || OLD.member_id; END IF;
      END IF;
      IF what IS NOT NULL THEN PERFORM pg_notify('agora_layers', what); END IF;
      IF was IS DISTINCT FROM what AND was IS NOT NULL THEN PERFORM pg_notify('agora_layers', was); END IF;
      RETURN NULL;
    END $$`.execute(db);
  for (const table of TABLES) {
    await sql`
      CREATE TRIGGER ${sql.raw(`${table}_forget_layers`)} AFTER INSERT OR UPDATE OR DELETE ON ${sql.table(table)}
      FOR EACH ROW EXECUTE FUNCTION agora_layers_forget()`.execute(db);
    await sql`
      CREATE TRIGGER ${sql.raw(`${table}_truncated_forget_layers`)} AFTER TRUNCATE ON ${sql.table(table)}
      FOR EACH STATEMENT EXECUTE FUNCTION agora_layers_forget()`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of TABLES) {
    await sql`DROP TRIGGER ${sql.raw(`${table}_truncated_forget_layers`)} ON ${sql.table(table)}`.execute(db);
    await sql`DROP TRIGGER ${sql.raw(`${table}_forget_layers`)} ON ${sql.table(table)}`.execute(db);
  }
  await sql`DROP FUNCTION agora_layers_forget()`.execute(db);
}
