import { sql } from 'kysely';
import type { Db } from '../../server/db/kysely.ts';
import type { Member } from '../../server/db/types.ts';
import { skeleton } from '../../server/lib/confusables.ts';
import { SessionRepository } from '../../server/modules/auth/session.repository.ts';
import { generateSessionToken, SessionService } from '../../server/modules/auth/session.service.ts';
import { createCategory, createMember, createReply, createThread } from '../../tests/factories/index.ts';

/**
 * Seeded members of trust level 2 have the figures it takes (default settings: reputation 50, 20 approved posts,
 * 14 days) and not those of level 3 (250): otherwise their first like or reply recomputes their level and demotes
 * them, a write a steady community does not make on every like and a level-0 reply the netiquette holds.
 */
const LEVEL_2_REPUTATION = 80;

/** The read scenarios' hot thread: a question with 200 posts by 20 members, statistics fresh. */
export async function seedLongThread(db: Db): Promise<{ threadId: number; members: Member[] }> {
  console.log('seeding a thread of 200 posts…');
  const members = await Promise.all(Array.from({ length: 20 }, () => createMember(db)));
  const category = await createCategory(db);
  const { thread } = await createThread(db, members[0]!, category.id, {
    kind: 'question',
    title: 'Quelle tente choisir pour un trek de 10 jours ?',
    body: 'Je pars en **autonomie** : tente deux places, moins de 2 kg, double paroi. Vos conseils ?',
  });
  for (let i = 1; i < 200; i++) {
    await createReply(
      db,
      members[i % members.length]!,
      thread.id,
      `Réponse n° ${i} : une *tente tunnel* tient mieux au vent, mais demande des sardines solides. Voir [le guide](https://example.com/guide/${i}).`,
    );
  }
  await sql`ANALYZE`.execute(db);
  return { threadId: thread.id, members };
}

/**
 * The mix scenario's community: `threads` threads across 12 categories, 1 to 5 posts each (3 on average), written
 * by `authors` members, in a few set-based statements (100 000 threads in seconds, not minutes). Triggers are off
 * while seeding (`session_replication_role = replica`): no live event or search-index row per seeded post, which
 * reads do not use; the counters they would keep (members' and threads' post counts) are set here instead.
 * Returns the threads, each with its posts' ids, in id order.
 */
export async function seedCommunity(
  db: Db,
  options: { threads: number; authors: number },
): Promise<{ threads: { id: number; posts: number[] }[] }> {
  const started = performance.now();
  await db.transaction().execute(async (trx) => {
    // Needs a superuser (the embedded server's is); elsewhere the triggers run and the seed is just slower.
    await sql`SET LOCAL session_replication_role = replica`.execute(trx).catch(() => undefined);
    await sql`
      INSERT INTO members (username, username_skeleton, email, password_hash, trust_level, reputation, created_at)
      SELECT 'author_' || g, 'author_' || g, 'author_' || g || '@example.test', 'x', 2, ${LEVEL_2_REPUTATION},
             now() - interval '400 days'
      FROM generate_series(1, ${options.authors}) g`.execute(trx);
    await sql`
      INSERT INTO categories (slug, name, position)
      SELECT 'mix-' || g, 'Rubrique ' || g, g FROM generate_series(1, 12) g`.execute(trx);
    await sql`
      WITH a AS (SELECT array_agg(id ORDER BY id) AS ids FROM members WHERE username LIKE 'author\\_%'),
           c AS (SELECT array_agg(id ORDER BY id) AS ids FROM categories WHERE slug LIKE 'mix-%')
      INSERT INTO threads (category_id, author_id, kind, title, state, post_count, reply_count,
                           created_at, last_post_at, last_poster_id)
      SELECT c.ids[1 + g % 12], a.ids[1 + (g * 7) % ${options.authors}],
             (CASE WHEN g % 3 = 0 THEN 'question' ELSE 'discussion' END),
             'Sujet n° ' || g || ' : quel sac pour une randonnée de ' || (2 + g % 12) || ' jours ?',
             'published', 1 + g % 5, g % 5,
             now() - g * interval '7 minutes', now() - g * interval '7 minutes' + (g % 5) * interval '1 hour',
             a.ids[1 + (g * 7 + g % 5) % ${options.authors}]
      FROM generate_series(1, ${options.threads}) g, a, c
      ORDER BY g`.execute(trx);
    await sql`
      WITH a AS (SELECT array_agg(id ORDER BY id) AS ids FROM members WHERE username LIKE 'author\\_%')
      INSERT INTO posts (thread_id, author_id, number, body_md, body_html, state, created_at)
      SELECT t.id, CASE WHEN n = 1 THEN t.author_id ELSE a.ids[1 + (t.id * 7 + n) % ${options.authors}] END, n,
             'Réponse n° ' || n || ' : une *tente tunnel* tient mieux au vent, mais demande des sardines solides. '
               || 'Voir [le guide](https://example.com/guide/' || t.id || ').',
             '<p>Réponse n° ' || n || ' : une <em>tente tunnel</em> tient mieux au vent, mais demande des sardines '
               || 'solides. Voir <a href="https://example.com/guide/' || t.id || '" rel="nofollow ugc">le guide</a>.</p>',
             'published', t.created_at + (n - 1) * interval '1 hour'
      FROM threads t CROSS JOIN LATERAL generate_series(1, t.post_count) n, a
      WHERE t.category_id IN (SELECT id FROM categories WHERE slug LIKE 'mix-%')
      ORDER BY t.id, n`.execute(trx);
    await sql`
      UPDATE members m SET post_count = p.count
      FROM (SELECT author_id, count(*)::int AS count FROM posts GROUP BY author_id) p
      WHERE p.author_id = m.id`.execute(trx);
  });
  await settle(db);
  const rows = await sql<{ id: number; posts: number[] }>`
    SELECT t.id, array_agg(p.id ORDER BY p.number) AS posts
    FROM threads t JOIN posts p ON p.thread_id = t.id
    WHERE t.category_id IN (SELECT id FROM categories WHERE slug LIKE 'mix-%')
    GROUP BY t.id ORDER BY t.id`.execute(db);
  console.log(`seeded ${rows.rows.length} threads in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { threads: rows.rows };
}

/**
 * `count` members of trust level 2 with the figures to match (90 days old, 25 approved posts elsewhere), named
 * `${prefix}_N`, each with a session: their ids and cookies.
 */
export async function signedInMembers(
  db: Db,
  prefix: string,
  count: number,
): Promise<{ id: number; cookie: string }[]> {
  const sessions = new SessionService(new SessionRepository(db));
  const members: { id: number; cookie: string }[] = [];
  for (let i = 0; i < count; i++) {
    const { id } = await db
      .insertInto('members')
      .values({
        username: `${prefix}_${i}`,
        username_skeleton: skeleton(`${prefix}_${i}`),
        email: `${prefix}_${i}@example.test`,
        password_hash: 'x',
        trust_level: 2,
        reputation: LEVEL_2_REPUTATION,
        post_count: 25,
        created_at: new Date(Date.now() - 90 * 86_400_000),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const token = generateSessionToken();
    await sessions.create(token, id);
    members.push({ id, cookie: `agora_session=${token}` });
  }
  return members;
}

/**
 * A bulk-loaded community made as a community in service is: vacuumed (hint bits set and the visibility map
 * built, which otherwise the first reads and autovacuum's insert-triggered runs do during the measurement) and
 * analysed, then checkpointed (the load's dirty pages written out, so that the measured writes do not pay for
 * them). CHECKPOINT needs a superuser: skipped on a BENCH_DATABASE_URL server that refuses it.
 */
async function settle(db: Db): Promise<void> {
  await sql`VACUUM (ANALYZE)`.execute(db);
  await sql`CHECKPOINT`.execute(db).catch(() => {});
}
