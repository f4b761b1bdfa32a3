import { type Kysely, sql } from 'kysely';

/**
 * Categories in both languages, with an icon and one level of sub-categories (issue 18). `name`/`description` stay
 * the default language's (French); `name_en`/`description_en` are the English ones, null to show the default.
 * `icon` names one of a small set of icons the console offers (checked by the service, so the set can grow
 * without a migration). Uploads gain the kind `brand` (the site's logo and favicon). `parent_id`: one level deep — a parent is never itself a child (the service refuses it;
 * the trigger-free CHECK below only forbids the obvious self-reference).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE categories
      ADD COLUMN name_en text CONSTRAINT categories_name_en_check CHECK (char_length(name_en) BETWEEN 2 AND 80),
      ADD COLUMN description_en text CONSTRAINT categories_description_en_check CHECK (char_length(description_en) <= 500),
      ADD COLUMN icon text CONSTRAINT categories_icon_check CHECK (icon ~ '^[a-z0-9-]{1,40}$'),
      ADD COLUMN parent_id integer REFERENCES categories (id) ON DELETE SET NULL
        CONSTRAINT categories_parent_check CHECK (parent_id <> id)`.execute(db);
  // The site's logo and favicon are uploads of their own kind: public, and never collected as orphans.
  await sql`ALTER TABLE uploads DROP CONSTRAINT uploads_kind_check`.execute(db);
  await sql`ALTER TABLE uploads ADD CONSTRAINT uploads_kind_check
              CHECK (kind = ANY (ARRAY['post','avatar','external','brand']::text[]))`.execute(db);
  await sql`CREATE INDEX categories_parent_idx ON categories (parent_id) WHERE parent_id IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DELETE FROM uploads WHERE kind = 'brand'`.execute(db);
  await sql`ALTER TABLE uploads DROP CONSTRAINT uploads_kind_check`.execute(db);
  await sql`ALTER TABLE uploads ADD CONSTRAINT uploads_kind_check
              CHECK (kind = ANY (ARRAY['post','avatar','external']::text[]))`.execute(db);
  await sql`ALTER TABLE categories DROP COLUMN name_en, DROP COLUMN description_en, DROP COLUMN icon, DROP COLUMN parent_id`.execute(
    db,
  );
}
