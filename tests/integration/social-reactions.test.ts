import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Category, Member } from '../../server/db/types.ts';
import { createCategory, createMember, createReply, createThread } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

/** Issue 19: emoji reactions (set, counts, who reacted, live), @mention suggestions and the social settings. */
let t: TestApp;
let category: Category;
let author: Member;
let reader: Member;
let other: Member;
let manager: Member;
const enc = encodeURIComponent;

beforeAll(async () => {
  t = await createTestApp();
  category = await createCategory(t.db);
  author = await createMember(t.db, { username: 'Amelie_Poulain', trustLevel: 1 });
  reader = await createMember(t.db, { username: 'bernard', trustLevel: 1 });
  other = await createMember(t.db, { username: 'amedee', trustLevel: 1 });
  manager = await createMember(t.db, { role: 'community_manager' });
});
afterAll(() => t.close());

describe('emoji reactions', () => {
  it('groups counts per emoji, marks the reader’s own, and toggles idempotently', async () => {
    const { thread, post } = await createThread(t.db, author, category.id);
    for (const [who, emoji] of [
      [reader, '👍'],
      [reader, '👍'],
      [other, '👍'],
      [other, '🎉'],
    ] as const) {
      const res = await t.api('PUT', `/api/posts/${post.id}/emoji/${enc(emoji)}`, { as: who });
      expect(res.statusCode).toBe(200);
    }
    const social = (await t.api('GET', `/api/threads/${thread.id}/social`, { as: reader })).json();
    expect(social.reactionSet).toEqual(['👍', '❤️', '😂', '😮', '🙏', '🎉']);
    expect(social.reactions).toEqual([
      { postId: post.id, emoji: '👍', count: 2, mine: true },
      { postId: post.id, emoji: '🎉', count: 1, mine: false },
    ]);
    const off = await t.api('DELETE', `/api/posts/${post.id}/emoji/${enc('👍')}`, { as: reader });
    expect(off.json()).toEqual({ postId: post.id, emoji: '👍', count: 1, mine: false });
    const who = (await t.api('GET', `/api/posts/${post.id}/emoji/${enc('🎉')}`)).json();
    expect(who.members).toEqual([{ username: 'amedee', displayName: other.display_name }]);
  });

  it('keeps likes as they were: an emoji earns no reputation and moves no like count', async () => {
    const { post } = await createThread(t.db, author, category.id);
    const before = await t.db
      .selectFrom('members')
      .select('reputation')
      .where('id', '=', author.id)
      .executeTakeFirstOrThrow();
    await t.api('PUT', `/api/posts/${post.id}/emoji/${enc('❤️')}`, { as: reader });
    const after = await t.db
      .selectFrom('members')
      .select('reputation')
      .where('id', '=', author.id)
      .executeTakeFirstOrThrow();
    expect(after.reputation).toBe(before.reputation);
    const row = await t.db.selectFrom('posts').select('like_count').where('id', '=', post.id).executeTakeFirstOrThrow();
    expect(row.like_count).toBe(0);
    expect((await t.api('POST', `/api/posts/${post.id}/reactions/like`, { as: reader })).json()).toMatchObject({
      likeCount: 1,
    });
  });

  it('refuses an emoji outside the set (422), visitors (401), one’s own post (403) and unseen posts (404)', async () => {
    const { post } = await createThread(t.db, author, category.id);
    const outside = await t.api('PUT', `/api/posts/${post.id}/emoji/${enc('🍕')}`, { as: reader });
    expect(outside.statusCode).toBe(422);
    expect(outside.json().error.code).toBe('reaction.emoji_not_allowed');
    expect((await t.api('PUT', `/api/posts/${post.id}/emoji/${enc('👍')}`)).statusCode).toBe(401);
    const own = await t.api('PUT', `/api/posts/${post.id}/emoji/${enc('👍')}`, { as: author });
    expect(own.statusCode).toBe(403);
    expect((await t.api('PUT', `/api/posts/999999/emoji/${enc('👍')}`, { as: reader })).statusCode).toBe(404);
    await t.db.updateTable('posts').set({ state: 'hidden' }).where('id', '=', post.id).execute();
    expect((await t.api('PUT', `/api/posts/${post.id}/emoji/${enc('👍')}`, { as: reader })).statusCode).toBe(404);
    expect((await t.api('GET', `/api/posts/${post.id}/emoji/${enc('👍')}`)).statusCode).toBe(404);
    const foreign = await t.api('PUT', `/api/posts/${post.id}/emoji/${enc('👍')}`, {
      as: reader,
      headers: { origin: 'https://evil.example' },
    });
    expect(foreign.statusCode).toBe(403);
  });

  it('keeps the visitors’ summary briefly, and forgets it on a write', async () => {
    const { thread, post } = await createThread(t.db, author, category.id);
    const read = async () => (await t.api('GET', `/api/threads/${thread.id}/social`)).json().reactions;
    expect(await read()).toEqual([]);
    t.resetQueries();
    expect(await read()).toEqual([]);
    expect(t.queries.filter((q) => q.includes('post_emoji_reactions'))).toEqual([]);
    await t.api('PUT', `/api/posts/${post.id}/emoji/${enc('🙏')}`, { as: reader });
    expect(await read()).toEqual([{ postId: post.id, emoji: '🙏', count: 1, mine: false }]);
  });

  it('pushes the new count to the thread’s live subscribers', async () => {
    const { thread, post } = await createThread(t.db, author, category.id);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as { port: number };
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/live`, { headers: { origin: `http://127.0.0.1:${port}` } });
    const frames: { type: string; event?: string; data?: Record<string, unknown> }[] = [];
    ws.on('message', (raw) => frames.push(JSON.parse(raw.toString())));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const until = async (match: (f: (typeof frames)[number]) => boolean) => {
      for (let i = 0; i < 100 && !frames.some(match); i++) await new Promise((r) => setTimeout(r, 50));
      return frames.find(match);
    };
    await until((f) => f.type === 'ready');
    ws.send(JSON.stringify({ type: 'subscribe', topics: [`thread:${thread.id}`] }));
    await until((f) => f.type === 'subscribed');
    await t.api('PUT', `/api/posts/${post.id}/emoji/${enc('😮')}`, { as: reader });
    const event = await until((f) => f.event === 'post.emoji');
    ws.close();
    expect(event?.data).toMatchObject({ postId: post.id, threadId: thread.id, emoji: '😮', count: 1 });
  });
});

describe('mention suggestions', () => {
  it('finds by username or display-name prefix, thread participants first, and never the asker', async () => {
    const { thread } = await createThread(t.db, reader, category.id);
    await createReply(t.db, other, thread.id);
    await t.db.updateTable('members').set({ display_name: 'Amélie la rêveuse' }).where('id', '=', author.id).execute();
    const res = await t.api('GET', `/api/mentions?q=am&threadId=${thread.id}`, { as: reader });
    expect(res.statusCode).toBe(200);
    const names = res.json().members.map((m: { username: string }) => m.username);
    expect(names.slice(0, 2)).toEqual(['amedee', 'Amelie_Poulain']);
    expect(res.json().members[0].participant).toBe(true);
    const byDisplay = (await t.api('GET', `/api/mentions?q=${enc('amélie la')}`, { as: reader })).json();
    expect(byDisplay.members.map((m: { username: string }) => m.username)).toEqual(['Amelie_Poulain']);
    expect((await t.api('GET', '/api/mentions?q=bern', { as: reader })).json().members).toEqual([]);
  });

  it('puts first the members who may see a thread of a restricted category', async () => {
    const restricted = await createCategory(t.db);
    await t.db.updateTable('categories').set({ see_level: 'trust_2' }).where('id', '=', restricted.id).execute();
    const staff = await createMember(t.db, { username: 'yvon_modo', role: 'moderator' });
    const trusted = await createMember(t.db, { username: 'yvette_t2', trustLevel: 2 });
    // Seen more recently, but at level 1 she may not open the thread.
    const newcomer = await createMember(t.db, { username: 'yvain_t1', trustLevel: 1 });
    await t.db.updateTable('members').set({ last_seen_at: new Date() }).where('id', '=', newcomer.id).execute();
    await t.db
      .updateTable('members')
      .set({ last_seen_at: new Date(Date.now() - 86_400_000) })
      .where('id', 'in', [staff.id, trusted.id])
      .execute();
    const { thread } = await createThread(t.db, staff, restricted.id);
    const inThread = (await t.api('GET', `/api/mentions?q=yv&threadId=${thread.id}`, { as: staff })).json();
    expect(inThread.members.map((m: { username: string }) => m.username)).toEqual(['yvette_t2', 'yvain_t1']);
    // Elsewhere, the most recently seen first.
    const anywhere = (await t.api('GET', '/api/mentions?q=yv', { as: staff })).json();
    expect(anywhere.members.map((m: { username: string }) => m.username)).toEqual(['yvain_t1', 'yvette_t2']);
  });

  it('finds a look-alike spelling through the confusable skeleton', async () => {
    await createMember(t.db, { username: 'olivier_l' });
    // A Cyrillic « о » where the Latin « o » is.
    const res = await t.api('GET', `/api/mentions?q=${enc('\u043elivier')}`, { as: reader });
    expect(res.json().members.map((m: { username: string }) => m.username)).toContain('olivier_l');
  });

  it('leaves out anonymised and banned members, answers visitors 401 and an empty query 400', async () => {
    const gone = await createMember(t.db, { username: 'zoe_partie' });
    await t.db.updateTable('members').set({ anonymised_at: new Date() }).where('id', '=', gone.id).execute();
    await createMember(t.db, { username: 'zoe_bannie', bannedAt: new Date() });
    await createMember(t.db, { username: 'zoe_presente' });
    const res = await t.api('GET', '/api/mentions?q=zoe', { as: reader });
    expect(res.json().members.map((m: { username: string }) => m.username)).toEqual(['zoe_presente']);
    expect(Object.keys(res.json().members[0]).sort()).toEqual(['displayName', 'participant', 'username']);
    expect((await t.api('GET', '/api/mentions?q=zoe')).statusCode).toBe(401);
    expect((await t.api('GET', '/api/mentions?q=', { as: reader })).statusCode).toBe(400);
  });

  it('is rate limited, as are reactions', async () => {
    const limited = await createTestApp({ RATE_LIMIT_SEARCH: '3', RATE_LIMIT_POSTING: '1' });
    try {
      const member = await createMember(limited.db);
      const codes = [];
      for (let i = 0; i < 4; i++)
        codes.push((await limited.api('GET', '/api/mentions?q=ab', { as: member })).statusCode);
      expect(codes).toEqual([200, 200, 200, 429]);
      const writer = await createMember(limited.db);
      const { post } = await createThread(limited.db, writer, (await createCategory(limited.db)).id);
      const toggles = [];
      for (let i = 0; i < 5; i++)
        toggles.push((await limited.api('PUT', `/api/posts/${post.id}/emoji/${enc('👍')}`, { as: member })).statusCode);
      expect(toggles).toEqual([200, 200, 200, 200, 429]);
    } finally {
      await limited.close();
    }
  });
});

describe('social settings', () => {
  it('lets community managers change the reaction set (audited), and no one else', async () => {
    expect((await t.api('PUT', '/api/social/settings', { as: reader, body: { reactions: ['👍'] } })).statusCode).toBe(
      403,
    );
    expect((await t.api('PUT', '/api/social/settings', { body: { reactions: ['👍'] } })).statusCode).toBe(401);
    const bad = await t.api('PUT', '/api/social/settings', { as: manager, body: { reactions: ['👍', 'lol'] } });
    expect(bad.statusCode).toBe(422);
    const ok = await t.api('PUT', '/api/social/settings', { as: manager, body: { reactions: ['👍', '🔥', '👩‍💻'] } });
    expect(ok.statusCode).toBe(200);
    expect((await t.api('GET', '/api/social/settings')).json().reactions).toEqual(['👍', '🔥', '👩‍💻']);
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['actor_id'])
      .where('action', '=', 'social.settings_changed')
      .execute();
    expect(audit).toEqual([{ actor_id: manager.id }]);
    const { post } = await createThread(t.db, author, category.id);
    expect((await t.api('PUT', `/api/posts/${post.id}/emoji/${enc('🔥')}`, { as: reader })).statusCode).toBe(200);
    expect((await t.api('PUT', `/api/posts/${post.id}/emoji/${enc('🎉')}`, { as: reader })).statusCode).toBe(422);
  });
});
