import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { ChangeFeed } from '../../server/db/change-feed.ts';
import type { Category, Member } from '../../server/db/types.ts';
import { PageCache, type CachedPage } from '../../server/modules/forum/page-cache.ts';
import { createCategory, createMember, createThread } from '../factories/index.ts';
import { eventually } from '../setup/eventually.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

/**
 * Thread pages on nodes that hear PostgreSQL's notices of changes (migration 0042): a visitor's read of a kept page
 * asks the database nothing, and no change is missed, whichever node or tool made it.
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

const visit = (node: FastifyInstance, id: number) =>
  node.inject({ method: 'GET', url: `/api/threads/${id}`, headers: { host: 'forum.test:3000' } });
/** Statements about threads and posts (not the live hub's reads of events, nor the feed's round trips). */
const pageStatements = () => t.queries.filter((q) => /"threads"|"posts"|\bthreads\b|\bposts\b/i.test(q));
/** Until a visitor's read of the thread asks the database nothing (its page kept, every notice about it heard). */
const untilQuiet = (node: FastifyInstance, id: number) =>
  eventually(async () => {
    await visit(node, id);
    t.resetQueries();
    await visit(node, id);
    return pageStatements().length === 0;
  });

describe('thread pages on a listening node', () => {
  it("serves a visitor's read of a kept page without a statement, and a change once its notice arrives", async () => {
    const { thread } = await createThread(t.db, alice, category.id);
    // The thread's creation (made by a factory, not through this node) may still be on its way as a notice.
    await untilQuiet(t.app, thread.id);
    t.resetQueries();
    for (let i = 0; i < 3; i++) expect((await visit(t.app, thread.id)).json().posts).toHaveLength(1);
    expect(pageStatements(), t.queries.join('\n')).toHaveLength(0);

    const reply = await t.api('POST', `/api/threads/${thread.id}/posts`, { as: bob, body: { body: 'Bien vu !' } });
    expect(reply.statusCode).toBe(201);
    // A member (the author, anyone signed in) reads the page's version with their own layer: at once.
    expect((await t.api('GET', `/api/threads/${thread.id}`, { as: alice })).json().posts).toHaveLength(2);
    await eventually(async () => (await visit(t.app, thread.id)).json().posts.length === 2);
  });

  it('drops the kept pages that show a member once they change their name or picture, on every node', async () => {
    const carol = await createMember(t.db);
    await t.db.updateTable('members').set({ display_name: 'Carole' }).where('id', '=', carol.id).execute();
    const { thread, post } = await createThread(t.db, alice, category.id);
    const answer = await t.api('POST', `/api/threads/${thread.id}/posts`, {
      as: carol,
      body: { body: 'Ma réponse', replyTo: post.id },
    });
    expect(answer.statusCode).toBe(201);
    const reply = await t.api('POST', `/api/threads/${thread.id}/posts`, {
      as: bob,
      body: { body: 'Merci Carole', replyTo: answer.json().post.id },
    });
    expect(reply.statusCode).toBe(201);
    // A page of the thread without Carol's post: only Bob's reply to her shows her name.
    const onlyBob = (node: FastifyInstance) =>
      node.inject({ method: 'GET', url: `/api/threads/${thread.id}?after=2`, headers: { host: 'forum.test:3000' } });
    const otherThread = (await createThread(t.db, bob, category.id)).thread;
    for (const node of [t.app, node2]) {
      await untilQuiet(node, thread.id);
      await untilQuiet(node, otherThread.id);
      expect((await onlyBob(node)).json().posts[0].replyTo.username).toBe(carol.username);
    }
    const before = await visit(node2, thread.id);
    expect(before.json().posts[1].author.displayName).toBe('Carole');

    await t.db
      .updateTable('members')
      .set({ display_name: 'Caro', username: 'caro_new' })
      .where('id', '=', carol.id)
      .execute();
    for (const node of [t.app, node2]) {
      await eventually(async () => (await visit(node, thread.id)).json().posts[1].author.displayName === 'Caro');
      await eventually(async () => (await onlyBob(node)).json().posts[0].replyTo.username === 'caro_new');
    }
    // Pages that do not show her stay kept: a visitor's read of them still asks nothing.
    t.resetQueries();
    await visit(node2, otherThread.id);
    expect(pageStatements(), t.queries.join('\n')).toHaveLength(0);
    // Her reputation is not such a change (it moves on every like): no notice, no page dropped.
    await t.db.updateTable('members').set({ reputation: 99 }).where('id', '=', carol.id).execute();
    await sql`SELECT pg_sleep(0.2)`.execute(t.db);
    t.resetQueries();
    await visit(node2, thread.id);
    expect(pageStatements(), t.queries.join('\n')).toHaveLength(0);
  });

  it("forgets a thread's kept pages before its live event reaches any socket (a client refetching gets the new page)", async () => {
    const { thread } = await createThread(t.db, alice, category.id);
    await untilQuiet(node2, thread.id);
    // An event about the thread with no change to the thread's row: no notice on `agora_pages`, only the event.
    await sql`SELECT agora_live_emit(${`thread:${thread.id}`}, 'post.edited', '{}'::jsonb)`.execute(t.db);
    await node2.liveHub.settle();
    t.resetQueries();
    await visit(node2, thread.id);
    expect(t.queries.filter((q) => q.includes('jsonb_to_recordset'))).toHaveLength(1); // the page, read again
  });

  it("shows another node's write, and one made straight in the database, once its notice arrives", async () => {
    const { thread } = await createThread(t.db, alice, category.id, { title: 'Avant' });
    expect((await visit(node2, thread.id)).json().thread.title).toBe('Avant');
    await t.api('POST', `/api/threads/${thread.id}/posts`, { as: bob, body: { body: 'Une réponse' } });
    await eventually(async () => (await visit(node2, thread.id)).json().posts.length === 2);

    await t.db
      .updateTable('threads')
      .set((eb) => ({ title: 'Après', version: eb('version', '+', 1) }))
      .where('id', '=', thread.id)
      .execute();
    await eventually(async () => (await visit(node2, thread.id)).json().thread.title === 'Après');
    await t.db.updateTable('threads').set({ state: 'hidden' }).where('id', '=', thread.id).execute();
    await eventually(async () => (await visit(node2, thread.id)).statusCode === 404);
  });

  it('re-validates a kept page by version when the reader asks for the page as of now (Cache-Control: no-cache)', async () => {
    const { thread } = await createThread(t.db, alice, category.id);
    await untilQuiet(t.app, thread.id);
    t.resetQueries();
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/threads/${thread.id}`,
      headers: { host: 'forum.test:3000', 'cache-control': 'no-cache' },
    });
    expect(res.statusCode).toBe(200);
    expect(t.queries.filter((q) => q.startsWith('select "id", "version"'))).toHaveLength(1);
  });

  it('hides the kept pages of a category made staff-only from visitors', async () => {
    const closing = await createCategory(t.db);
    const { thread } = await createThread(t.db, alice, closing.id);
    expect((await visit(node2, thread.id)).statusCode).toBe(200);
    expect((await visit(t.app, thread.id)).statusCode).toBe(200);
    await t.db.updateTable('categories').set({ see_level: 'staff' }).where('id', '=', closing.id).execute();
    await eventually(async () => (await visit(node2, thread.id)).statusCode === 404);
    await eventually(async () => (await visit(t.app, thread.id)).statusCode === 404);
  });

  it('re-validates kept pages by version while the node cannot listen, and trusts them again once it can', async () => {
    const { thread } = await createThread(t.db, alice, category.id);
    await visit(node2, thread.id);
    await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'agora-feed'`.execute(
      t.db,
    );
    // Both nodes' feeds are gone: a visitor's read of a kept page checks its version.
    await eventually(async () => {
      t.resetQueries();
      await visit(node2, thread.id);
      return t.queries.some((q) => q.startsWith('select "id", "version"'));
    });
    await t.db
      .updateTable('threads')
      .set((eb) => ({ title: 'Changé sans personne pour écouter', version: eb('version', '+', 1) }))
      .where('id', '=', thread.id)
      .execute();
    expect((await visit(node2, thread.id)).json().thread.title).toBe('Changé sans personne pour écouter');
    // The feed comes back (a second later): reads of kept pages go quiet again.
    await untilQuiet(node2, thread.id);
  });
});

describe('the page cache', () => {
  /** A cache on a feed of its own, listening; `showing` makes a kept page that shows these members. */
  async function listening(check: (cache: PageCache, feed: ChangeFeed) => Promise<void>) {
    const feed = new ChangeFeed({ databaseUrl: t.url });
    const cache = new PageCache({ cacheSeconds: 60, cacheMb: 1, feed });
    await feed.start();
    try {
      await check(cache, feed);
    } finally {
      await feed.stop();
    }
  }
  const json = { bytes: Buffer.from('{}'), ends: [1, 1] };
  const showing = (members: number[]) => ({ version: 0, postIds: [], members, json }) as unknown as CachedPage;

  it('never keeps a page read before a notice about its thread', async () => {
    const { thread } = await createThread(t.db, alice, category.id);
    await listening(async (cache, feed) => {
      const page = showing([]);
      const before = cache.mark();
      await t.db
        .updateTable('threads')
        .set((eb) => ({ version: eb('version', '+', 1) }))
        .where('id', '=', thread.id)
        .execute();
      feed.wrote();
      await feed.settle('every'); // the notice has arrived
      cache.set('a', thread.id, page, before); // a read that began before the change: not served
      expect(cache.get('a', thread.id, false)).toBeNull();
      cache.set('b', thread.id + 1, page, before); // another thread's page is not concerned
      expect(cache.get('b', thread.id + 1, false)?.vouched).toBe(true);
      cache.set('a', thread.id, page, cache.mark()); // read after the notice
      expect(cache.get('a', thread.id, false)?.vouched).toBe(true);
    });
  });

  it('never keeps a page read before a category changed (no version check would see what changed)', async () => {
    const { thread } = await createThread(t.db, alice, category.id);
    await listening(async (cache, feed) => {
      const page = showing([]);
      const before = cache.mark();
      await t.db.updateTable('categories').set({ description: 'Archivée' }).where('id', '=', category.id).execute();
      feed.wrote();
      await feed.settle('every');
      expect(cache.set('a', thread.id, page, before)).toBe(false);
      expect(cache.get('a', thread.id, true)).toBeNull();
      expect(cache.set('a', thread.id, page, cache.mark())).toBe(true);
    });
  });

  it('never keeps a page read before a notice about a member it shows', async () => {
    const { thread } = await createThread(t.db, alice, category.id);
    await listening(async (cache, feed) => {
      const before = cache.mark();
      await t.db.updateTable('members').set({ display_name: 'Alice B.' }).where('id', '=', alice.id).execute();
      feed.wrote();
      await feed.settle('every');
      cache.set('a', thread.id, showing([bob.id, alice.id]), before); // may show her old name: not kept
      expect(cache.get('a', thread.id, false)).toBeNull();
      cache.set('b', thread.id, showing([bob.id]), before); // does not show her
      expect(cache.get('b', thread.id, false)?.vouched).toBe(true);
      cache.set('a', thread.id, showing([bob.id, alice.id]), cache.mark());
      expect(cache.get('a', thread.id, false)?.vouched).toBe(true);
    });
  });
});
