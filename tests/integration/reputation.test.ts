import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Category, Member } from '../../server/db/types.ts';
import { createCategory, createMember, createReply, createThread } from '../factories/index.ts';
import { STATS } from '../../server/modules/reputation/badges.ts';
import { trustFigures } from '../../server/modules/reputation/reputation.service.ts';
import { eventually } from '../setup/eventually.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

let t: TestApp;
let category: Category;
let moderator: Member;
let manager: Member;
beforeAll(async () => {
  t = await createTestApp();
  category = await createCategory(t.db);
  moderator = await createMember(t.db, { role: 'moderator' });
  manager = await createMember(t.db, { role: 'community_manager' });
});
afterAll(() => t.close());

const score = async (member: Member) =>
  (await t.db.selectFrom('members').select('reputation').where('id', '=', member.id).executeTakeFirstOrThrow())
    .reputation;
const ledgerSum = async (member: Member) =>
  Number(
    (
      await t.db
        .selectFrom('reputation_events')
        .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('points'), eb.lit(0)).as('s'))
        .where('member_id', '=', member.id)
        .executeTakeFirstOrThrow()
    ).s,
  );
const fresh = () => createMember(t.db, { trustLevel: 0 });

describe('the reputation ledger', () => {
  it('counts a like once however often it is sent, and writes the reversing event on unlike', async () => {
    const author = await fresh();
    const liker = await fresh();
    const { post } = await createThread(t.db, author, category.id);
    for (let i = 0; i < 3; i++) await t.api('POST', `/api/posts/${post.id}/reactions/like`, { as: liker });
    expect(await score(author)).toBe(2);
    await t.api('DELETE', `/api/posts/${post.id}/reactions/like`, { as: liker });
    expect(await score(author)).toBe(0);
    const kinds = await t.db
      .selectFrom('reputation_events')
      .select(['kind', 'points'])
      .where('member_id', '=', author.id)
      .orderBy('id')
      .execute();
    expect(kinds).toEqual([
      { kind: 'like', points: 2 },
      { kind: 'undo_like', points: -2 },
    ]);
    await t.api('POST', `/api/posts/${post.id}/reactions/like`, { as: liker });
    expect(await score(author)).toBe(2);
  });

  it('keeps the score equal to the sum of the ledger under concurrent likes', async () => {
    const author = await fresh();
    const { post } = await createThread(t.db, author, category.id);
    const likers = await Promise.all(Array.from({ length: 10 }, () => fresh()));
    await Promise.all(likers.map((m) => t.api('POST', `/api/posts/${post.id}/reactions/like`, { as: m })));
    await Promise.all(likers.map((m) => t.api('POST', `/api/posts/${post.id}/reactions/like`, { as: m })));
    expect(await score(author)).toBe(20);
    expect(await ledgerSum(author)).toBe(20);
  });

  it('welcomes: the badge for replying in a newcomer’s first topic, not in a later one nor in one’s own', async () => {
    const badgesOf = async (m: Member) =>
      (
        await t.db
          .selectFrom('member_badges')
          .innerJoin('badges', 'badges.id', 'member_badges.badge_id')
          .select('badges.key')
          .where('member_id', '=', m.id)
          .execute()
      ).map((r) => r.key);
    const newcomer = await fresh();
    const helper = await fresh();
    const first = await createThread(t.db, newcomer, category.id, { title: 'Mon tout premier sujet' });
    const second = await createThread(t.db, newcomer, category.id, { title: 'Mon deuxième sujet' });
    await createReply(t.db, newcomer, first.thread.id, 'Je complète mon propre sujet.');
    expect(await badgesOf(newcomer)).not.toContain('welcome');
    await createReply(t.db, helper, second.thread.id, 'Bonne question !');
    expect(await badgesOf(helper)).not.toContain('welcome');
    await createReply(t.db, helper, first.thread.id, 'Bienvenue parmi nous !');
    expect(await badgesOf(helper)).toContain('welcome');
  });

  it('counts a refused post against a clean record, and no longer once the refusal is undone', async () => {
    const member = await fresh();
    const { post } = await createThread(t.db, member, category.id);
    const sinceIncident = async () => (await trustFigures(t.db, member.id))!.figures.daysSinceLastIncident;
    expect(await sinceIncident()).toBe(Infinity);
    // A moderator's refusal, however it is recorded, reaches the member's record (trigger of migration 0021).
    const item = await t.db
      .insertInto('moderation_items')
      .values({
        post_id: post.id,
        reasons: ['report'],
        hits: '[]',
        status: 'rejected',
        decided_at: new Date(Date.now() - 3 * 86_400_000),
        decided_by: moderator.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(await sinceIncident()).toBeCloseTo(3, 1);
    await t.db.updateTable('moderation_items').set({ status: 'approved' }).where('id', '=', item.id).execute();
    expect(await sinceIncident()).toBe(Infinity);
  });

  it('rewards replies up to the daily cap', async () => {
    const author = await fresh();
    const { thread } = await createThread(t.db, manager, category.id);
    await t.api('PUT', '/api/reputation/settings', { as: manager, body: { replyDailyCap: 2 } });
    for (let i = 0; i < 4; i++) await createReply(t.db, author, thread.id, `Réponse utile numéro ${i}`);
    expect(await score(author)).toBe(2);
    await t.api('PUT', '/api/reputation/settings', { as: manager, body: { replyDailyCap: 10 } });
  });

  it('moves the accepted-answer points when the accepted answer changes', async () => {
    const asker = await fresh();
    const first = await fresh();
    const second = await fresh();
    const { thread } = await createThread(t.db, asker, category.id, { kind: 'question' });
    const a = await createReply(t.db, first, thread.id, 'Première réponse');
    const b = await createReply(t.db, second, thread.id, 'Seconde réponse');
    const before = [await score(first), await score(second)];
    await t.api('POST', `/api/threads/${thread.id}/accept`, { as: asker, body: { postId: a.id } });
    await t.api('POST', `/api/threads/${thread.id}/accept`, { as: asker, body: { postId: a.id } });
    expect(await score(first)).toBe(before[0]! + 15);
    await t.api('POST', `/api/threads/${thread.id}/accept`, { as: asker, body: { postId: b.id } });
    expect([await score(first), await score(second)]).toEqual([before[0], before[1]! + 15]);
  });

  it('reverses what a post earned and applies the penalty when moderation removes it', async () => {
    const author = await fresh();
    const liker = await fresh();
    const { thread } = await createThread(t.db, manager, category.id);
    const reply = await createReply(t.db, author, thread.id, 'Un avis discutable');
    await t.api('POST', `/api/posts/${reply.id}/reactions/like`, { as: liker });
    expect(await score(author)).toBe(3); // reply + like
    await t.api('POST', `/api/posts/${reply.id}/reports`, { as: liker, body: { reason: 'spam' } });
    const item = await t.db
      .selectFrom('moderation_items')
      .select('id')
      .where('post_id', '=', reply.id)
      .executeTakeFirstOrThrow();
    await t.api('POST', `/api/moderation/items/${item.id}/reject`, { as: moderator, body: { reason: 'spam' } });
    expect(await score(author)).toBe(-10);
    expect(await ledgerSum(author)).toBe(-10);
  });

  it('gives nothing for likes between two members who like only each other', async () => {
    const a = await fresh();
    const b = await fresh();
    const postsOf = async (m: Member) =>
      Promise.all(Array.from({ length: 6 }, async () => (await createThread(t.db, m, category.id)).post));
    const [ofA, ofB] = [await postsOf(a), await postsOf(b)];
    for (const p of ofB) await t.api('POST', `/api/posts/${p.id}/reactions/like`, { as: a });
    for (const p of ofA.slice(0, 5)) await t.api('POST', `/api/posts/${p.id}/reactions/like`, { as: b });
    const before = await score(b);
    await t.api('POST', `/api/posts/${ofA[5]!.id}/reactions/like`, { as: b }); // the ring is established: worth nothing
    expect(await score(a)).toBeLessThan(12);
    expect(await score(b)).toBe(before);
  });

  it('features a thread: +10 for its author (community managers only)', async () => {
    const author = await fresh();
    const { thread } = await createThread(t.db, author, category.id);
    expect(
      (await t.api('POST', `/api/threads/${thread.id}/feature`, { as: moderator, body: { featured: true } }))
        .statusCode,
    ).toBe(403);
    await t.api('POST', `/api/threads/${thread.id}/feature`, { as: manager, body: { featured: true } });
    expect(await score(author)).toBe(10);
    await t.api('POST', `/api/threads/${thread.id}/feature`, { as: manager, body: { featured: false } });
    expect(await score(author)).toBe(0);
  });
});

describe('trust levels', () => {
  it('promote with reputation, posts and age, and say what the next level needs', async () => {
    const member = await createMember(t.db, { trustLevel: 0 });
    // Three days old with three posts: only reputation is missing for level 1.
    await sql`UPDATE members SET created_at = now() - interval '3 days', post_count = 3 WHERE id = ${member.id}`.execute(
      t.db,
    );
    const view = (await t.api('GET', `/api/members/${member.username}/reputation`)).json();
    expect(view.trust.level).toBe(0);
    expect(view.trust.next.requirements.find((r: { key: string }) => r.key === 'reputation')).toMatchObject({
      needed: 5,
      met: false,
    });
    const likers = await Promise.all([1, 2, 3].map(() => fresh()));
    const { post } = await createThread(t.db, member, category.id);
    for (const l of likers) await t.api('POST', `/api/posts/${post.id}/reactions/like`, { as: l });
    const after = await t.db
      .selectFrom('members')
      .select('trust_level')
      .where('id', '=', member.id)
      .executeTakeFirstOrThrow();
    expect(after.trust_level).toBe(1);
  });

  it('demote on sanctions, and come back when lifted', async () => {
    const member = await createMember(t.db, { trustLevel: 2 });
    const level = async () =>
      (await t.db.selectFrom('members').select('trust_level').where('id', '=', member.id).executeTakeFirstOrThrow())
        .trust_level;
    await t.api('POST', `/api/members/${member.id}/warn`, { as: moderator, body: { reason: 'Attention' } });
    expect(await level()).toBe(1);
    await t.api('POST', `/api/members/${member.id}/suspend`, {
      as: moderator,
      body: { until: new Date(Date.now() + 86_400_000).toISOString(), reason: 'x' },
    });
    expect(await level()).toBe(0);
  });

  it('grant level 4 on a community manager’s word only', async () => {
    const member = await fresh();
    expect(
      (await t.api('POST', `/api/members/${member.id}/trust`, { as: moderator, body: { granted: true } })).statusCode,
    ).toBe(403);
    expect(
      (await t.api('POST', `/api/members/${member.id}/trust`, { as: manager, body: { granted: true } })).json()
        .trustLevel,
    ).toBe(4);
  });
});

describe('badges', () => {
  it('ships at least 20 badges in French and English', async () => {
    const badges = (await t.api('GET', '/api/badges')).json().badges;
    expect(badges.length).toBeGreaterThanOrEqual(20);
    expect(badges.every((b: { name: { fr: string; en: string } }) => b.name.fr && b.name.en)).toBe(true);
  });

  it('grants a badge with the very reply or like that reaches its threshold (figures read in the event’s own statement)', async () => {
    const keysOf = async (m: Member) =>
      (
        await t.db
          .selectFrom('member_badges')
          .innerJoin('badges', 'badges.id', 'member_badges.badge_id')
          .select('badges.key')
          .where('member_id', '=', m.id)
          .execute()
      ).map((r) => r.key);
    const opener = await fresh();
    const author = await fresh();
    const { thread } = await createThread(t.db, opener, category.id);
    // A first reply: the post count the same statement moved (0 → 1) earns the first-post badge.
    const reply = await t.api('POST', `/api/threads/${thread.id}/posts`, {
      as: author,
      body: { body: 'Ma toute première réponse sur ce forum, bonjour à tous.' },
    });
    expect(reply.statusCode).toBe(201);
    expect(await keysOf(author)).toContain('first_post');
    // 98 points, then a like worth 2: the like's own statement moves the score to the 'respected' threshold.
    await t.db.updateTable('members').set({ reputation: 98 }).where('id', '=', author.id).execute();
    expect(await keysOf(author)).not.toContain('respected');
    const like = await t.api('POST', `/api/posts/${reply.json().post.id}/reactions/like`, { as: await fresh() });
    expect(like.statusCode).toBe(200);
    expect(await score(author)).toBe(100);
    expect(await keysOf(author)).toContain('respected');
  });

  it("sums likes and helpful marks over the author's posts that have some, through the partial indexes", async () => {
    const plans = await t.db.transaction().execute(async (trx) => {
      // Tiny test tables favour a sequential scan: forbid it, so the plan shows whether an index can serve.
      await sql`SET LOCAL enable_seqscan = off`.execute(trx);
      const explain = async (stat: 'likesReceived' | 'helpfulReceived') =>
        (
          await sql<{ 'QUERY PLAN': string }>`EXPLAIN SELECT ${STATS[stat]} FROM members m WHERE m.id = 1`.execute(trx)
        ).rows
          .map((r) => r['QUERY PLAN'])
          .join('\n');
      return { likes: await explain('likesReceived'), helpful: await explain('helpfulReceived') };
    });
    expect(plans.likes).toContain('posts_author_liked_idx');
    expect(plans.helpful).toContain('posts_author_helpful_idx');
  });

  it('grants an automatic badge exactly once, also under concurrency, and notifies', async () => {
    const author = await fresh();
    const { post } = await createThread(t.db, author, category.id);
    const likers = await Promise.all(Array.from({ length: 12 }, () => fresh()));
    await Promise.all(likers.map((m) => t.api('POST', `/api/posts/${post.id}/reactions/like`, { as: m })));
    const held = await t.db
      .selectFrom('member_badges')
      .innerJoin('badges', 'badges.id', 'member_badges.badge_id')
      .select('badges.key')
      .where('member_id', '=', author.id)
      .execute();
    expect(held.filter((b) => b.key === 'liked_10')).toHaveLength(1);
    const notes = await t.db
      .selectFrom('notifications')
      .select('data')
      .where('member_id', '=', author.id)
      .where('kind', '=', 'badge.granted')
      .execute();
    expect(notes.filter((n) => (n.data as { badge: string }).badge === 'liked_10')).toHaveLength(1);
  });

  it('backfills a newly defined badge, and refuses it to members and moderators', async () => {
    const body = {
      key: 'first_steps',
      tier: 'bronze',
      criteria: { stat: 'posts', min: 1 },
      nameFr: 'Premiers pas',
      nameEn: 'First steps',
    };
    expect((await t.api('POST', '/api/badges', { as: moderator, body })).statusCode).toBe(403);
    const res = await t.api('POST', '/api/badges', { as: manager, body });
    expect(res.statusCode).toBe(201);
    expect(res.json().granted).toBeGreaterThan(3);
    expect((await t.api('POST', '/api/badges', { as: manager, body })).statusCode).toBe(409);
    expect(
      (
        await t.api('POST', '/api/badges', {
          as: manager,
          body: { ...body, key: 'other_steps', criteria: { stat: 'nope', min: 1 } },
        })
      ).statusCode,
    ).toBe(422);
  });

  it('lets community managers award a manual badge with a reason, once', async () => {
    const member = await fresh();
    const award = (as: Member) =>
      t.api('POST', `/api/members/${member.id}/badges`, { as, body: { badge: 'vip', reason: 'Relais exemplaire' } });
    expect((await award(moderator)).statusCode).toBe(403);
    expect((await award(manager)).statusCode).toBe(201);
    expect((await award(manager)).statusCode).toBe(409);
    const auto = await t.api('POST', `/api/members/${member.id}/badges`, {
      as: manager,
      body: { badge: 'first_post', reason: 'x' },
    });
    expect(auto.statusCode).toBe(422);
    const view = (await t.api('GET', `/api/members/${member.username}/reputation`)).json();
    expect(view.badges[0]).toMatchObject({ key: 'vip', reason: 'Relais exemplaire' });
  });
});

describe('pages', () => {
  it('ranks members by points over a period and in a category', async () => {
    const week = (await t.api('GET', '/api/leaderboard?period=week')).json().leaders;
    expect(week.length).toBeGreaterThan(0);
    expect(week[0].points).toBeGreaterThanOrEqual(week.at(-1).points);
    const other = await createCategory(t.db);
    expect((await t.api('GET', `/api/leaderboard?category=${other.id}`)).json().leaders).toEqual([]);
  });

  it('shows each post author’s top badge on the thread page in a fixed number of queries (no N+1)', async () => {
    const { thread } = await createThread(t.db, manager, category.id);
    const authors = await Promise.all(Array.from({ length: 8 }, () => fresh()));
    for (const a of authors) await createReply(t.db, a, thread.id, 'Bonjour à tous !');
    await t.api('POST', `/api/members/${authors[0]!.id}/badges`, {
      as: manager,
      body: { badge: 'ambassador', reason: 'Relais' },
    });
    const reader = await t.loginAs(authors[1]!);
    // The node keeps the session, and the reader's marks (read beside their first page), from now on: both alike.
    await t.api('GET', `/api/threads/${thread.id}?limit=1`, { as: reader });
    await eventually(async () => t.queries.some((q) => /AS "memberId"/.test(q)));
    t.resetQueries();
    const short = await t.api('GET', `/api/threads/${thread.id}?limit=3`, { as: reader });
    const shortCount = t.queries.length;
    t.resetQueries();
    const long = await t.api('GET', `/api/threads/${thread.id}?limit=9`, { as: reader });
    expect(t.queries, JSON.stringify(t.queries, null, 1)).toHaveLength(shortCount); // 9 posts cost what 3 do
    expect(long.json().posts[1].author.topBadge).toMatchObject({ key: 'ambassador', tier: 'gold' });
    expect(short.statusCode).toBe(200);
  });

  it('refuses every community-manager route to members and moderators', async () => {
    const member = await fresh();
    for (const as of [member, moderator]) {
      expect((await t.api('PUT', '/api/reputation/settings', { as, body: { replyDailyCap: 1 } })).statusCode).toBe(403);
      expect((await t.api('POST', `/api/members/${member.id}/trust`, { as, body: { granted: true } })).statusCode).toBe(
        403,
      );
      expect(
        (await t.api('POST', '/api/badges', { as, body: { key: 'x_badge', tier: 'gold', nameFr: 'x', nameEn: 'x' } }))
          .statusCode,
      ).toBe(403);
    }
  });
});
