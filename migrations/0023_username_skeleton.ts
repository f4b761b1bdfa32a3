import { type Kysely, sql } from 'kysely';
import { skeleton } from '../server/lib/confusables.ts';

/**
 * Usernames unique by their confusable skeleton (issue 13): `аdmin` in Cyrillic letters, `ａｄｍｉｎ` or `admın`
 * can no longer be registered beside `admin`. The skeleton is computed in TypeScript (Unicode's confusables
 * table is not in PostgreSQL), for the existing rows here and on every insert by MembersRepository.create.
 * Look-alikes already registered keep their names: the oldest holds the skeleton, each later one gets a
 * skeleton of its own (the skeleton, a space and its id: no username's skeleton has a space), so that new
 * names still collide with the oldest.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE members ADD COLUMN username_skeleton text`.execute(db);
  const { rows } = await sql<{ id: number; username: string }>`SELECT id, username FROM members ORDER BY id`.execute(
    db,
  );
  const seen = new Set<string>();
  const ids: number[] = [];
  const skeletons: string[] = [];
  for (const row of rows) {
    let value = skeleton(row.username);
    if (seen.has(value)) value = `${value} ${row.id}`;
    seen.add(value);
    ids.push(row.id);
    skeletons.push(value);
  }
  for (let i = 0; i < ids.length; i += 5000) {
    await sql`
      UPDATE members m SET username_skeleton = v.skeleton
        FROM unnest(${ids.slice(i, i + 5000)}::integer[], ${skeletons.slice(i, i + 5000)}::text[]) AS v(id, skeleton)
       WHERE m.id = v.id`.execute(db);
  }
  await sql`ALTER TABLE members ALTER COLUMN username_skeleton SET NOT NULL`.execute(db);
  await sql`ALTER TABLE members ADD CONSTRAINT members_username_skeleton_key UNIQUE (username_skeleton)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE members DROP COLUMN username_skeleton`.execute(db);
}
