import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { ChangeFeed } from '../../server/db/change-feed.ts';
import { SessionCache } from '../../server/modules/auth/session-cache.ts';
import { SessionRepository, SessionService, type SessionRow } from '../../server/modules/auth/index.ts';
import type { Member } from '../../server/db/types.ts';
import { createCategory, createMember, createThread } from '../factories/index.ts';
import { eventually } from '../setup/eventually.ts';
import { createTestApp, ORIGIN, type TestApp } from '../setup/app.ts';

/**
 * Sessions kept per node (issue 20): a member's reads do not query the session, and the node forgets it when
 * it ends or when the member's role or sanctions change — at once on the node that made the change, and on
 * every other node when PostgreSQL's notification arrives.
 */
let t: TestApp;
let admin: Member;
beforeAll(async () => {
  t = await createTestApp();
  admin = await createMember(t.db, { role: 'admin' });
});
afterAll(() => t.close());

const sessionQueries = () => t.queries.filter((q) => /from "sessions" inner join "members"/i.test(q));
const queue = (as: string, app?: FastifyInstance) =>
  app
    ? app.inject({ method: 'GET', url: '/api/moderation/queue', headers: { host: 'forum.test:3000', cookie: as } })
    : t.api('GET', '/api/moderation/queue', { as });

describe('the session cache', () => {
  it("serves a member's repeated reads without the session query; a write reads the session again", async () => {
    const member = await createMember(t.db);
    const cookie = await t.loginAs(member);
    expect((await t.api('GET', '/api/me', { as: cookie })).statusCode).toBe(200);
    t.resetQueries();
    for (let i = 0; i < 3; i++) expect((await t.api('GET', '/api/me', { as: cookie })).statusCode).toBe(200);
    expect(sessionQueries()).toHaveLength(0);
    await t.api('PATCH', '/api/me', { as: cookie, body: { bio: 'Randonneuse.' } });
    expect(sessionQueries()).toHaveLength(1);
  });

  it('refuses the session at once after logout on this node', async () => {
    const member = await createMember(t.db);
    const cookie = await t.loginAs(member);
    expect((await t.api('GET', '/api/me', { as: cookie })).statusCode).toBe(200);
    expect((await t.api('POST', '/api/auth/logout', { as: cookie })).statusCode).toBeLessThan(300);
    expect((await t.api('GET', '/api/me', { as: cookie })).statusCode).toBe(401);
  });

  it('applies a role change at once on this node, both ways', async () => {
    const member = await createMember(t.db);
    const cookie = await t.loginAs(member);
    expect((await queue(cookie)).statusCode).toBe(403);
    const promote = await t.api('POST', `/api/members/${member.id}/role`, { as: admin, body: { role: 'moderator' } });
    expect(promote.statusCode).toBe(200);
    expect((await queue(cookie)).statusCode).toBe(200);
    await t.api('POST', `/api/members/${member.id}/role`, { as: admin, body: { role: 'member' } });
    expect((await queue(cookie)).statusCode).toBe(403);
  });

  it("sees a member's own reply moving their trust level at their very next read", async () => {
    // One reply short of trust level 1 (reputation 5, 3 approved posts, a day old): the reply promotes them.
    const member = await createMember(t.db, { trustLevel: 0 });
    await t.db
      .updateTable('members')
      .set({ reputation: 4, post_count: 2, created_at: new Date(Date.now() - 2 * 86_400_000) })
      .where('id', '=', member.id)
      .execute();
    const open = await createCategory(t.db);
    const { thread } = await createThread(t.db, admin, open.id);
    const closed = await createCategory(t.db);
    await t.db.updateTable('categories').set({ see_level: 'trust_1' }).where('id', '=', closed.id).execute();
    const { thread: inner } = await createThread(t.db, admin, closed.id);
    const cookie = await t.loginAs(member);
    expect((await t.api('GET', `/api/threads/${inner.id}`, { as: cookie })).statusCode).toBe(404);
    const reply = await t.api('POST', `/api/threads/${thread.id}/posts`, {
      as: cookie,
      body: { body: 'Merci pour ce fil, je note les conseils pour ma prochaine sortie.' },
    });
    expect(reply.statusCode).toBe(201);
    // At once: nothing between the reply's answer and the read (the notification may still be on its way).
    expect((await t.api('GET', `/api/threads/${inner.id}`, { as: cookie })).statusCode).toBe(200);
    expect(
      (await t.db.selectFrom('members').select('trust_level').where('id', '=', member.id).executeTakeFirst())
        ?.trust_level,
    ).toBe(1);
  });

  it("makes only the writer's reads wait for a write of their own, every read for any other write", async () => {
    const feed = new ChangeFeed({ databaseUrl: t.url });
    const cache = new SessionCache<{ username: string }>({ feed, ttlSeconds: 60 });
    await feed.start();
    try {
      cache.set('a', { member_id: 1, username: 'a' }, cache.mark());
      cache.set('b', { member_id: 2, username: 'b' }, cache.mark());
      // The round trip a write sends cannot be answered before these reads, which run without I/O.
      cache.wrote(1);
      expect((await cache.get('b'))?.username).toBe('b');
      expect(cache.waited).toBe(0);
      expect((await cache.get('a'))?.username).toBe('a');
      expect(cache.waited).toBe(1);
      expect((await cache.get('a'))?.username).toBe('a');
      expect(cache.waited).toBe(1); // synced since
      cache.wrote();
      expect((await cache.get('b'))?.username).toBe('b');
      expect(cache.waited).toBe(2);
    } finally {
      await feed.stop();
    }
  });

  it('lets a write that checks its session beside its statements name its member without waiting for notices', async () => {
    const feed = new ChangeFeed({ databaseUrl: t.url });
    const cache = new SessionCache<SessionRow>({ feed, ttlSeconds: 60 });
    await feed.start();
    try {
      const member = await createMember(t.db);
      const token = (await t.loginAs(member)).slice('agora_session='.length);
      const sessions = new SessionService(new SessionRepository(t.db), cache);
      expect((await sessions.validate(token))?.cached).toBe(false); // read, and kept from now on
      cache.wrote(member.id); // their last write's notices are not in yet
      const beside = await sessions.validate(token, { unsettled: true });
      expect([beside?.cached, beside?.actor.id, cache.waited]).toEqual([true, member.id, 0]);
      const read = await sessions.validate(token); // a read waits for them
      expect([read?.cached, cache.waited]).toEqual([true, 1]);
    } finally {
      await feed.stop();
    }
  });

  it('forgets a member changed straight in the database (a script, another tool)', async () => {
    const member = await createMember(t.db);
    const cookie = await t.loginAs(member);
    expect((await queue(cookie)).statusCode).toBe(403);
    await t.db.updateTable('members').set({ role: 'moderator' }).where('id', '=', member.id).execute();
    await eventually(async () => (await queue(cookie)).statusCode === 200);
  });

  it('keeps nothing read before a change committed elsewhere (no stale entry after the notification)', async () => {
    const member = await createMember(t.db);
    const cookie = await t.loginAs(member);
    // Reads and a demotion in flight together: whatever order they land in, the node ends up with the new role.
    await t.db.updateTable('members').set({ role: 'moderator' }).where('id', '=', member.id).execute();
    await eventually(async () => (await queue(cookie)).statusCode === 200);
    await Promise.all([
      queue(cookie),
      queue(cookie),
      t.db.updateTable('members').set({ role: 'member' }).where('id', '=', member.id).execute(),
      queue(cookie),
    ]);
    await eventually(async () => (await queue(cookie)).statusCode === 403);
    for (let i = 0; i < 5; i++) expect((await queue(cookie)).statusCode).toBe(403);
  });
});

describe('two nodes on one database', () => {
  let other: FastifyInstance;
  beforeAll(async () => {
    other = await buildApp({ config: t.config, db: t.db, databaseUrl: t.url });
    await other.ready();
  });
  afterAll(() => other.close());

  it('a logout on one node ends the session on the other', async () => {
    const member = await createMember(t.db);
    const cookie = await t.loginAs(member);
    const me = () => other.inject({ method: 'GET', url: '/api/me', headers: { host: 'forum.test:3000', cookie } });
    expect((await me()).statusCode).toBe(200);
    expect((await me()).statusCode).toBe(200); // now kept by the other node
    await t.api('POST', '/api/auth/logout', { as: cookie });
    await eventually(async () => (await me()).statusCode === 401);
  });

  it('a role change on one node reaches the sessions the other keeps', async () => {
    const member = await createMember(t.db);
    const cookie = await t.loginAs(member);
    expect((await queue(cookie, other)).statusCode).toBe(403);
    await t.api('POST', `/api/members/${member.id}/role`, { as: admin, body: { role: 'moderator' } });
    await eventually(async () => (await queue(cookie, other)).statusCode === 200);
    const suspend = await t.api('POST', `/api/members/${member.id}/role`, { as: admin, body: { role: 'member' } });
    expect(suspend.statusCode).toBe(200);
    await eventually(async () => (await queue(cookie, other)).statusCode === 403);
  });

  it("a reply or a like on the other node acts on the database's word, read beside its first statements", async () => {
    const member = await createMember(t.db);
    const cookie = await t.loginAs(member);
    const category = await createCategory(t.db);
    const { thread, post } = await createThread(t.db, admin, category.id);
    const write = (url: string, payload?: object) =>
      other.inject({
        method: 'POST',
        url,
        headers: { host: 'forum.test:3000', origin: ORIGIN, cookie },
        ...(payload && { payload }),
      });
    expect((await other.inject({ method: 'GET', url: '/api/me', headers: { cookie } })).statusCode).toBe(200);
    // The session is kept: the like's session check goes out with its first statements, not before them. (Answers
    // held back as across a network, so that a busy machine cannot make statements sent together look apart.)
    t.resetQueries();
    t.latency.ms = 20;
    expect((await write(`/api/posts/${post.id}/reactions/like`)).statusCode).toBe(200);
    t.latency.ms = 0;
    const check = t.spans.find((q) => /from "sessions" inner join "members"/i.test(q.sql));
    const toggle = t.spans.find((q) => /INSERT INTO reactions/i.test(q.sql));
    expect(check && toggle, t.queries.join('\n')).toBeTruthy();
    expect(check!.start).toBeLessThan(toggle!.end);
    expect(toggle!.start).toBeLessThan(check!.end);
    // Banned in the database a moment ago, before the node heard of it: refused, and nothing written.
    await t.db.updateTable('members').set({ banned_at: new Date() }).where('id', '=', member.id).execute();
    expect((await write(`/api/threads/${thread.id}/posts`, { body: 'Toujours là, moi.' })).statusCode).toBe(403);
    await t.db.updateTable('members').set({ banned_at: null }).where('id', '=', member.id).execute();
    await eventually(async () => (await write(`/api/posts/${post.id}/reactions/like`)).statusCode === 200);
    await t.db.updateTable('members').set({ banned_at: new Date() }).where('id', '=', member.id).execute();
    expect((await write(`/api/posts/${post.id}/reactions/helpful`)).statusCode).toBe(403);
    await t.db.updateTable('members').set({ banned_at: null, role: 'member' }).where('id', '=', member.id).execute();
    await t.db.deleteFrom('sessions').where('member_id', '=', member.id).execute();
    expect((await write(`/api/threads/${thread.id}/posts`, { body: 'Et me revoilà.' })).statusCode).toBe(401);
    const written = await t.db
      .selectFrom('posts')
      .select('id')
      .where('thread_id', '=', thread.id)
      .where('author_id', '=', member.id)
      .execute();
    expect(written).toHaveLength(0);
    const marks = await t.db.selectFrom('reactions').select('kind').where('member_id', '=', member.id).execute();
    expect(marks.map((m) => m.kind)).toEqual(['like']);
  });

  it('a write on the other node acts on the database, never on its cached session', async () => {
    const member = await createMember(t.db);
    const cookie = await t.loginAs(member);
    expect((await other.inject({ method: 'GET', url: '/api/me', headers: { cookie } })).statusCode).toBe(200);
    await t.db.updateTable('members').set({ banned_at: new Date() }).where('id', '=', member.id).execute();
    const category = await createCategory(t.db);
    const write = await other.inject({
      method: 'POST',
      url: '/api/threads',
      headers: { host: 'forum.test:3000', origin: ORIGIN, cookie },
      payload: {
        categoryId: category.id,
        kind: 'discussion',
        title: 'Toujours là ?',
        body: 'Je reviens vous dire bonjour.',
      },
    });
    expect(write.statusCode).toBe(403);
  });
});
