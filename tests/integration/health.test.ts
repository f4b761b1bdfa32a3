import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member } from '../../server/db/types.ts';
import { createCategory, createMember, createReply, createThread } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

/**
 * The health dashboard's figures on a small data set built with known times, so every answer is known:
 * three questions answered after 10, 30 and 60 minutes (median 30) and one unanswered; two moderation
 * decisions after 20 and 40 minutes (median 30); 28 quiet days then a day of warning signs: 12 rule hits on one
 * thread, and 6 complaints on an old one (negative posts, scored by their tone as they are published), with a thanks.
 */
let t: TestApp;
let manager: Member;
let moderator: Member;
let veteran: Member;
let newcomer: Member;
let hot: number;
let angry: number;

const COMPLAINTS = [
  'Depuis la mise à jour, l’appli est inutilisable. Très déçu.',
  'Franchement c’est nul, ça ne marche plus du tout.',
  'Horrible, j’ai perdu toutes mes réglages. Inacceptable.',
  'J’en ai marre, plus jamais je ne mets à jour.',
  'This update is terrible, I am really disappointed.',
  'The app does not work anymore, what a waste of money.',
];

const at = (minutesAgo: number) => sql<Date>`now() - make_interval(mins => ${minutesAgo})`;
const setPostTime = (id: number, minutesAgo: number) =>
  t.db
    .updateTable('posts')
    .set({ created_at: at(minutesAgo) } as never)
    .where('id', '=', id)
    .execute();
const setThreadTime = (id: number, minutesAgo: number) =>
  t.db
    .updateTable('threads')
    .set({ created_at: at(minutesAgo) } as never)
    .where('id', '=', id)
    .execute();

beforeAll(async () => {
  t = await createTestApp();
  // The complaints come fast and from one member: the flood rule would add hits of its own.
  await t.db
    .updateTable('netiquette_rules')
    .set({ enabled: false })
    .where('key', 'in', ['flood', 'duplicate'])
    .execute();
  const category = await createCategory(t.db);
  manager = await createMember(t.db, { role: 'community_manager' });
  moderator = await createMember(t.db, { role: 'moderator' });
  veteran = await createMember(t.db, { trustLevel: 3 });
  newcomer = await createMember(t.db, { trustLevel: 1 });
  await t.db
    .updateTable('members')
    .set({ created_at: at(200 * 1440), last_seen_at: at(60) } as never)
    .where('id', '=', veteran.id)
    .execute();
  await t.db
    .updateTable('members')
    .set({ created_at: at(3 * 1440), last_seen_at: at(20 * 1440) } as never)
    .where('id', '=', newcomer.id)
    .execute();
  await t.db
    .updateTable('members')
    .set({ created_at: at(400 * 1440), last_seen_at: null } as never)
    .where('id', 'in', [manager.id, moderator.id])
    .execute();

  // Questions two days ago, answered after 10, 30 and 60 minutes; one left unanswered.
  for (const minutes of [10, 30, 60]) {
    const { thread, post } = await createThread(t.db, veteran, category.id, {
      title: `Question à ${minutes} minutes`,
      kind: 'question',
    });
    const reply = await createReply(t.db, newcomer, thread.id, `Réponse après ${minutes} minutes.`);
    await setThreadTime(thread.id, 2 * 1440);
    await setPostTime(post.id, 2 * 1440);
    await setPostTime(reply.id, 2 * 1440 - minutes);
  }
  const lonely = await createThread(t.db, veteran, category.id, {
    title: 'Une question sans réponse',
    kind: 'question',
  });
  await setThreadTime(lonely.thread.id, 2 * 1440);
  await setPostTime(lonely.post.id, 2 * 1440);
  hot = lonely.thread.id;

  // Moderation: two decisions after 20 and 40 minutes, one item still open.
  for (const [i, minutes] of [20, 40, null].entries()) {
    const { post } = await createThread(t.db, newcomer, category.id, { title: `Signalé ${i}` });
    await t.db
      .insertInto('moderation_items')
      .values({
        post_id: post.id,
        reasons: ['report'],
        hits: '[]',
        status: minutes === null ? 'open' : 'approved',
        created_at: at(1440),
        decided_at: minutes === null ? null : at(1440 - minutes),
        decided_by: minutes === null ? null : moderator.id,
      })
      .execute();
  }
  await t.db
    .updateTable('posts')
    .set({ state: 'rejected' })
    .where('author_id', '=', newcomer.id)
    .where('number', '=', 1)
    .where('id', '=', sql<number>`(SELECT min(id) FROM posts WHERE author_id = ${newcomer.id} AND number = 1)`)
    .execute();

  // Warning signs: one a day for 28 days, then 12 today on one thread.
  for (let d = 1; d <= 28; d++) {
    await t.db
      .insertInto('rule_hits')
      .values({ rule_key: 'insults', post_id: lonely.post.id, action: 'flag', created_at: at(d * 1440) })
      .execute();
  }
  for (let i = 0; i < 12; i++) {
    await t.db
      .insertInto('rule_hits')
      .values({ rule_key: 'insults', post_id: lonely.post.id, action: 'flag', created_at: at(5) })
      .execute();
  }
  const update = await createThread(t.db, veteran, category.id, {
    title: 'La mise à jour 4.2 est sortie',
    body: 'Elle est disponible pour tous.',
  });
  angry = update.thread.id;
  // An old thread (outside the dashboard's 30 days) that flares up today.
  await setThreadTime(angry, 40 * 1440);
  await setPostTime(update.post.id, 40 * 1440);
  for (const body of COMPLAINTS) await createReply(t.db, veteran, angry, body);
  await createReply(t.db, veteran, angry, 'Chez moi tout marche parfaitement, merci !');
  await t.db
    .insertInto('reputation_events')
    .values({ member_id: newcomer.id, kind: 'featured', points: 500, source_key: 'test:featured' })
    .execute();
});
afterAll(() => t.close());

describe('community health', () => {
  it('computes the figures of a known data set', async () => {
    const res = await t.api('GET', '/api/community/health?days=30', { as: manager });
    expect(res.statusCode, res.body).toBe(200);
    const h = res.json();
    expect(h.days).toBe(30);
    expect(h.daily).toHaveLength(30);
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    expect(h.daily.find((d: { day: string }) => d.day === twoDaysAgo)).toMatchObject({ threads: 4 });
    // Active: the veteran (an hour ago) and the manager asking (signing in is being seen); the newcomer, 20 days ago.
    expect(h.members).toMatchObject({ total: 4, new7: 1, new30: 1, active7: 2, active30: 3 });
    expect(h.firstReply).toEqual({ medianMinutes: 30, threadsAnswered: 3 });
    expect(h.questions).toEqual({ total: 4, unanswered: 1, unansweredPercent: 25 });
    expect(h.moderation).toEqual({ open: 1, decided: 2, medianDecisionMinutes: 30 });
    expect(h.posts).toMatchObject({ flagged: 3, rejected: 1, negative: 6 });
    expect(h.posts.flaggedPercent).toBeCloseTo((3 / h.posts.total) * 100, 0);
    expect(h.posts.negativePercent).toBeCloseTo((6 / h.posts.total) * 100, 0);
    const today = new Date().toISOString().slice(0, 10);
    expect(h.daily.find((d: { day: string }) => d.day === today)).toMatchObject({
      signals: 18,
      negative: 6,
      flags: 12,
      reports: 0,
    });
    expect(h.topContributors[0]).toMatchObject({ username: newcomer.username });
    expect(h.topContributors[0].points).toBeGreaterThanOrEqual(500);
    expect(h.risingMembers.map((r: { username: string }) => r.username)).toEqual([newcomer.username]);
  });

  it('raises the bad-buzz alert for the day and the thread whose warning signs jump', async () => {
    const h = (await t.api('GET', '/api/community/health', { as: manager })).json();
    const today = new Date().toISOString().slice(0, 10);
    expect(h.alerts.days).toEqual([{ day: today, signals: 18, negative: 6, flags: 12, reports: 0, usual: 1 }]);
    // The hot thread's last two days: today's 12 and yesterday's one, against two in the two days before.
    // The angry thread: its six complaints (the thanks is not one), none before.
    expect(h.alerts.threads).toEqual([
      expect.objectContaining({ threadId: hot, signals: 13, flags: 13, negative: 0, previous: 2 }),
      expect.objectContaining({ threadId: angry, signals: 6, negative: 6, flags: 0, previous: 0, posts: 7 }),
    ]);
  });

  it('tells community managers of a new alert once, live, whichever node sees it first', async () => {
    const [first, second] = await Promise.all([t.app.buzz.check(), t.app.buzz.check()]);
    const today = new Date().toISOString().slice(0, 10);
    expect([...first, ...second].sort()).toEqual(
      [`day:${today}`, `thread:${angry}:${today}`, `thread:${hot}:${today}`].sort(),
    );
    expect(await t.app.buzz.check()).toEqual([]);
    const told = await t.db
      .selectFrom('notifications')
      .select(['member_id', 'data'])
      .where('kind', '=', 'community.buzz')
      .execute();
    expect(told.filter((n) => n.member_id === manager.id)).toHaveLength(3);
    expect(told.filter((n) => n.member_id === moderator.id || n.member_id === veteran.id)).toEqual([]);
    const live = await t.db
      .selectFrom('live_events')
      .select('data')
      .where('topic', '=', `member:${manager.id}`)
      .execute();
    expect(live.filter((e) => (e.data as { kind: string }).kind === 'community.buzz')).toHaveLength(3);
  });

  it('is for community managers only, and checks its window', async () => {
    for (const as of [veteran, moderator])
      expect((await t.api('GET', '/api/community/health', { as })).statusCode).toBe(403);
    expect((await t.api('GET', '/api/community/health')).statusCode).toBe(401);
    for (const days of ['6', '366', 'x'])
      expect((await t.api('GET', `/api/community/health?days=${days}`, { as: manager })).statusCode).toBe(400);
  });
});

describe('active members', () => {
  it('counts members seen lately: signing in, then at most one write an hour while they browse', async () => {
    const app = await createTestApp();
    try {
      const cm = await createMember(app.db, { role: 'community_manager' });
      const reader = await createMember(app.db, { trustLevel: 1 });
      await app.loginAs(reader); // a session from before the last hour…
      await app.db
        .updateTable('members')
        .set({ last_seen_at: null } as never)
        .execute(); // …and nobody seen since
      expect((await app.api('GET', '/api/community/health', { as: cm })).json().members.active7).toBe(1); // cm signs in
      await app.api('GET', '/api/threads', { as: reader }); // the reader browses
      await expect
        .poll(async () => (await app.api('GET', '/api/community/health', { as: cm })).json().members.active7)
        .toBe(2);
      const first = (
        await app.db.selectFrom('members').select('last_seen_at').where('id', '=', reader.id).executeTakeFirstOrThrow()
      ).last_seen_at!;
      await app.api('GET', '/api/threads', { as: reader });
      const second = (
        await app.db.selectFrom('members').select('last_seen_at').where('id', '=', reader.id).executeTakeFirstOrThrow()
      ).last_seen_at!;
      expect(second.getTime()).toBe(first.getTime()); // not written again within the hour
    } finally {
      await app.close();
    }
  });
});

describe('the tone of posts', () => {
  it('is scored as a post is written and again when it is edited, over the HTTP API', async () => {
    const app = await createTestApp();
    try {
      const author = await createMember(app.db, { trustLevel: 2 });
      const category = await createCategory(app.db);
      const created = await app.api('POST', '/api/threads', {
        as: author,
        body: {
          categoryId: category.id,
          title: 'Ma veste après un an',
          body: 'Elle tient bien, rien à signaler.',
          kind: 'discussion',
        },
      });
      expect(created.statusCode, created.body).toBe(201);
      const postId = created.json().post.id as number;
      const sentiment = async () =>
        (await app.db.selectFrom('posts').select('sentiment').where('id', '=', postId).executeTakeFirstOrThrow())
          .sentiment;
      expect(await sentiment()).toBeGreaterThan(-1);
      const edited = await app.api('PATCH', `/api/posts/${postId}`, {
        as: author,
        body: { body: 'Finalement très déçue : elle prend l’eau, inutilisable.' },
      });
      expect(edited.statusCode, edited.body).toBe(200);
      expect(await sentiment()).toBeLessThanOrEqual(-1);
    } finally {
      await app.close();
    }
  });

  it('is scored by the watcher for the last 35 days’ posts written before scoring existed, once', async () => {
    const app = await createTestApp();
    try {
      const author = await createMember(app.db, { trustLevel: 2 });
      const category = await createCategory(app.db);
      const { thread } = await createThread(app.db, author, category.id, {
        title: 'Retour SAV',
        body: 'Une arnaque, je suis déçu.',
      });
      const recent = await createReply(app.db, author, thread.id, 'Horrible, inacceptable.');
      const old = await createReply(app.db, author, thread.id, 'Horrible, inacceptable.');
      await app.db.updateTable('posts').set({ sentiment: null }).where('thread_id', '=', thread.id).execute();
      await app.db
        .updateTable('posts')
        .set({ created_at: at(40 * 1440) } as never)
        .where('id', '=', old.id)
        .execute();

      expect(await app.app.buzz.backfill(1)).toBe(1); // a full batch: there may be more
      expect(await app.app.buzz.backfill(10)).toBe(1); // a short one: done
      expect(await app.app.buzz.backfill(10)).toBe(0); // and never looked for again
      const rows = await app.db
        .selectFrom('posts')
        .select(['id', 'number', 'sentiment'])
        .where('thread_id', '=', thread.id)
        .orderBy('number')
        .execute();
      expect(rows[0]!.sentiment).toBeLessThanOrEqual(-1); // the thread's first post, title included
      expect(rows.find((r) => r.id === recent.id)!.sentiment).toBeLessThanOrEqual(-1);
      expect(rows.find((r) => r.id === old.id)!.sentiment).toBeNull(); // outside the alert's window
    } finally {
      await app.close();
    }
  });
});
