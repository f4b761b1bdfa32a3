import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Category, Member } from '../../server/db/types.ts';
import { CategoriesRepository, ThreadsRepository } from '../../server/content/index.ts';
import { createCategory, createMember, createReply, createThread } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

let t: TestApp;
let category: Category;
let alice: Member;
let bob: Member;
let moderator: Member;
let manager: Member;
let admin: Member;
beforeAll(async () => {
  t = await createTestApp();
  category = await createCategory(t.db);
  alice = await createMember(t.db);
  bob = await createMember(t.db);
  moderator = await createMember(t.db, { role: 'moderator' });
  manager = await createMember(t.db, { role: 'community_manager' });
  admin = await createMember(t.db, { role: 'admin' });
});
afterAll(() => t.close());

const inAWeek = () => new Date(Date.now() + 7 * 86_400_000).toISOString();

describe('suspensions and bans', () => {
  it('lets a moderator suspend a member, who can read but not post, and is told until when and why', async () => {
    const target = await createMember(t.db);
    const until = inAWeek();
    const res = await t.api('POST', `/api/members/${target.id}/suspend`, {
      as: moderator,
      body: { until, reason: 'Insultes répétées' },
    });
    expect(res.json()).toMatchObject({ suspendedUntil: until, reason: 'Insultes répétées' });
    const { thread } = await createThread(t.db, alice, category.id);
    expect((await t.api('GET', `/api/threads/${thread.id}`, { as: target })).statusCode).toBe(200);
    const refused = await t.api('POST', `/api/threads/${thread.id}/posts`, {
      as: target,
      body: { body: 'Je reviens' },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toMatchObject({
      code: 'member.suspended',
      details: { until, reason: 'Insultes répétées' },
    });
    const notes = (await t.api('GET', '/api/notifications', { as: target })).json().notifications;
    expect(notes[0]).toMatchObject({ kind: 'sanction.suspended', data: { reason: 'Insultes répétées' } });
  });

  it('bans and lifts, with the audit log keeping who did what', async () => {
    const target = await createMember(t.db);
    await t.api('POST', `/api/members/${target.id}/ban`, { as: moderator, body: { reason: 'Spam' } });
    const { thread } = await createThread(t.db, alice, category.id);
    expect(
      (await t.api('POST', `/api/threads/${thread.id}/posts`, { as: target, body: { body: 'x y z' } })).json().error
        .code,
    ).toBe('member.banned');
    await t.api('POST', `/api/members/${target.id}/unsuspend`, { as: moderator });
    expect(
      (await t.api('POST', `/api/threads/${thread.id}/posts`, { as: target, body: { body: 'Merci !' } })).statusCode,
    ).toBe(201);
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['action', 'actor_id'])
      .where('subject_id', '=', String(target.id))
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['member.banned', 'member.reinstated']);
  });

  it('refuses a suspension in the past (422), members (403), and staff targets unless admin (403)', async () => {
    const target = await createMember(t.db);
    expect(
      (
        await t.api('POST', `/api/members/${target.id}/suspend`, {
          as: moderator,
          body: { until: '2020-01-01T00:00:00Z', reason: 'x' },
        })
      ).statusCode,
    ).toBe(422);
    expect(
      (await t.api('POST', `/api/members/${target.id}/ban`, { as: alice, body: { reason: 'x' } })).statusCode,
    ).toBe(403);
    expect(
      (await t.api('POST', `/api/members/${manager.id}/ban`, { as: moderator, body: { reason: 'x' } })).statusCode,
    ).toBe(403);
    expect(
      (await t.api('POST', `/api/members/${moderator.id}/warn`, { as: admin, body: { reason: 'Attention' } }))
        .statusCode,
    ).toBe(200);
  });
});

describe('warnings', () => {
  it('suspend automatically once active strikes reach the threshold', async () => {
    const target = await createMember(t.db);
    const warn = () =>
      t.api('POST', `/api/members/${target.id}/warn`, { as: moderator, body: { reason: 'Hors sujet' } });
    expect((await warn()).json()).toEqual({ activeStrikes: 1, suspendedUntil: null });
    await warn();
    const third = (await warn()).json();
    expect(third.activeStrikes).toBe(3);
    expect(new Date(third.suspendedUntil).getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);
  });

  it('count only while they last', async () => {
    const target = await createMember(t.db);
    await t.db
      .insertInto('member_strikes')
      .values(
        [1, 2].map(() => ({
          member_id: target.id,
          moderator_id: moderator.id,
          reason: 'ancien',
          expires_at: new Date(Date.now() - 1000),
        })),
      )
      .execute();
    const res = await t.api('POST', `/api/members/${target.id}/warn`, { as: moderator, body: { reason: 'Nouveau' } });
    expect(res.json()).toEqual({ activeStrikes: 1, suspendedUntil: null });
  });
});

describe('thread tools', () => {
  it('locks a thread (moderators): members cannot reply any more; members may not lock', async () => {
    const { thread } = await createThread(t.db, alice, category.id);
    expect(
      (await t.api('POST', `/api/threads/${thread.id}/lock`, { as: alice, body: { locked: true } })).statusCode,
    ).toBe(403);
    expect(
      (await t.api('POST', `/api/threads/${thread.id}/lock`, { as: moderator, body: { locked: true } })).json(),
    ).toEqual({ id: thread.id, locked: true });
    const reply = await t.api('POST', `/api/threads/${thread.id}/posts`, { as: bob, body: { body: 'Trop tard ?' } });
    expect(reply.json().error.code).toBe('thread.locked');
    expect((await t.api('GET', `/api/threads/${thread.id}`, { as: bob })).json().viewer.canReply).toBe(false);
    // Within the transaction too (a lock that lands between the check and the write): no number for a member.
    const threads = new ThreadsRepository(t.db);
    expect(
      await threads.claimPostNumber(thread.id, bob.id, new Date(), { visible: true, openOnly: true }),
    ).toBeUndefined();
    // Moderators may still write there.
    const closing = await t.api('POST', `/api/threads/${thread.id}/posts`, {
      as: moderator,
      body: { body: 'Je ferme ce fil, merci à tous.' },
    });
    expect(closing.statusCode, closing.body).toBe(201);
  });

  it('moves a thread with its counts (moderators), and pins it (community managers only)', async () => {
    const other = await createCategory(t.db);
    const { thread } = await createThread(t.db, alice, category.id);
    await createReply(t.db, bob, thread.id);
    const res = await t.api('POST', `/api/threads/${thread.id}/move`, {
      as: moderator,
      body: { categoryId: other.id },
    });
    expect(res.json()).toEqual({ id: thread.id, categoryId: other.id });
    const moved = await new CategoriesRepository(t.db).getById(other.id);
    expect(moved).toMatchObject({ thread_count: 1, post_count: 2 });
    expect(
      (await t.api('POST', `/api/threads/${thread.id}/pin`, { as: moderator, body: { pinned: true } })).statusCode,
    ).toBe(403);
    expect(
      (await t.api('POST', `/api/threads/${thread.id}/pin`, { as: manager, body: { pinned: true } })).statusCode,
    ).toBe(200);
    const list = (await t.api('GET', `/api/categories/${other.slug}/threads`)).json();
    expect(list.pinned.map((th: { id: number }) => th.id)).toEqual([thread.id]);
  });
});

describe('hiding and appeals', () => {
  it('hides a post with a reason; its author appeals once; an upheld appeal restores it', async () => {
    const { thread } = await createThread(t.db, alice, category.id);
    const reply = await createReply(t.db, bob, thread.id, 'Un avis tranché mais correct.');
    const hidden = await t.api('POST', `/api/posts/${reply.id}/hide`, { as: moderator, body: { reason: 'off_topic' } });
    expect(hidden.json()).toMatchObject({ postState: 'hidden' });
    expect((await t.api('GET', `/api/threads/${thread.id}`)).json().thread.replyCount).toBe(0);
    expect(
      (await t.api('POST', `/api/posts/${reply.id}/appeal`, { as: alice, body: { message: 'Pas mon message' } }))
        .statusCode,
    ).toBe(404);
    const appeal = await t.api('POST', `/api/posts/${reply.id}/appeal`, {
      as: bob,
      body: { message: 'Mon message était dans le sujet.' },
    });
    expect(appeal.statusCode).toBe(201);
    expect(
      (await t.api('POST', `/api/posts/${reply.id}/appeal`, { as: bob, body: { message: 'Encore ?' } })).statusCode,
    ).toBe(409);
    const item = (await t.api('GET', '/api/moderation/queue?reason=appeal', { as: moderator })).json().items[0];
    expect(item.post.id).toBe(reply.id);
    expect(item.appealMessage).toBe('Mon message était dans le sujet.');
    await t.api('POST', `/api/moderation/items/${item.id}/approve`, { as: moderator, body: {} });
    // Read by a member: their reads re-validate the page by version, so the restored post shows at once.
    const page = (await t.api('GET', `/api/threads/${thread.id}`, { as: alice })).json();
    expect(page.thread.replyCount).toBe(1);
    expect(page.posts[1]).toMatchObject({ state: 'published', html: '<p>Un avis tranché mais correct.</p>\n' });
  });

  it('answers hiding to members with 403', async () => {
    const { post } = await createThread(t.db, alice, category.id);
    expect((await t.api('POST', `/api/posts/${post.id}/hide`, { as: bob, body: { reason: 'spam' } })).statusCode).toBe(
      403,
    );
  });

  it('tells authors the typical wait', async () => {
    const res = await t.api('GET', '/api/moderation/wait', { as: alice });
    expect(res.statusCode).toBe(200);
    expect(typeof res.json().medianMinutes).toBe('number');
  });
});
