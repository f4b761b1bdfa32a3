import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../server/access/access.ts';
import { loadConfig } from '../../server/config.ts';
import type { Db } from '../../server/db/kysely.ts';
import { Publisher } from '../../server/modules/forum/publish.ts';
import { ModerationSettingsStore } from '../../server/modules/moderation/moderation.settings.ts';
import { NetiquetteService } from '../../server/modules/netiquette/netiquette.service.ts';
import { ReputationService } from '../../server/modules/reputation/reputation.service.ts';
import { ReputationSettingsStore } from '../../server/modules/reputation/reputation.settings.ts';
import { actorOf, createCategory, createMember, createThread } from '../factories/index.ts';
import { createTestDatabase, type TestDatabase } from '../setup/db.ts';

/**
 * A reply's post, its author's reputation and its notifications are written in one round trip, the latter two
 * naming the post by an id reserved before the transaction (publish.ts, `afterLead`). When the thread changes
 * between the reply's first reads and its transaction (a moderator locks or hides it meanwhile), the claim on
 * the thread writes nothing: the reply must be refused for that reason, and nothing that followed the claim may
 * stay written.
 */
let database: TestDatabase;
let db: Db;
beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
});
afterAll(() => database.drop());

/** The real netiquette, which also plays a moderator acting on the thread while the reply is being screened. */
class MeanwhileNetiquette extends NetiquetteService {
  meanwhile: (() => Promise<void>) | undefined;
  override async screen(...args: Parameters<NetiquetteService['screen']>) {
    const verdict = await super.screen(...args);
    await this.meanwhile?.();
    return verdict;
  }
}

function publisher(netiquette: NetiquetteService) {
  return new Publisher(
    db,
    loadConfig({}).limits,
    netiquette,
    new ModerationSettingsStore(db),
    new ReputationService(new ReputationSettingsStore(db)),
  );
}

async function written(threadId: number, authorId: number) {
  const [posts, events, notifications] = await Promise.all([
    db.selectFrom('posts').select('id').where('thread_id', '=', threadId).execute(),
    db.selectFrom('reputation_events').select('id').where('thread_id', '=', threadId).execute(),
    db.selectFrom('notifications').select('id').where('member_id', '=', authorId).execute(),
  ]);
  return { posts: posts.length, events: events.length, notifications: notifications.length };
}

describe('a reply whose thread changes before its transaction', () => {
  it.each([
    ['locked', { locked: true }, 'thread.locked', 403],
    ['hidden', { state: 'hidden' as const }, 'thread.not_found', 404],
  ])('is refused when the thread is %s meanwhile, and leaves nothing written', async (_, change, code, status) => {
    const category = await createCategory(db);
    const author = await createMember(db);
    const { thread } = await createThread(db, author, category.id);
    const replier: Actor = actorOf(await createMember(db));
    const before = await written(thread.id, author.id);
    const netiquette = new MeanwhileNetiquette(db);
    netiquette.meanwhile = async () => {
      await db.updateTable('threads').set(change).where('id', '=', thread.id).execute();
    };
    const reply = publisher(netiquette).reply(replier, thread.id, {
      body: 'Une réponse qui arrive juste après la décision du modérateur.',
    });
    await expect(reply).rejects.toMatchObject({ code, status });
    expect(await written(thread.id, author.id)).toEqual(before);
  });

  it('is written with its reputation and its notification, the number read by the database, otherwise', async () => {
    const category = await createCategory(db);
    const author = await createMember(db);
    const { thread } = await createThread(db, author, category.id);
    const replier = await createMember(db);
    const netiquette = new MeanwhileNetiquette(db);
    const { post } = await publisher(netiquette).reply(actorOf(replier), thread.id, {
      body: 'Une réponse ordinaire, que rien ne vient contrarier entre-temps.',
    });
    expect(post.number).toBe(2);
    // The reply returns the post as stored, all of it (its route's answer and callers read it).
    const stored = await db.selectFrom('posts').selectAll().where('id', '=', post.id).executeTakeFirstOrThrow();
    expect(post).toEqual(stored);
    expect(post.body_html).toContain('Une réponse ordinaire');
    const event = await db
      .selectFrom('reputation_events')
      .select(['member_id', 'post_id'])
      .where('source_key', '=', `reply:${post.id}`)
      .executeTakeFirst();
    expect(event).toEqual({ member_id: replier.id, post_id: post.id });
    const notification = await db
      .selectFrom('notifications')
      .select(['kind', 'data'])
      .where('member_id', '=', author.id)
      .where('kind', '=', 'reply')
      .executeTakeFirstOrThrow();
    expect(notification.data).toMatchObject({ postId: post.id, threadId: thread.id, number: 2 });
  });
});
