import { sql } from 'kysely';
import { ReputationService } from '../server/modules/reputation/reputation.service.ts';
import { ReputationSettingsStore } from '../server/modules/reputation/reputation.settings.ts';
import { RecognitionService } from '../server/modules/reputation/recognition.service.ts';
import { createCategory, createMember, createThread } from '../tests/factories/index.ts';
import { benchDatabase, machine, record } from './lib/harness.ts';

/**
 * Issue 4: 10 000 reputation events, each with what follows it in production — the member's score moved in
 * the same transaction, their trust level recomputed and every automatic badge evaluated — as fast as the
 * database allows, with 8 concurrent writers (as many likes arrive at once on a busy community).
 */
export async function reputation(): Promise<void> {
  const database = await benchDatabase();
  const { db } = database;
  const settings = new ReputationSettingsStore(db);
  const service = new ReputationService(settings);
  await new RecognitionService(db, service, settings).ensureBuiltins();
  console.log('seeding 200 members and 200 posts…');
  const members = await Promise.all(Array.from({ length: 200 }, () => createMember(db, { trustLevel: 0 })));
  const category = await createCategory(db);
  const posts: Awaited<ReturnType<typeof createThread>>['post'][] = [];
  for (let i = 0; i < 200; i++) posts.push((await createThread(db, members[i]!, category.id)).post);
  await sql`ANALYZE`.execute(db);

  const total = Number(process.env.BENCH_EVENTS ?? 10_000);
  const writers = 8;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (next < total) {
        const i = next++;
        const post = posts[i % posts.length]!;
        const liker = members[(i * 7 + 13) % members.length]!;
        await db
          .transaction()
          .execute((trx) =>
            service.reacted(
              trx,
              { id: 1_000_000 + i, kind: 'like', memberId: liker.id },
              post,
              { id: post.thread_id, category_id: category.id },
              true,
            ),
          );
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const events = await db
    .selectFrom('reputation_events')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('kind', '=', 'like')
    .executeTakeFirstOrThrow();
  const badges = await db
    .selectFrom('member_badges')
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow();
  const drift = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM members m
    WHERE m.reputation <> 0 + coalesce((SELECT sum(points) FROM reputation_events e WHERE e.member_id = m.id), 0) + 0
      AND m.id = ANY(${members.map((m) => m.id)})`.execute(db);
  const text = `## Reputation events with trust and badge evaluation (issue 4)

Measured ${new Date().toISOString().slice(0, 10)} on ${machine(database.version)}.
Command: \`npm run bench -- reputation\` (${writers} concurrent writers, one transaction per event: ledger row, score, trust level, all automatic badges).

| what | measured |
| --- | ---: |
| events recorded | ${events.n} |
| time | ${seconds.toFixed(1)} s |
| throughput | **${Math.round(total / seconds)} events/s** |
| badges granted along the way | ${badges.n} |
| members whose score differs from their ledger's sum (must be 0) | ${drift.rows[0]!.n} |`;
  await record('reputation', text);
  console.log(text);
  await database.close();
}
