import { type Kysely, sql } from 'kysely';

/**
 * Per-category permissions: who may start a thread (`start_level`) and who may reply (`reply_level`) — members,
 * members from a trust level up, or staff only; which kinds of thread a category takes (`kinds`, null for any),
 * which the composer uses to pick a category that fits; and `archived_at`, a category kept for reading that takes
 * nothing new. Until now any member could start threads in the announcements category, which was also the
 * composer's default: it becomes staff-only, announcements only.
 */
const LEVELS = sql`ARRAY['member','trust_1','trust_2','trust_3','trust_4','staff']::text[]`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE categories
      ADD COLUMN start_level text NOT NULL DEFAULT 'member' CONSTRAINT categories_start_level_check CHECK (start_level = ANY (${LEVELS})),
      ADD COLUMN reply_level text NOT NULL DEFAULT 'member' CONSTRAINT categories_reply_level_check CHECK (reply_level = ANY (${LEVELS})),
      ADD COLUMN kinds text[] CONSTRAINT categories_kinds_check
        CHECK (kinds <@ ARRAY['announcement','question','tip','idea','discussion']::text[] AND cardinality(kinds) > 0),
      ADD COLUMN archived_at timestamptz`.execute(db);
  await sql`UPDATE categories SET start_level = 'staff', kinds = ARRAY['announcement']
             WHERE slug IN ('annonces', 'announcements', 'news', 'actualites')`.execute(db);
  await sql`UPDATE categories SET kinds = ARRAY['idea'] WHERE slug IN ('idees', 'ideas')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE categories DROP COLUMN start_level, DROP COLUMN reply_level, DROP COLUMN kinds, DROP COLUMN archived_at`.execute(
    db,
  );
}
