import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/kysely.ts';
import { readReplyContext } from '../../server/modules/forum/reply-context.ts';
import { createCategory, createMember, createThread } from '../factories/index.ts';
import { createTestDatabase, type TestDatabase } from '../setup/db.ts';

/**
 * What a reply reads before its transaction, in one statement (forum/reply-context.ts): each part must be what
 * the separate reads it replaced gave.
 */
let database: TestDatabase;
let db: Db;
beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
});
afterAll(() => database.drop());

describe('readReplyContext', () => {
  it("reads the thread as it is stored, its category's rules, the post replied to, the audience and a fresh id", async () => {
    const category = await createCategory(db, { slug: 'contexte', name: 'Contexte' });
    await db
      .updateTable('categories')
      .set({ reply_level: 'trust_2', moderation_mode: 'pre', see_level: 'trust_1' })
      .where('id', '=', category.id)
      .execute();
    const author = await createMember(db);
    const replier = await createMember(db);
    await db.updateTable('members').set({ display_name: 'Rose Répond' }).where('id', '=', replier.id).execute();
    const [watcher, muter, categoryWatcher, ignorer] = await Promise.all([1, 2, 3, 4].map(() => createMember(db)));
    const { thread, post } = await createThread(db, author, category.id, { title: 'Un sujet à lire en une fois' });
    await db
      .insertInto('thread_tracking')
      .values([
        { member_id: watcher!.id, thread_id: thread.id, level: 'watching' },
        { member_id: muter!.id, thread_id: thread.id, level: 'muted' },
      ])
      .execute();
    // The category's level counts where the member set none on the thread; the thread's wins where both exist.
    await db
      .insertInto('category_tracking')
      .values([
        { member_id: categoryWatcher!.id, category_id: category.id, level: 'watching' },
        { member_id: muter!.id, category_id: category.id, level: 'watching' },
      ])
      .execute();
    await db.insertInto('member_ignores').values({ member_id: ignorer!.id, ignored_id: replier.id }).execute();

    const context = await readReplyContext(db, thread.id, post.id, replier.id);
    expect(context).toBeDefined();
    const stored = await db.selectFrom('threads').selectAll().where('id', '=', thread.id).executeTakeFirstOrThrow();
    expect(context!.thread).toEqual({ ...stored, see_level: 'trust_1' });
    expect(context!.thread.created_at).toBeInstanceOf(Date);
    expect(context!.category).toEqual({
      id: category.id,
      name: 'Contexte',
      moderation_mode: 'pre',
      bypass_trust_level: expect.anything(),
      reply_level: 'trust_2',
      archived_at: null,
    });
    expect(context!.replyTo).toEqual({ id: post.id, thread_id: thread.id, state: post.state, author_id: author.id });
    expect(context!.audience).toEqual({
      watching: expect.arrayContaining([watcher!.id, categoryWatcher!.id]),
      muted: [muter!.id],
      ignoring: [ignorer!.id],
      by: { username: replier.username, displayName: 'Rose Répond' },
    });
    expect(context!.audience.watching).toHaveLength(2);
    // The thread is its author's first; the reserved id is the posts' next one, never handed out twice.
    expect(context!.reserved.authorsFirst).toBe(true);
    const again = await readReplyContext(db, thread.id, undefined, replier.id);
    expect(again!.reserved.id).toBeGreaterThan(context!.reserved.id);
    expect(context!.reserved.id).toBeGreaterThan(post.id);
    expect(again!.replyTo).toBeUndefined();
  });

  it("says whose thread is not their first, leaves out a post that does not exist, and finds no thread that doesn't", async () => {
    const category = await createCategory(db);
    const author = await createMember(db);
    await createThread(db, author, category.id);
    const { thread } = await createThread(db, author, category.id);
    const context = await readReplyContext(db, thread.id, 2_000_000_000, author.id);
    expect(context!.reserved.authorsFirst).toBe(false);
    expect(context!.replyTo).toBeUndefined();
    expect(context!.audience).toMatchObject({ watching: [], muted: [], ignoring: [] });
    expect(await readReplyContext(db, 2_000_000_000, undefined, author.id)).toBeUndefined();
  });
});
