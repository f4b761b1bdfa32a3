import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Category, Member } from '../../server/db/types.ts';
import { createCategory, createMember, createReply, createThread } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

/** Bookmarks, the bell's "seen" count and grouped badge notifications (issue 19). */
let t: TestApp;
let category: Category;
let alice: Member;
let bob: Member;

beforeAll(async () => {
  t = await createTestApp();
  category = await createCategory(t.db);
  [alice, bob] = await Promise.all([createMember(t.db), createMember(t.db)]);
});
afterAll(() => t.close());

describe('bookmarks', () => {
  it('bookmarks a post with a note, changes the note, lists and removes it', async () => {
    const { thread, post } = await createThread(t.db, alice, category.id, {
      title: 'Réglages du vélo',
      body: 'Régler la **selle** à la bonne hauteur : voir [le guide](https://example.test).',
    });
    const first = await t.api('PUT', `/api/posts/${post.id}/bookmark`, { as: bob, body: { note: 'À essayer' } });
    expect(first.statusCode, first.body).toBe(201);
    const again = await t.api('PUT', `/api/posts/${post.id}/bookmark`, { as: bob, body: { note: 'Essayé ✓' } });
    expect(again.statusCode).toBe(200);
    expect(again.json().bookmark).toMatchObject({ postId: post.id, note: 'Essayé ✓' });
    const list = (await t.api('GET', '/api/bookmarks', { as: bob })).json();
    expect(list.bookmarks).toEqual([
      expect.objectContaining({
        postId: post.id,
        threadId: thread.id,
        number: 1,
        note: 'Essayé ✓',
        title: 'Réglages du vélo',
        excerpt: 'Régler la selle à la bonne hauteur : voir le guide.',
        author: { username: alice.username, displayName: expect.any(String) },
      }),
    ]);
    expect((await t.api('GET', '/api/bookmarks', { as: alice })).json().bookmarks).toEqual([]);
    expect((await t.api('DELETE', `/api/posts/${post.id}/bookmark`, { as: bob })).statusCode).toBe(204);
    expect((await t.api('DELETE', `/api/posts/${post.id}/bookmark`, { as: bob })).statusCode).toBe(404);
    expect((await t.api('GET', '/api/bookmarks', { as: bob })).json().bookmarks).toEqual([]);
  });

  it('keeps the note of a post that became hidden, without its text', async () => {
    const { post } = await createThread(t.db, alice, category.id);
    await t.api('PUT', `/api/posts/${post.id}/bookmark`, { as: bob, body: { note: 'Ma note' } });
    await t.db.updateTable('threads').set({ state: 'hidden' }).where('id', '=', post.thread_id).execute();
    const [mark] = (await t.api('GET', '/api/bookmarks', { as: bob })).json().bookmarks;
    expect(mark).toMatchObject({ postId: post.id, note: 'Ma note', title: null, excerpt: null, author: null });
    expect((await t.api('PUT', `/api/posts/${post.id}/bookmark`, { as: bob, body: {} })).statusCode).toBe(404);
  });

  it('refuses visitors, unknown posts and notes too long', async () => {
    const { post } = await createThread(t.db, alice, category.id);
    expect((await t.api('PUT', `/api/posts/${post.id}/bookmark`, { body: {} })).statusCode).toBe(401);
    expect((await t.api('GET', '/api/bookmarks')).statusCode).toBe(401);
    expect((await t.api('DELETE', `/api/posts/${post.id}/bookmark`)).statusCode).toBe(401);
    expect((await t.api('PUT', '/api/posts/999999/bookmark', { as: bob, body: {} })).statusCode).toBe(404);
    const long = await t.api('PUT', `/api/posts/${post.id}/bookmark`, { as: bob, body: { note: 'x'.repeat(501) } });
    expect(long.statusCode).toBe(422);
    expect((await t.api('GET', '/api/bookmarks?before=abc', { as: bob })).statusCode).toBe(400);
  });
});

describe('the bell', () => {
  it('clears its count when opened, the notifications staying unread for the full page', async () => {
    const member = await createMember(t.db);
    const { thread } = await createThread(t.db, member, category.id);
    await createReply(t.db, bob, thread.id);
    await createReply(t.db, alice, thread.id);
    const bell = async () => (await t.api('GET', '/api/notifications/unread', { as: member })).json().unread;
    const ringing = await bell(); // two replies, and the badges of a first thread
    expect(ringing).toBeGreaterThanOrEqual(2);
    const seen = await t.api('POST', '/api/notifications/seen', { as: member });
    expect(seen.statusCode).toBe(200);
    expect(seen.json()).toEqual({ unread: 0 });
    expect(await bell()).toBe(0);
    const page = (await t.api('GET', '/api/notifications', { as: member })).json();
    expect(page.unread).toBe(ringing);
    expect(page.notifications.filter((n: { read: boolean }) => !n.read)).toHaveLength(ringing);
    await createReply(t.db, bob, thread.id, 'Encore une réponse.');
    expect(await bell()).toBe(1);
    expect((await t.api('POST', '/api/notifications/seen')).statusCode).toBe(401);
  });
});

describe('badge notifications', () => {
  it('gives a member who earns several badges at once one notification listing them', async () => {
    // Figures of trust level 1 (posts, reputation, account age) meet several automatic badges at the first post.
    const member = await createMember(t.db, { trustLevel: 1 });
    await createThread(t.db, member, category.id, { kind: 'tip' });
    const rows = await t.db
      .selectFrom('notifications')
      .select(['data', 'count'])
      .where('member_id', '=', member.id)
      .where('kind', '=', 'badge.granted')
      .execute();
    const held = await t.db
      .selectFrom('member_badges')
      .innerJoin('badges', 'badges.id', 'member_badges.badge_id')
      .select('badges.key')
      .where('member_id', '=', member.id)
      .execute();
    expect(held.length).toBeGreaterThanOrEqual(2);
    expect(rows).toHaveLength(1);
    const data = rows[0]!.data as { badges: string[] };
    expect([...data.badges].sort()).toEqual(held.map((b) => b.key).sort());
    expect(rows[0]!.count).toBe(held.length);
  });

  it('adds a badge earned later to the unread notification, which rings the bell again', async () => {
    const member = await createMember(t.db, { trustLevel: 1 });
    await createThread(t.db, member, category.id);
    await t.api('POST', '/api/notifications/seen', { as: member });
    const before = (
      await t.db
        .selectFrom('notifications')
        .select('data')
        .where('member_id', '=', member.id)
        .where('kind', '=', 'badge.granted')
        .executeTakeFirstOrThrow()
    ).data as { badges: string[] };
    await createThread(t.db, member, category.id, { kind: 'tip' }); // the first tip earns another badge
    const rows = await t.db
      .selectFrom('notifications')
      .select('data')
      .where('member_id', '=', member.id)
      .where('kind', '=', 'badge.granted')
      .execute();
    expect(rows).toHaveLength(1);
    const after = (rows[0]!.data as { badges: string[] }).badges;
    expect(after.length).toBeGreaterThan(before.badges.length);
    expect(after).toEqual(expect.arrayContaining(before.badges));
    expect((await t.api('GET', '/api/notifications/unread', { as: member })).json().unread).toBe(1);
  });
});
