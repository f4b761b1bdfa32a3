import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Category, Member } from '../../server/db/types.ts';
import { createCategory, createMember, createReply, createThread } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

/** Tracking (issue 19): levels, read positions, unread/new counts, the thread page's overlay, live counts. */
let t: TestApp;
let category: Category;
let alice: Member;
let bob: Member;
let carol: Member;
let moderator: Member;

const states = async (member: Member, ids: number[]) => {
  const res = await t.api('GET', `/api/tracking/threads?ids=${ids.join(',')}`, { as: member });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as {
    previousVisitAt: string | null;
    threads: { threadId: number; level: string; lastRead: number; unread: number; isNew: boolean }[];
  };
};
const stateOf = async (member: Member, id: number) => (await states(member, [id])).threads[0];
const notificationsOf = (member: Member, kind: string) =>
  t.db
    .selectFrom('notifications')
    .select(['kind', 'data', 'count'])
    .where('member_id', '=', member.id)
    .where('kind', '=', kind)
    .execute();

beforeAll(async () => {
  t = await createTestApp();
  category = await createCategory(t.db);
  [alice, bob, carol] = await Promise.all([createMember(t.db), createMember(t.db), createMember(t.db)]);
  moderator = await createMember(t.db, { role: 'moderator' });
});
afterAll(() => t.close());

describe('defaults', () => {
  it('makes the author of a thread and whoever replies track it, their own posts read', async () => {
    const { thread } = await createThread(t.db, alice, category.id);
    await createReply(t.db, bob, thread.id);
    expect(await stateOf(alice, thread.id)).toMatchObject({ level: 'tracking', lastRead: 1, unread: 1 });
    expect(await stateOf(bob, thread.id)).toMatchObject({ level: 'tracking', lastRead: 2, unread: 0 });
    expect(await stateOf(carol, thread.id)).toMatchObject({ level: 'normal', lastRead: 0, unread: 0, isNew: true });
  });

  it('keeps a level the member chose when they reply', async () => {
    const { thread } = await createThread(t.db, alice, category.id);
    await t.api('PUT', `/api/threads/${thread.id}/tracking`, { as: bob, body: { level: 'muted' } });
    await createReply(t.db, bob, thread.id);
    expect(await stateOf(bob, thread.id)).toMatchObject({ level: 'muted', lastRead: 2 });
  });
});

describe('POST /api/threads/:id/read', () => {
  it('moves the read position forward only, never past the last post, and counts unread from it', async () => {
    const { thread } = await createThread(t.db, alice, category.id);
    for (let i = 0; i < 3; i++) await createReply(t.db, bob, thread.id);
    await t.api('PUT', `/api/threads/${thread.id}/tracking`, { as: carol, body: { level: 'tracking' } });
    const read = (n: number) => t.api('POST', `/api/threads/${thread.id}/read`, { as: carol, body: { number: n } });
    expect((await read(2)).statusCode).toBe(204);
    expect(await stateOf(carol, thread.id)).toMatchObject({ lastRead: 2, unread: 2, isNew: false });
    await read(1);
    expect((await stateOf(carol, thread.id))!.lastRead).toBe(2);
    await read(99);
    expect(await stateOf(carol, thread.id)).toMatchObject({ lastRead: 4, unread: 0 });
  });

  it('refuses visitors, unseen threads and bad numbers', async () => {
    const { thread } = await createThread(t.db, alice, category.id);
    expect((await t.api('POST', `/api/threads/${thread.id}/read`, { body: { number: 1 } })).statusCode).toBe(401);
    expect((await t.api('POST', '/api/threads/999999/read', { as: bob, body: { number: 1 } })).statusCode).toBe(404);
    await t.db.updateTable('threads').set({ state: 'hidden' }).where('id', '=', thread.id).execute();
    expect((await t.api('POST', `/api/threads/${thread.id}/read`, { as: bob, body: { number: 1 } })).statusCode).toBe(
      404,
    );
    expect(
      (await t.api('POST', `/api/threads/${thread.id}/read`, { as: moderator, body: { number: 1 } })).statusCode,
    ).toBe(204);
    for (const body of [{ number: 0 }, { number: 'x' }, {}]) {
      expect((await t.api('POST', `/api/threads/${thread.id}/read`, { as: bob, body })).statusCode).toBe(422);
    }
  });

  it('is rate-limited per member', async () => {
    const { thread } = await createThread(t.db, alice, category.id);
    const member = await createMember(t.db);
    let last = 0;
    for (let i = 0; i < 121; i++) {
      last = (await t.api('POST', `/api/threads/${thread.id}/read`, { as: member, body: { number: 1 } })).statusCode;
    }
    expect(last).toBe(429);
    // Another member is not affected.
    expect((await t.api('POST', `/api/threads/${thread.id}/read`, { as: carol, body: { number: 1 } })).statusCode).toBe(
      204,
    );
  });
});

describe('levels', () => {
  it('tells watchers of every new post, and tells nothing but mentions to who muted the thread', async () => {
    const { thread } = await createThread(t.db, alice, category.id, { title: 'Un fil à surveiller' });
    const watcher = await createMember(t.db);
    expect(
      (await t.api('PUT', `/api/threads/${thread.id}/tracking`, { as: watcher, body: { level: 'watching' } })).json(),
    ).toEqual({ level: 'watching', lastRead: 0 });
    await t.api('PUT', `/api/threads/${thread.id}/tracking`, { as: alice, body: { level: 'muted' } });
    await createReply(t.db, bob, thread.id, 'Une réponse que le veilleur doit voir.');
    const watched = await notificationsOf(watcher, 'watched');
    expect(watched).toHaveLength(1);
    expect(watched[0]!.data).toMatchObject({ threadId: thread.id, number: 2, by: { username: bob.username } });
    expect(
      (await notificationsOf(alice, 'reply')).filter((n) => (n.data as { threadId: number }).threadId === thread.id),
    ).toEqual([]);
    expect(await notificationsOf(bob, 'watched')).toEqual([]); // the poster is not told of their own post
  });

  it('lets a category level reach its threads, a thread level overriding it', async () => {
    const own = await createCategory(t.db);
    const fan = await createMember(t.db);
    const res = await t.api('PUT', `/api/categories/${own.id}/tracking`, { as: fan, body: { level: 'watching' } });
    expect(res.json()).toEqual({ categoryId: own.id, level: 'watching' });
    const { thread: one } = await createThread(t.db, alice, own.id);
    const { thread: two } = await createThread(t.db, alice, own.id);
    await t.api('PUT', `/api/threads/${two.id}/tracking`, { as: fan, body: { level: 'normal' } });
    await createReply(t.db, bob, one.id);
    await createReply(t.db, bob, two.id);
    const told = (await notificationsOf(fan, 'watched')).map((n) => n.data as { threadId: number; number: number });
    // Each new thread of the category, then the reply in the thread still watched; not the one set to normal.
    expect(told.map((n) => `${n.threadId}#${n.number}`).sort()).toEqual(
      [`${one.id}#1`, `${one.id}#2`, `${two.id}#1`].sort(),
    );
    expect((await stateOf(fan, one.id))!.level).toBe('watching');
    const counts = (await t.api('GET', '/api/tracking/categories', { as: fan })).json().categories;
    expect(counts.find((c: { categoryId: number }) => c.categoryId === own.id)).toMatchObject({
      level: 'watching',
      new: 2,
    });
  });

  it('counts unread threads and new threads per category, none new in a muted one', async () => {
    const own = await createCategory(t.db);
    const reader = await createMember(t.db);
    const { thread } = await createThread(t.db, alice, own.id);
    await createThread(t.db, alice, own.id);
    await t.api('PUT', `/api/threads/${thread.id}/tracking`, { as: reader, body: { level: 'tracking' } });
    await t.api('POST', `/api/threads/${thread.id}/read`, { as: reader, body: { number: 1 } });
    await createReply(t.db, bob, thread.id);
    const counts = async () =>
      (await t.api('GET', '/api/tracking/categories', { as: reader }))
        .json()
        .categories.find((c: { categoryId: number }) => c.categoryId === own.id);
    expect(await counts()).toMatchObject({ level: 'normal', unread: 1, new: 1 });
    await t.api('PUT', `/api/categories/${own.id}/tracking`, { as: reader, body: { level: 'muted' } });
    expect(await counts()).toMatchObject({ level: 'muted', unread: 1, new: 0 });
  });

  it('refuses visitors, unknown threads or categories and unknown levels', async () => {
    const { thread } = await createThread(t.db, alice, category.id);
    const put = (url: string, body: unknown, as?: Member) => t.api('PUT', url, { as, body });
    expect((await put(`/api/threads/${thread.id}/tracking`, { level: 'watching' })).statusCode).toBe(401);
    expect((await put('/api/threads/999999/tracking', { level: 'watching' }, bob)).statusCode).toBe(404);
    expect((await put('/api/categories/999999/tracking', { level: 'watching' }, bob)).statusCode).toBe(404);
    expect((await put(`/api/threads/${thread.id}/tracking`, { level: 'loud' }, bob)).statusCode).toBe(422);
    expect((await t.api('GET', '/api/tracking/threads?ids=1,2')).statusCode).toBe(401);
    expect((await t.api('GET', '/api/tracking/threads?ids=1;2', { as: bob })).statusCode).toBe(400);
    expect((await t.api('GET', '/api/tracking/categories')).statusCode).toBe(401);
  });
});

describe('the thread page', () => {
  it("adds the member's level, read position and bookmarks in one query on top of the cached page", async () => {
    const { thread, post } = await createThread(t.db, alice, category.id);
    await createReply(t.db, bob, thread.id);
    await t.api('PUT', `/api/posts/${post.id}/bookmark`, { as: carol, body: { note: 'À relire' } });
    await t.api('POST', `/api/posts/${post.id}/reactions/like`, { as: carol });
    await t.api('POST', `/api/threads/${thread.id}/read`, { as: carol, body: { number: 1 } });
    await t.api('GET', `/api/threads/${thread.id}`); // the shared page is cached
    const cookie = await t.loginAs(carol);
    t.resetQueries();
    const res = await t.app.inject({ method: 'GET', url: `/api/threads/${thread.id}`, headers: { cookie } });
    const body = res.json();
    expect(body.viewer.tracking).toEqual({ level: 'normal', lastRead: 1, bookmarks: [post.id], ignored: [] });
    expect(body.posts[0].liked).toBe(true);
    // Her marks across the community are read once, beside this first read, for the pages that hold none of them.
    const read = t.queries.filter((q) => !/AS "memberId"/.test(q));
    expect(read.filter((q) => /thread_tracking|bookmarks|reactions/.test(q))).toHaveLength(1);
    expect(read.filter((q) => !/sessions/.test(q))).toHaveLength(1); // the overlay, which carries the version check
    expect((await t.api('GET', `/api/threads/${thread.id}`)).json().viewer.tracking).toBeNull();
  });
});

describe('live counts', () => {
  it('pushes new posts of listed threads to a member, whose overlay then counts them unread', async () => {
    const { thread } = await createThread(t.db, alice, category.id);
    await t.api('POST', `/api/threads/${thread.id}/read`, { as: alice, body: { number: 1 } });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/live`, {
      headers: { origin: `http://127.0.0.1:${port}`, cookie: await t.loginAs(alice) },
    });
    const messages: { type: string; event?: string; data?: { threadId: number; number: number } }[] = [];
    const arrived = new Promise<void>((resolve) => {
      ws.on('message', (raw) => {
        const m = JSON.parse(raw.toString());
        messages.push(m);
        if (m.type === 'ready') ws.send(JSON.stringify({ type: 'subscribe', topics: [`thread:${thread.id}`] }));
        if (m.type === 'subscribed') void createReply(t.db, bob, thread.id);
        if (m.event === 'post.created') resolve();
      });
    });
    await arrived;
    ws.close();
    expect(messages.find((m) => m.event === 'post.created')!.data).toMatchObject({ threadId: thread.id, number: 2 });
    expect(await stateOf(alice, thread.id)).toMatchObject({ level: 'tracking', unread: 1 });
  });
});
