import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Category, Member } from '../../server/db/types.ts';
import { createCategory, createMember, createThread } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

/**
 * The settings community managers change live from the console: the posting limits that were only environment
 * variables, and whether staff appear in leaderboards. Each refusal, each bad value, each audit row, and each
 * setting taking effect on the next request.
 */
let t: TestApp;
let category: Category;
let admin: Member;
let manager: Member;
let moderator: Member;
let member: Member;

beforeAll(async () => {
  t = await createTestApp({ RATE_LIMIT_POSTING: '1000' });
  category = await createCategory(t.db);
  admin = await createMember(t.db, { role: 'admin' });
  manager = await createMember(t.db, { role: 'community_manager' });
  moderator = await createMember(t.db, { role: 'moderator' });
  member = await createMember(t.db);
});
afterAll(() => t.close());

const put = (as: Member | undefined, body: Record<string, unknown>) =>
  t.api('PUT', '/api/admin/community', { as, body });

describe('who may read and change them', () => {
  it('answers visitors 401, members and moderators 403, community managers and admins 200', async () => {
    expect((await t.api('GET', '/api/admin/community')).statusCode).toBe(401);
    expect((await t.api('GET', '/api/admin/community', { as: member })).statusCode).toBe(403);
    expect((await put(moderator, { titleMax: 150 })).statusCode).toBe(403);
    const read = await t.api('GET', '/api/admin/community', { as: manager });
    expect(read.statusCode).toBe(200);
    // The limits start from the environment's values.
    expect(read.json()).toMatchObject({ staffInLeaderboards: false, titleMin: 3, postsPerMinute: 1000 });
    expect((await t.api('GET', '/api/admin/community', { as: admin })).statusCode).toBe(200);
  });

  it('refuses values out of their bounds, and a minimum above its maximum, naming the field', async () => {
    const outOfRange = await put(manager, { bodyMax: 10 });
    expect(outOfRange.statusCode).toBe(422);
    expect(JSON.stringify(outOfRange.json())).toContain('bodyMax');
    const crossed = await put(manager, { titleMin: 90, titleMax: 50 });
    expect(crossed.statusCode).toBe(422);
    expect(crossed.json().error).toMatchObject({ code: 'settings.min_above_max', details: { field: 'titleMin' } });
    expect((await put(manager, { postsPerMinute: 'many' })).statusCode).toBe(422);
  });
});

describe('limits changed live', () => {
  it('applies a new longest title to the next thread, and tells the composer through /api/site', async () => {
    const res = await put(manager, { titleMax: 20 });
    expect(res.statusCode).toBe(200);
    expect((await t.api('GET', '/api/site')).json().limits.titleMax).toBe(20);
    const refused = await t.api('POST', '/api/threads', {
      as: member,
      body: {
        categoryId: category.id,
        title: 'Un titre bien plus long que vingt',
        body: 'Le texte du sujet.',
        kind: 'discussion',
      },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.details).toMatchObject({ field: 'title' });
    const audit = await t.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'community.settings_changed')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(audit.actor_id).toBe(manager.id);
    expect(audit.data).toMatchObject({ titleMax: { from: 200, to: 20 } });
    await put(manager, { titleMax: 200 });
  });

  it('applies a new posting limit per minute at once', async () => {
    await put(manager, { postsPerMinute: 2 });
    const writer = await createMember(t.db);
    const { thread } = await createThread(t.db, member, category.id);
    const codes = [];
    let retryAfter: unknown;
    for (let i = 0; i < 3; i++) {
      const res = await t.api('POST', `/api/threads/${thread.id}/posts`, {
        as: writer,
        body: { body: `Réponse numéro ${i + 1}, pour voir.` },
      });
      codes.push(res.statusCode);
      retryAfter = res.headers['retry-after'];
    }
    expect(codes).toEqual([201, 201, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    // The refused reply wrote nothing (its limit is counted beside its first reads, before any write).
    const written = await t.db
      .selectFrom('posts')
      .select(t.db.fn.countAll<number>().as('n'))
      .where('author_id', '=', writer.id)
      .executeTakeFirstOrThrow();
    expect(Number(written.n)).toBe(2);
    await put(manager, { postsPerMinute: 1000 });
  });

  it('audits a change of the moderation settings too', async () => {
    const res = await t.api('PUT', '/api/moderation/settings', { as: manager, body: { targetMinutes: 45 } });
    expect(res.statusCode).toBe(200);
    const audit = await t.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'moderation.settings_changed')
      .executeTakeFirstOrThrow();
    expect(audit.data).toMatchObject({ targetMinutes: { from: 60, to: 45 } });
  });
});

describe('staff in leaderboards', () => {
  it('leaves staff out of the leaderboard, top contributors and rising members unless asked', async () => {
    const earn = (who: Member, points: number) =>
      t.db
        .insertInto('reputation_events')
        .values({ member_id: who.id, points, kind: 'award', source_key: `test:${who.id}:${points}` })
        .execute();
    await earn(moderator, 500);
    await earn(member, 10);
    const ranked = async () =>
      (await t.api('GET', '/api/leaderboard?period=all')).json().leaders.map((m: { id: number }) => m.id);
    const health = async () => (await t.api('GET', '/api/community/health?days=30', { as: manager })).json();

    expect(await ranked()).toContain(member.id);
    expect(await ranked()).not.toContain(moderator.id);
    const before = await health();
    const names = (list: { username: string }[]) => list.map((m) => m.username);
    expect(names(before.topContributors)).not.toContain(moderator.username);
    expect(names(before.risingMembers)).not.toContain(moderator.username);
    expect(names(before.risingMembers)).toContain(member.username);

    await put(manager, { staffInLeaderboards: true });
    expect((await ranked())[0]).toBe(moderator.id);
    const after = await health();
    expect(names(after.topContributors)).toContain(moderator.username);
    expect(names(after.risingMembers)).toContain(moderator.username);
  });
});
