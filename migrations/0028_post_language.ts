import { type Kysely, sql } from 'kysely';

/**
 * The language a post is written in (ISO 639-1), detected when it is written or edited (server/lib/language.ts);
 * null when the text is too short or mixed to tell. Pages mark a post written in another language than the
 * page's own with `lang`, so that screen readers and search engines read it right. Existing posts are left null
 * (no attribute, as before): they are detected when next edited.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE posts ADD COLUMN lang text CONSTRAINT posts_lang_check CHECK (lang ~ '^[a-z]{2}$')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE posts DROP COLUMN lang`.execute(db);
}
