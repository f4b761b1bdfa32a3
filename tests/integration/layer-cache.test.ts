import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { ChangeFeed } from '../../server/db/change-feed.ts';
import type { Category, Member } from '../../server/db/types.ts';
import { ReaderRepository } from '../../server/content/index.ts';
import { LayerCache, type Layer } from '../../server/modules/forum/layer-cache.ts';
import type { CachedPage } from '../../server/modules/forum/page-cache.ts';
import { createCategory, createMember, createThread } from '../factories/index.ts';
import { eventually } from '../setup/eventually.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

/**
 * Members' own layers on kept thread pages (migration 0044): a member's read of a kept page asks the database
 * nothing once their layer is kept, and shows every change to it (their reactions, bookmarks, levels, read
 * position, ignore list) at once when made through this node, and once its notice arrives otherwise.
 */
let t: TestApp;
let node2: FastifyInstance;
let category: Category;
let alice: Member;
let bob: Member;
beforeAll(async () => {
  t = await createTestApp({ THREAD_CACHE_SECONDS: '3600' });
  node2 = await buildApp({ config: t.config, db: t.db, databaseUrl: t.url });
  await node2.ready();
  category = await createCategory(t.db);
  alice = await createMember(t.db);
  bob = await createMember(t.db);
});
afterAll(async () => {
  await node2.close();
  await t.close();
});

/**
 * Statements about the thread page or a member's layer (not the live hub's reads, nor the feed's round trips, nor
 * a member's marks, read once beside their first read and answered whenever).
 */
const pageStatements = () =>
  t.queries.filter((q) => /\bthreads\b|\bposts\b|"threads"|"posts"/i.test(q) && !/AS "memberId"/.test(q));
const read = async (cookie: string, id: number) => {
  const res = await t.api('GET', `/api/threads/${id}`, { as: cookie });
  expect(res.statusCode).toBe(200);
  return res.json();
};
const visit = async (id: number) =>
  (await t.app.inject({ method: 'GET', url: `/api/threads/${id}`, headers: { host: 'forum.test:3000' } })).json();
/** Until the member's read of the thread asks the database nothing (page and layer kept, every notice heard). */
const untilQuiet = (cookie: string, id: number) =>
  eventually(async () => {
    await read(cookie, id);
    t.resetQueries();
    await read(cookie, id);
    return pageStatements().length === 0;
  });

describe("a member's layer on a listening node", () => {
  it('serves a member their kept page and layer without a statement, with their own marks', async () => {
    const { thread, post } = await createThread(t.db, alice, category.id);
    expect((await t.api('POST', `/api/posts/${post.id}/reactions/like`, { as: bob })).statusCode).toBe(200);
    const cookie = await t.loginAs(bob);
    await untilQuiet(cookie, thread.id);
    t.resetQueries();
    for (let i = 0; i < 3; i++) expect((await read(cookie, thread.id)).posts[0].liked).toBe(true);
    expect(pageStatements(), t.queries.join('\n')).toHaveLength(0);
    // Another member's page of the same thread has their own layer, not Bob's.
    const other = await t.loginAs(alice);
    expect((await read(other, thread.id)).posts[0].liked).toBe(false);
  });

  it("shows the member's own writes through this node at their next read, with no wait", async () => {
    const carol = await createMember(t.db);
    const { thread, post } = await createThread(t.db, alice, category.id);
    const answer = await t.api('POST', `/api/threads/${thread.id}/posts`, { as: carol, body: { body: 'Ma réponse' } });
    expect(answer.statusCode).toBe(201);
    const cookie = await t.loginAs(bob);
    await untilQuiet(cookie, thread.id);
    const write = async (method: 'PUT' | 'POST' | 'DELETE', url: string, body?: object) =>
      expect((await t.api(method, url, { as: cookie, body })).statusCode).toBeLessThan(300);

    await write('PUT', `/api/posts/${post.id}/bookmark`, {});
    expect((await read(cookie, thread.id)).viewer.tracking.bookmarks).toEqual([post.id]);
    await write('DELETE', `/api/posts/${post.id}/bookmark`);
    expect((await read(cookie, thread.id)).viewer.tracking.bookmarks).toEqual([]);
    await write('PUT', `/api/threads/${thread.id}/tracking`, { level: 'watching' });
    expect((await read(cookie, thread.id)).viewer.tracking.level).toBe('watching');
    await write('POST', `/api/threads/${thread.id}/read`, { number: 2 });
    expect((await read(cookie, thread.id)).viewer.tracking.lastRead).toBe(2);
    await write('PUT', `/api/members/${carol.username}/ignore`);
    expect((await read(cookie, thread.id)).viewer.tracking.ignored).toEqual([carol.id]);
    await write('DELETE', `/api/members/${carol.username}/ignore`);
    expect((await read(cookie, thread.id)).viewer.tracking.ignored).toEqual([]);
    // A category's level shows where the thread has none of its own.
    await write('PUT', `/api/threads/${thread.id}/tracking`, { level: 'normal' });
    await t.db.deleteFrom('thread_tracking').where('member_id', '=', bob.id).execute();
    await eventually(async () => (await read(cookie, thread.id)).viewer.tracking.level === 'normal');
    await write('PUT', `/api/categories/${category.id}/tracking`, { level: 'tracking' });
    expect((await read(cookie, thread.id)).viewer.tracking.level).toBe('tracking');
    await write('PUT', `/api/categories/${category.id}/tracking`, { level: 'normal' });
    // A like changes the page itself (its count): the page and the layer are read again, the mark shown.
    await write('POST', `/api/posts/${post.id}/reactions/like`);
    expect((await read(cookie, thread.id)).posts[0].liked).toBe(true);
  });

  it("shows a member their own edit at once on a node that keeps no session (the page's vouching waits for it)", async () => {
    const node3 = await buildApp({ config: { ...t.config, sessionCacheSeconds: 0 }, db: t.db, databaseUrl: t.url });
    try {
      const { thread, post } = await createThread(t.db, bob, category.id);
      const cookie = await t.loginAs(bob);
      const on3 = (method: 'GET' | 'PATCH', url: string, payload?: object) =>
        node3.inject({
          method,
          url,
          headers: { host: 'forum.test:3000', origin: 'http://forum.test:3000', cookie },
          payload,
        });
      await eventually(async () => {
        await on3('GET', `/api/threads/${thread.id}`);
        t.resetQueries();
        await on3('GET', `/api/threads/${thread.id}`);
        return pageStatements().length === 0;
      });
      for (const body of ['Une', 'Deux', 'Trois', 'Quatre', 'Cinq'].map((n) => `Correction ${n}`)) {
        expect((await on3('PATCH', `/api/posts/${post.id}`, { body })).statusCode).toBe(200);
        expect((await on3('GET', `/api/threads/${thread.id}`)).json().posts[0].html).toContain(body);
      }
    } finally {
      await node3.close();
    }
  });

  it("shows the member's writes made through another node, or straight in the database, once their notice arrives", async () => {
    const { thread, post } = await createThread(t.db, alice, category.id);
    const cookie = await t.loginAs(bob);
    await untilQuiet(cookie, thread.id);
    const viaNode2 = await node2.inject({
      method: 'PUT',
      url: `/api/posts/${post.id}/bookmark`,
      headers: { host: 'forum.test:3000', origin: 'http://forum.test:3000', cookie },
      payload: {},
    });
    expect(viaNode2.statusCode).toBeLessThan(300);
    await eventually(async () => (await read(cookie, thread.id)).viewer.tracking.bookmarks.includes(post.id));
    await untilQuiet(cookie, thread.id);
    await t.db
      .insertInto('thread_tracking')
      .values({ member_id: bob.id, thread_id: thread.id, level: 'muted' })
      .onConflict((oc) => oc.columns(['member_id', 'thread_id']).doUpdateSet({ level: 'muted' }))
      .execute();
    await eventually(async () => (await read(cookie, thread.id)).viewer.tracking.level === 'muted');
  });

  it("keeps a member's layer when another member's like makes the page anew with the same posts", async () => {
    const { thread, post } = await createThread(t.db, alice, category.id);
    const cookie = await t.loginAs(bob);
    await untilQuiet(cookie, thread.id);
    const carol = await createMember(t.db);
    expect((await t.api('POST', `/api/posts/${post.id}/reactions/like`, { as: carol })).statusCode).toBe(200);
    // A visitor's read builds the page again once the like's notice is heard (then reads it from the cache).
    await eventually(async () => {
      const liked = (await visit(thread.id)).posts[0].likeCount === 1;
      t.resetQueries();
      await visit(thread.id);
      return liked && pageStatements().length === 0;
    });
    t.resetQueries();
    const page = await read(cookie, thread.id);
    expect([page.posts[0].likeCount, page.posts[0].liked]).toEqual([1, false]);
    expect(pageStatements(), t.queries.join('\n')).toHaveLength(0);
  });

  it("keeps a member's layer when another member's marks change, or their own on another thread", async () => {
    const { thread, post } = await createThread(t.db, alice, category.id);
    const elsewhere = await createThread(t.db, alice, category.id);
    const cookie = await t.loginAs(bob);
    await untilQuiet(cookie, thread.id);
    await t.db.insertInto('bookmarks').values({ member_id: alice.id, post_id: post.id }).execute();
    await t.db.insertInto('bookmarks').values({ member_id: bob.id, post_id: elsewhere.post.id }).execute();
    // A later change a visitor sees: once its notice is heard, so are those before it (one connection, in order).
    await visit(elsewhere.thread.id);
    await t.db
      .updateTable('threads')
      .set((eb) => ({ title: 'Un titre tout neuf', version: eb('version', '+', 1) }))
      .where('id', '=', elsewhere.thread.id)
      .execute();
    await eventually(async () => (await visit(elsewhere.thread.id)).thread.title === 'Un titre tout neuf');
    t.resetQueries();
    expect((await read(cookie, thread.id)).viewer.tracking.bookmarks).toEqual([]);
    expect(pageStatements(), t.queries.join('\n')).toHaveLength(0);
  });
});

describe("a member's marks", () => {
  /** A new thread whose first page visitors' reads keep (every notice about it heard). */
  async function keptThread(author: Member = alice) {
    const made = await createThread(t.db, author, category.id);
    await eventually(async () => {
      await visit(made.thread.id);
      t.resetQueries();
      await visit(made.thread.id);
      return pageStatements().length === 0;
    });
    return made;
  }
  /** Until the member's first read of a kept page asks nothing (their marks kept); that page. */
  async function firstReadQuiet(cookie: string, author?: Member) {
    let page: { posts: { liked: boolean }[]; viewer: { tracking: object } } | undefined;
    await eventually(async () => {
      const { thread } = await keptThread(author);
      t.resetQueries();
      page = await read(cookie, thread.id);
      return pageStatements().length === 0;
    });
    return page!;
  }

  it('serves a kept page holding none of their marks with no statement, at their first read of it', async () => {
    const dora = await createMember(t.db);
    const author = await createMember(t.db);
    const marked = await createThread(t.db, alice, category.id);
    expect((await t.api('POST', `/api/posts/${marked.post.id}/reactions/like`, { as: dora })).statusCode).toBe(200);
    await t.db
      .insertInto('category_tracking')
      .values({ member_id: dora.id, category_id: category.id, level: 'watching' })
      .execute();
    await t.db.insertInto('member_ignores').values({ member_id: dora.id, ignored_id: author.id }).execute();
    const cookie = await t.loginAs(dora);
    await read(cookie, marked.thread.id); // her first read: her marks are read beside it
    // A thread she never read, by a member she ignores, in a category she watches: the empty layer, built here.
    const page = await firstReadQuiet(cookie, author);
    expect(page.viewer.tracking).toEqual({ level: 'watching', lastRead: 0, bookmarks: [], ignored: [author.id] });
    expect(page.posts[0]!.liked).toBe(false);
    // The thread she liked in holds a mark of hers: her layer is read, her like shows.
    t.resetQueries();
    expect((await read(cookie, marked.thread.id)).posts[0].liked).toBe(true);
  });

  it('shows a mark made since they were read: through this node at once, in the database once its notice arrives', async () => {
    const erin = await createMember(t.db);
    const cookie = await t.loginAs(erin);
    await firstReadQuiet(cookie);
    const [a, b, c, d] = await Promise.all([1, 2, 3, 4].map(() => keptThread()));
    await t.api('PUT', `/api/posts/${a!.post.id}/bookmark`, { as: cookie, body: {} });
    expect((await read(cookie, a!.thread.id)).viewer.tracking.bookmarks).toEqual([a!.post.id]);
    await t.db.insertInto('reactions').values({ member_id: erin.id, post_id: b!.post.id, kind: 'like' }).execute();
    await eventually(async () => (await read(cookie, b!.thread.id)).posts[0].liked === true);
    await t.db
      .insertInto('thread_tracking')
      .values({ member_id: erin.id, thread_id: c!.thread.id, last_read_number: 1 })
      .execute();
    await eventually(async () => (await read(cookie, c!.thread.id)).viewer.tracking.lastRead === 1);
    // An ignore list or a category level changed: the marks go, and are read again.
    await t.db.insertInto('member_ignores').values({ member_id: erin.id, ignored_id: alice.id }).execute();
    await eventually(async () => (await read(cookie, d!.thread.id)).viewer.tracking.ignored.includes(alice.id));
    expect((await firstReadQuiet(cookie)).viewer.tracking).toMatchObject({ ignored: [alice.id] });
  });
});

describe('the layer cache', () => {
  async function listening(check: (cache: LayerCache, feed: ChangeFeed) => Promise<void>) {
    const feed = new ChangeFeed({ databaseUrl: t.url });
    const cache = new LayerCache({ feed });
    await feed.start();
    try {
      await check(cache, feed);
    } finally {
      await feed.stop();
    }
  }
  const page = (threadId: number, postIds: number[], categoryId = category.id) =>
    ({ thread: { id: threadId, categoryId }, postIds }) as CachedPage;
  const layer: Layer = { reactions: [], bookmarks: [], level: 'normal', lastRead: 0, ignored: [] };
  /** A change to Bob's layers straight in the database, and its notice heard. */
  async function bookmarked(feed: ChangeFeed, postId: number) {
    await t.db.insertInto('bookmarks').values({ member_id: bob.id, post_id: postId }).execute();
    feed.wrote();
    await feed.settle('every');
  }

  it('never keeps a layer read before a notice about its member, and keeps the others', async () => {
    const { thread, post } = await createThread(t.db, alice, category.id);
    await listening(async (cache, feed) => {
      const shown = page(thread.id, [post.id]);
      const before = cache.mark();
      await bookmarked(feed, post.id);
      cache.set(bob.id, 'a', shown, layer, before); // read before Bob's bookmark: not kept
      expect(cache.get(bob.id, 'a', shown)).toBeUndefined();
      cache.set(alice.id, 'a', shown, layer, before); // Alice's layer is not concerned
      expect(cache.get(alice.id, 'a', shown)).toEqual(layer);
      cache.set(bob.id, 'a', shown, layer, cache.mark());
      expect(cache.get(bob.id, 'a', shown)).toEqual(layer);
      // The page built again with the same posts (after a like) keeps it; with another post, or in another
      // category (the member's level there may differ), it has none yet.
      expect(cache.get(bob.id, 'a', page(thread.id, [post.id]))).toEqual(layer);
      expect(cache.get(bob.id, 'a', page(thread.id, [post.id, post.id + 1]))).toBeUndefined();
      expect(cache.get(bob.id, 'a', page(thread.id, [post.id], category.id + 1))).toBeUndefined();
    });
  });

  it('drops only the layers on the thread of the post marked, or whose tracking changed', async () => {
    const one = await createThread(t.db, alice, category.id);
    const two = await createThread(t.db, alice, category.id);
    await listening(async (cache, feed) => {
      const first = page(one.thread.id, [one.post.id]);
      const second = page(two.thread.id, [two.post.id]);
      cache.set(bob.id, '1', first, layer, cache.mark());
      cache.set(bob.id, '2', second, layer, cache.mark());
      await bookmarked(feed, one.post.id);
      expect(cache.get(bob.id, '1', first)).toBeUndefined();
      expect(cache.get(bob.id, '2', second)).toEqual(layer);
      cache.set(bob.id, '1', first, layer, cache.mark());
      await t.db.insertInto('thread_tracking').values({ member_id: bob.id, thread_id: two.thread.id }).execute();
      feed.wrote();
      await feed.settle('every');
      expect(cache.get(bob.id, '1', first)).toEqual(layer);
      expect(cache.get(bob.id, '2', second)).toBeUndefined();
      // An ignore list changes every layer of the member's.
      await t.db.insertInto('member_ignores').values({ member_id: bob.id, ignored_id: alice.id }).execute();
      feed.wrote();
      await feed.settle('every');
      expect(cache.get(bob.id, '1', first)).toBeUndefined();
    });
  });

  it("keeps a member's layers on the last pages of a thread they read, not every page", async () => {
    const { thread, post } = await createThread(t.db, alice, category.id);
    await listening(async (cache) => {
      const pages = Array.from({ length: 12 }, () => page(thread.id, [post.id]));
      pages.forEach((shown, i) => cache.set(bob.id, `${thread.id}:${i}:20`, shown, layer, cache.mark()));
      const kept = pages.map((shown, i) => cache.get(bob.id, `${thread.id}:${i}:20`, shown) !== undefined);
      expect(kept).toEqual([...Array(4).fill(false), ...Array(8).fill(true)]);
    });
  });

  it("keeps a member's marks read since the last notice about them, and none of a member with too many", async () => {
    const one = await createThread(t.db, alice, category.id);
    const two = await createThread(t.db, alice, category.id);
    const carol = await createMember(t.db);
    await listening(async (cache, feed) => {
      const first = { ...page(one.thread.id, [one.post.id]), authorIds: [alice.id] } as CachedPage;
      const second = { ...page(two.thread.id, [two.post.id]), authorIds: [alice.id] } as CachedPage;
      const [row] = await new ReaderRepository(t.db).memberMarks([carol.id], 100);
      expect(row).toEqual({ memberId: carol.id, posts: [], threads: [], ignored: [], categories: {} });
      const before = cache.readingMarks(carol.id);
      expect(cache.wantsMarks(carol.id)).toBe(false); // being read
      await t.db.insertInto('bookmarks').values({ member_id: carol.id, post_id: one.post.id }).execute();
      feed.wrote();
      await feed.settle('every');
      cache.keepMarks(carol.id, row, before); // read before her bookmark's notice: not kept
      expect(cache.empty(carol.id, first)).toBeUndefined();
      expect(cache.wantsMarks(carol.id)).toBe(true);
      const [again] = await new ReaderRepository(t.db).memberMarks([carol.id], 100);
      cache.keepMarks(carol.id, again, cache.readingMarks(carol.id));
      expect(cache.empty(carol.id, first)).toBeUndefined(); // her bookmark is there
      expect(cache.empty(carol.id, second)).toEqual(layer);
      // A notice naming the second thread: marked from now on.
      await t.db.insertInto('thread_tracking').values({ member_id: carol.id, thread_id: two.thread.id }).execute();
      feed.wrote();
      await feed.settle('every');
      expect(cache.empty(carol.id, second)).toBeUndefined();
      // Over the cap: nothing kept, nothing read again.
      expect((await new ReaderRepository(t.db).memberMarks([carol.id], 0))[0]).toMatchObject({
        posts: null,
        threads: null,
      });
      cache.keepMarks(bob.id, { ...again!, memberId: bob.id, posts: null }, cache.readingMarks(bob.id));
      expect(cache.empty(bob.id, second)).toBeUndefined();
      expect(cache.wantsMarks(bob.id)).toBe(false);
    });
  });

  it('keeps nothing while its feed does not listen, and forgets everything when it stops', async () => {
    const { thread, post } = await createThread(t.db, alice, category.id);
    const shown = page(thread.id, [post.id]);
    const feed = new ChangeFeed({ databaseUrl: t.url });
    const cache = new LayerCache({ feed });
    cache.set(bob.id, 'a', shown, layer, cache.mark());
    expect(cache.get(bob.id, 'a', shown)).toBeUndefined();
    await feed.start();
    cache.set(bob.id, 'a', shown, layer, cache.mark());
    expect(cache.get(bob.id, 'a', shown)).toEqual(layer);
    await feed.stop();
    expect(cache.get(bob.id, 'a', shown)).toBeUndefined();
  });
});
