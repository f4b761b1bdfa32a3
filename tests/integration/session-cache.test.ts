import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import type { Member } from '../../server/db/types.ts';
import { createCategory, createMember } from '../factories/index.ts';
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

/** Polls until the condition holds (a notification crossing to another node), or fails after 5 s. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 250; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the condition never held');
}

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
