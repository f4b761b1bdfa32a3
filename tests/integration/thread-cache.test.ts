import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import type { Category, Member } from '../../server/db/types.ts';
import type { FastifyInstance } from 'fastify';
import { Value } from 'typebox/value';
import { sql } from 'kysely';
import { ThreadPageService } from '../../server/modules/forum/thread-page.service.ts';
import { ThreadPageResponse } from '../../server/modules/forum/forum.schemas.ts';
import { createCategory, createMember, createThread } from '../factories/index.ts';
import { eventually } from '../setup/eventually.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

/**
 * The statements a request made: without the live hub's reads of new events, which it makes when their
 * notifications arrive (after an earlier write), on its own schedule.
 */
/** The page's statements: not the live feed's polling, nor a member's marks (read once, beside their first read). */
const own = (queries: readonly string[]) =>
  queries.filter(
    (q) => !/^select id, topic, type, data, created_at from live_events|^select\s+m\.id as "memberId"/i.test(q.trim()),
  );

/** The thread page is cached per node and re-validated by the thread's version: no write is ever hidden. */
let t: TestApp;
let otherNode: FastifyInstance;
let category: Category;
let alice: Member;
let bob: Member;
beforeAll(async () => {
  t = await createTestApp({ THREAD_CACHE_SECONDS: '3600' });
  otherNode = await buildApp({ config: t.config, db: t.db }); // a second app node on the same database
  category = await createCategory(t.db);
  alice = await createMember(t.db);
  bob = await createMember(t.db);
});
afterAll(async () => {
  await otherNode.close();
  await t.close();
});

const read = async (node: FastifyInstance, id: number) =>
  (await node.inject({ method: 'GET', url: `/api/threads/${id}`, headers: { host: 'forum.test:3000' } })).json();

describe('thread page cache', () => {
  it('shows a reply, an edit, a like and a deletion made on another node at the next read', async () => {
    const { thread, post } = await createThread(t.db, alice, category.id, { body: 'Version 1' });
    expect((await read(otherNode, thread.id)).posts).toHaveLength(1); // now cached on the other node

    const reply = await t.api('POST', `/api/threads/${thread.id}/posts`, { as: bob, body: { body: 'Une réponse' } });
    expect((await read(otherNode, thread.id)).posts.map((p: { number: number }) => p.number)).toEqual([1, 2]);

    await t.api('PATCH', `/api/posts/${reply.json().post.id}`, { as: bob, body: { body: 'Réponse *corrigée*' } });
    expect((await read(otherNode, thread.id)).posts[1].html).toContain('<em>corrigée</em>');

    await t.api('POST', `/api/posts/${post.id}/reactions/like`, { as: bob });
    expect((await read(otherNode, thread.id)).posts[0].likeCount).toBe(1);

    await t.api('DELETE', `/api/posts/${reply.json().post.id}`, { as: bob });
    expect((await read(otherNode, thread.id)).posts[1]).toMatchObject({ state: 'deleted', html: '' });
  });

  it("serves visitors and members the same posts, with each member's own reactions", async () => {
    const { thread, post } = await createThread(t.db, alice, category.id);
    await t.api('POST', `/api/posts/${post.id}/reactions/like`, { as: bob });
    const visitor = await read(t.app, thread.id);
    const asBob = (await t.api('GET', `/api/threads/${thread.id}`, { as: bob })).json();
    const asAlice = (await t.api('GET', `/api/threads/${thread.id}`, { as: alice })).json();
    expect([visitor.posts[0].liked, asBob.posts[0].liked, asAlice.posts[0].liked]).toEqual([false, true, false]);
    expect(visitor.viewer.canReply).toBe(false);
    expect(asBob.viewer.canReply).toBe(true);
    expect(asBob.posts[0].html).toBe(visitor.posts[0].html);
  });

  it('reads a page not in cache in one statement: the thread, its posts and their authors and edit dates', async () => {
    const { thread } = await createThread(t.db, alice, category.id, { body: 'Premier' });
    const reply = await t.api('POST', `/api/threads/${thread.id}/posts`, { as: bob, body: { body: 'Une réponse' } });
    await t.api('PATCH', `/api/posts/${reply.json().post.id}`, { as: bob, body: { body: 'Réponse *corrigée*' } });
    t.resetQueries();
    const res = await t.app.inject({ method: 'GET', url: `/api/threads/${thread.id}?limit=5` });
    expect(own(t.queries), JSON.stringify(t.queries, null, 1)).toHaveLength(1);
    const page = res.json();
    expect(page.thread.id).toBe(thread.id);
    expect(page.posts.map((p: { author: { id: number } }) => p.author.id)).toEqual([alice.id, bob.id]);
    expect(page.posts[1].editedAt).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    expect(page.posts[0].editedAt).toBeNull();
    expect(new Date(page.posts[1].createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('lets visitors reading a thread at the same moment share one re-validation query (a node not listening)', async () => {
    const { thread } = await createThread(t.db, alice, category.id);
    await read(otherNode, thread.id);
    t.resetQueries();
    await Promise.all(
      Array.from({ length: 20 }, () => otherNode.inject({ method: 'GET', url: `/api/threads/${thread.id}` })),
    );
    const heads = t.queries.filter((q) => q.startsWith('select "id", "version"'));
    expect(heads.length).toBeGreaterThan(0);
    expect(heads.length).toBeLessThan(20);
  });

  it('hides a deleted thread from visitors even when its page was cached (at its notice on a listening node)', async () => {
    const { thread, post } = await createThread(t.db, alice, category.id);
    await read(t.app, thread.id);
    await read(otherNode, thread.id);
    await t.api('DELETE', `/api/posts/${post.id}`, { as: alice });
    const visit = (node: FastifyInstance) => node.inject({ method: 'GET', url: `/api/threads/${thread.id}` });
    expect((await visit(otherNode)).statusCode).toBe(404); // re-validated by version: at once
    await eventually(async () => (await visit(t.app)).statusCode === 404);
  });

  it("gives members their page from the cached pieces, in the response schema's shape", async () => {
    const { thread, post } = await createThread(t.db, alice, category.id);
    await t.api('POST', `/api/threads/${thread.id}/posts`, { as: bob, body: { body: 'Deuxième message' } });
    expect((await t.api('POST', `/api/posts/${post.id}/reactions/like`, { as: bob })).statusCode).toBeLessThan(300);
    await read(t.app, thread.id); // cached
    const res = await t.api('GET', `/api/threads/${thread.id}`, { as: bob });
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const page = res.json();
    expect(Value.Errors(ThreadPageResponse, page)).toEqual([]);
    expect(page.posts.map((p: { liked: boolean }) => p.liked)).toEqual([true, false]);
    expect(page.viewer.tracking).toMatchObject({ level: expect.any(String), lastRead: expect.any(Number) });
  });

  it("reads a member's cached page in one statement (their layer with the thread's version), then none, and their writes through another node", async () => {
    const { thread } = await createThread(t.db, alice, category.id);
    // A member reading the kept page (once every notice about it is heard, and no background write since made the
    // node drop it: a member each try, whose layer is not kept yet) asks one statement.
    const cookie = await t.loginAs(bob);
    await eventually(async () => {
      const first = await t.loginAs(await createMember(t.db));
      await t.api('GET', '/api/me', { as: first }); // the node keeps the session from now on
      await read(t.app, thread.id);
      t.resetQueries();
      expect((await t.api('GET', `/api/threads/${thread.id}`, { as: first })).statusCode).toBe(200);
      return own(t.queries).length === 1;
    });
    await t.api('GET', '/api/me', { as: cookie });
    // Their layer is kept with the page from then on, once the thread's notices are heard (layer-cache.test.ts).
    await eventually(async () => {
      t.resetQueries();
      expect((await t.api('GET', `/api/threads/${thread.id}`, { as: cookie })).statusCode).toBe(200);
      return own(t.queries).length === 0;
    });
    // A reply through another node: this one shows it once PostgreSQL's notice of it arrives.
    await otherNode.inject({
      method: 'POST',
      url: `/api/threads/${thread.id}/posts`,
      headers: { host: 'forum.test:3000', origin: 'http://forum.test:3000', cookie },
      payload: { body: 'Réponse écrite ailleurs' },
    });
    await eventually(async () => {
      const page = (await t.api('GET', `/api/threads/${thread.id}`, { as: cookie })).json();
      return page.posts.map((p: { number: number }) => p.number).join() === '1,2';
    });
  });

  it("reads a member's layer beside a page not in cache, not after it, and keeps only the marks of posts they see", async () => {
    const carol = await createMember(t.db);
    const { thread, post } = await createThread(t.db, alice, category.id);
    const shown = (
      await t.api('POST', `/api/threads/${thread.id}/posts`, { as: carol, body: { body: 'Vue de tous' } })
    ).json().post;
    const dave = await createMember(t.db);
    const held = (
      await t.api('POST', `/api/threads/${thread.id}/posts`, { as: dave, body: { body: 'Pas encore vue' } })
    ).json().post;
    expect((await t.api('POST', `/api/posts/${post.id}/reactions/like`, { as: bob })).statusCode).toBe(200);
    expect((await t.api('POST', `/api/posts/${held.id}/reactions/like`, { as: bob })).statusCode).toBe(200);
    await t.db.updateTable('posts').set({ state: 'pending' }).where('id', '=', held.id).execute();
    await t.db
      .insertInto('bookmarks')
      .values([
        { member_id: bob.id, post_id: shown.id },
        { member_id: bob.id, post_id: held.id },
      ])
      .execute();
    for (const ignored of [carol, dave])
      expect((await t.api('PUT', `/api/members/${ignored.username}/ignore`, { as: bob })).statusCode).toBeLessThan(300);
    const cookie = await t.loginAs(bob);
    await t.api('GET', '/api/me', { as: cookie }); // the node keeps the session from now on
    t.resetQueries();
    t.latency.ms = 20; // answers as across a network: a busy machine cannot make statements sent together look apart
    const res = await t.api('GET', `/api/threads/${thread.id}`, { as: cookie });
    t.latency.ms = 0;
    expect(res.statusCode).toBe(200);
    const page = res.json();
    // Dave's held post is not Bob's to see: neither its like, its bookmark nor its author's being ignored shows.
    expect(page.posts.map((p: { id: number }) => p.id)).toEqual([post.id, shown.id]);
    expect(page.posts.map((p: { liked: boolean }) => p.liked)).toEqual([true, false]);
    expect(page.viewer.tracking.bookmarks).toEqual([shown.id]);
    expect(page.viewer.tracking.ignored).toEqual([carol.id]);
    // Two statements, the page and Bob's layer, the second sent before the first was answered.
    const spans = t.spans.filter((q) => own([q.sql]).length > 0);
    expect(spans, JSON.stringify(t.queries, null, 1)).toHaveLength(2);
    const [first, second] = [...spans].sort((a, b) => a.start - b.start);
    expect(second!.start).toBeLessThan(first!.end);
  });

  it('reads the layers of members reading at the same moment together, each member getting their own', async () => {
    const { thread, post } = await createThread(t.db, alice, category.id);
    const carol = await createMember(t.db);
    await t.api('POST', `/api/posts/${post.id}/reactions/like`, { as: bob });
    await t.api('PUT', `/api/posts/${post.id}/bookmark`, { as: carol, body: {} });
    const cookies = await Promise.all([alice, bob, carol].map((m) => t.loginAs(m)));
    for (const cookie of cookies) await t.api('GET', '/api/me', { as: cookie });
    await read(t.app, thread.id); // cached
    const { thread: gone, post: goneFirst } = await createThread(t.db, alice, category.id);
    await read(t.app, gone.id); // cached, then deleted: the member's layer says so
    await t.api('DELETE', `/api/posts/${goneFirst.id}`, { as: alice });
    t.resetQueries();
    const [asAlice, asBob, asCarol, deleted, unknown] = await Promise.all([
      ...cookies.map((cookie) => t.api('GET', `/api/threads/${thread.id}`, { as: cookie })),
      t.api('GET', `/api/threads/${gone.id}`, { as: cookies[1] }),
      t.api('GET', '/api/threads/987654321', { as: cookies[2] }),
    ]);
    const layers = t.queries.filter((q) => q.includes('jsonb_to_recordset'));
    // Four layers (three members on one page, one on a deleted thread's cached page), in fewer statements.
    expect(layers.length).toBeGreaterThan(0);
    expect(layers.length).toBeLessThan(4);
    expect([asAlice, asBob, asCarol].map((r) => r!.json().posts[0].liked)).toEqual([false, true, false]);
    expect([asAlice, asBob, asCarol].map((r) => r!.json().viewer.tracking.bookmarks)).toEqual([[], [], [post.id]]);
    expect([deleted!.statusCode, unknown!.statusCode]).toEqual([404, 404]);
  });

  it('reads pages not in cache asked for at the same moment together, each reader getting their own thread', async () => {
    const made = await Promise.all(
      ['Premier fil', 'Deuxième fil', 'Troisième fil'].map((title) =>
        createThread(t.db, alice, category.id, { title, body: `Corps de ${title}` }),
      ),
    );
    t.resetQueries();
    const [a, b, c, unknown] = await Promise.all([
      ...made.map(({ thread }) => t.app.inject({ method: 'GET', url: `/api/threads/${thread.id}` })),
      t.app.inject({ method: 'GET', url: '/api/threads/987654321' }),
    ]);
    const pages = t.queries.filter((q) => q.includes('CROSS JOIN LATERAL'));
    // Four reads missing the cache (one of a thread that does not exist), in fewer statements.
    expect(pages.length).toBeGreaterThan(0);
    expect(pages.length).toBeLessThan(4);
    expect([a, b, c].map((r) => r!.json().thread.title)).toEqual(['Premier fil', 'Deuxième fil', 'Troisième fil']);
    expect([a, b, c].map((r) => r!.json().posts[0].html)).toEqual(
      made.map(({ thread }) => expect.stringContaining(`Corps de ${thread.title}`)),
    );
    expect(unknown!.statusCode).toBe(404);
  });
});

describe('thread page cache size', () => {
  it('keeps the pages of a long tail of threads, bounded by memory rather than by a count', async () => {
    // 2 100 short threads: more pages than the 2 000 a count used to keep.
    const { rows } = await sql<{ id: number }>`
      WITH t AS (
        INSERT INTO threads (category_id, author_id, kind, title, state, post_count, last_post_at, last_poster_id)
        SELECT ${category.id}, ${alice.id}, 'discussion', 'Fil de la longue traîne ' || g, 'published', 1, now(), ${alice.id}
          FROM generate_series(1, 2100) g
        RETURNING id)
      INSERT INTO posts (thread_id, author_id, number, body_md, body_html, state)
      SELECT id, ${alice.id}, 1, 'Court.', '<p>Court.</p>', 'published' FROM t
      RETURNING thread_id AS id`.execute(t.db);
    const ids = rows.map((r) => r.id).sort((a, b) => a - b);
    const roomy = new ThreadPageService(t.db, 20, { cacheSeconds: 3600, cacheMb: 64 });
    const tight = new ThreadPageService(t.db, 20, { cacheSeconds: 3600, cacheMb: 1 });
    for (const id of ids) {
      await roomy.getThread(null, id, {});
      await tight.getThread(null, id, {});
    }
    const pageStatements = async (forum: ThreadPageService) => {
      t.resetQueries();
      const page = JSON.parse(String(await forum.getThread(null, ids[0]!, {})));
      expect(page.thread.id).toBe(ids[0]);
      return t.queries.filter((q) => q.includes('jsonb_to_recordset')).length;
    };
    expect(await pageStatements(roomy)).toBe(0); // the first page read is still kept: only its version is checked
    expect(await pageStatements(tight)).toBe(1); // 1 MiB holds a few hundred such pages: the oldest went first
  });
});
