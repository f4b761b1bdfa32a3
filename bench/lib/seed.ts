import { sql } from 'kysely';
import type { Db } from '../../server/db/kysely.ts';
import type { Member } from '../../server/db/types.ts';
import { createCategory, createMember, createReply, createThread } from '../../tests/factories/index.ts';

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
