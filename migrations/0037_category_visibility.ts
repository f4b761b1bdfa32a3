import { type Kysely, sql } from 'kysely';

/**
 * Who may see a category (issue 18): `see_level` — visitors (everyone, the default), members, members from a trust
 * level up, or staff. Its threads and posts answer 404 to anyone below it, on every read path (access/visibility.ts).
 * The service keeps the tree coherent: a sub-category is never more visible than its parent (a parent made more
 * private raises its children with it), and who may start or reply is never wider than who may see.
 */
const LEVELS = sql`ARRAY['visitor','member','trust_1','trust_2','trust_3','trust_4','staff']::text[]`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE categories
      ADD COLUMN see_level text NOT NULL DEFAULT 'visitor'
        CONSTRAINT categories_see_level_check CHECK (see_level = ANY (${LEVELS}))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE categories DROP COLUMN see_level`.execute(db);
}
