import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCategory, createMember, createThread } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';
import { type QuerySpan, roundTrips } from '../setup/db.ts';

/**
 * A write's round trips to PostgreSQL are most of what it costs Agora's process, and under load each one waits a
 * turn of a busy event loop (issue 20; BENCHMARKS.md, "Post creation end to end" and "Realistic mix"): this holds
 * their number for the writes members make most, so that a change adding one says so here.
 */
/** Each answer from PostgreSQL is held back this long (ms), as across a network: see createTestDatabase. */
const LATENCY = 20;

/** Was one of the two statements sent before the other was answered? */
function sentTogether(spans: readonly QuerySpan[], a: RegExp, b: RegExp): boolean {
  const find = (re: RegExp) => spans.find((q) => re.test(q.sql.trim().toLowerCase()));
  const [x, y] = [find(a), find(b)];
  if (!x || !y) throw new Error(`no statement matches ${x ? b : a}`);
  return Math.max(x.start, y.start) < Math.min(x.end, y.end);
}

/**
 * The timing checks that failed on one request's spans. Timing can make statements sent side by side look sent one
 * after the other (a busy machine delays a send past an early answer), never the reverse: a request is checked over
 * several steady-state repeats, and the shape holds when one repeat shows it. A change that adds a round trip or
 * serialises two statements fails every repeat.
 */
type TimingCheck = (spans: readonly QuerySpan[]) => string | undefined;

function expectInOneRepeat(repeats: readonly QuerySpan[][], checks: readonly TimingCheck[]): void {
  const failures = repeats.map((spans) => checks.map((check) => check(spans)).filter(Boolean));
  expect(
    failures.some((f) => f.length === 0),
    JSON.stringify(failures),
  ).toBe(true);
}

const atMostRoundTrips =
  (n: number, except?: RegExp): TimingCheck =>
  (spans) => {
    const trips = roundTrips(except ? spans.filter((q) => !except.test(q.sql)) : spans);
    return trips <= n ? undefined : `${trips} round trips`;
  };

const together =
  (a: RegExp, b: RegExp): TimingCheck =>
  (spans) =>
    sentTogether(spans, a, b) ? undefined : `${a.source} after ${b.source}`;

const readsTogether =
  (re: RegExp, n: number): TimingCheck =>
  (spans) => {
    const reads = spans.filter((q) => re.test(q.sql));
    if (reads.length !== n) return `${reads.length} reads`;
    return Math.max(...reads.map((q) => q.start)) < Math.min(...reads.map((q) => q.end)) ? undefined : 'reads apart';
  };

describe('POST /api/threads/:id/posts', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, { latency: LATENCY });
  });
  afterAll(() => t.close());

  it('runs at most 9 statements in 4 round trips for a reply to a post, its author told, all writes in one transaction', async () => {
    const category = await createCategory(t.db, { slug: 'compte' });
    const author = await createMember(t.db);
    const { thread, post } = await createThread(t.db, author, category.id, { title: 'Un sujet pour compter' });
    const cookie = await t.loginAs(await createMember(t.db));
    const counts: number[] = [];
    let last: string[] = [];
    const repeats: QuerySpan[][] = [];
    for (let i = 0; i < 4; i++) {
      t.resetQueries();
      const res = await t.api('POST', `/api/threads/${thread.id}/posts`, {
        as: cookie,
        body: { body: `Réponse numéro ${i}, avec assez de mots pour passer la longueur minimale.`, replyTo: post.id },
      });
      expect(res.statusCode).toBe(201);
      last = t.queries.map((q) => q.trim().toLowerCase());
      if (i > 0) repeats.push([...t.spans]);
      counts.push(last.length);
    }
    // The first reply of a process reads settings and rules it then keeps; the steady state is what counts. Here
    // the netiquette rules' freshness check runs on every reply (a node runs it at most once a second): one
    // statement and one round trip of the counts below.
    expect(counts.at(-1), JSON.stringify(last, null, 1)).toBeLessThanOrEqual(9);
    // The thread, its category, the post replied to, who hears of the reply and the post's reserved id: one
    // statement (forum/reply-context.ts), the only one before the transaction that reads the forum's content.
    const context = /^with t as \(select \* from threads where/;
    const begin = last.indexOf('begin');
    const contentReads = last.slice(0, begin).filter((q) => /\b(from|join) "?(threads|categories|posts)\b/.test(q));
    expect(contentReads).toHaveLength(1);
    expect(contentReads[0]).toMatch(context);
    expect(contentReads[0]).toContain('nextval');
    expectInOneRepeat(repeats, [
      // (The session's read leaves from a hook before the handler starts and is not waited for before the reads: a
      // fast answer can arrive before they are sent, which is no round trip of the reply's.)
      atMostRoundTrips(4, /^select "sessions"/),
      // The posting limit's count goes out beside those reads, not in a round trip before them, and so does the
      // session's read from the database (the node keeps this session since the first reply: sessionCheck 'beside').
      together(/^insert into rate_limits/, context),
      together(/^select "sessions"/, context),
      // The author's reputation event and the notification of the post replied to go out with the post itself
      // (they name it by its reserved id), not in a round trip after it.
      together(/^with claimed as/, /^with rewarded as/),
      together(/^with claimed as/, /^insert into notifications/),
    ]);
    const commit = last.indexOf('commit');
    // The post is numbered and written in one statement (the thread's counters and the post).
    expect(last.filter((q) => q.includes('insert into posts') && q.includes('update threads'))).toHaveLength(1);
    expect(begin).toBeGreaterThan(-1);
    expect(last.filter((q) => q === 'begin')).toHaveLength(1);
    // Nothing writes outside the transaction but the rate limit's counter.
    const writesOutside = [...last.slice(0, begin), ...last.slice(commit + 1)].filter((q) =>
      /^(insert|update|delete)\b/.test(q),
    );
    expect(writesOutside.every((q) => q.includes('rate_limits'))).toBe(true);
    const notifications = await t.api('GET', '/api/notifications', { as: await t.loginAs(author) });
    const replies = notifications.json().notifications.filter((n: { kind: string }) => n.kind === 'reply');
    expect(replies).toHaveLength(4);
    // Each names its reply's number, read by the statement that wrote it.
    expect(replies.map((n: { data: { number: number } }) => n.data.number).sort()).toEqual([2, 3, 4, 5]);
  });
});

describe('POST /api/posts/:id/reactions/like', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, { latency: LATENCY });
  });
  afterAll(() => t.close());

  it('runs at most 8 statements in 3 round trips for a like whose author is told, all writes in one transaction', async () => {
    const category = await createCategory(t.db, { slug: 'aimer' });
    const author = await createMember(t.db);
    const { thread, post } = await createThread(t.db, author, category.id, { title: 'Un sujet à aimer' });
    const counts: number[] = [];
    let last: string[] = [];
    const repeats: QuerySpan[][] = [];
    const likers = [];
    for (let i = 0; i < 4; i++) {
      const liker = await createMember(t.db);
      likers.push(liker);
      const cookie = await t.loginAs(liker);
      await t.api('GET', '/api/me', { as: cookie }); // a member likes what they read: the node keeps their session
      t.resetQueries();
      const res = await t.api('POST', `/api/posts/${post.id}/reactions/like`, { as: cookie });
      expect(res.json()).toEqual({ likeCount: i + 1, helpfulCount: 0, active: true });
      last = t.queries.map((q) => q.trim().toLowerCase());
      if (i > 0) repeats.push([...t.spans]);
      counts.push(last.length);
      // A second click changes nothing, and says so with the same counts.
      const again = await t.api('POST', `/api/posts/${post.id}/reactions/like`, { as: cookie });
      expect(again.json()).toEqual({ likeCount: i + 1, helpfulCount: 0, active: true });
    }
    expect(counts.at(-1), JSON.stringify(last, null, 1)).toBeLessThanOrEqual(8);
    expectInOneRepeat(repeats, [
      // The post and its thread are read side by side: the second sent before the first was answered.
      readsTogether(/^select \*.* from "(posts|threads)"/, 2),
      atMostRoundTrips(3),
      // The reaction goes out with those reads (it is rolled back when the checks on them refuse it), and the
      // session's read from the database beside them.
      together(/^with changed as/, /^select \*.* from "posts"/),
      together(/^select "sessions"/, /^with changed as/),
      // The author's reputation event and their notification, side by side in the transaction.
      together(/^with recorded as/, /^insert into notifications/),
    ]);
    const begin = last.indexOf('begin');
    const commit = last.indexOf('commit');
    expect(begin).toBeGreaterThan(-1);
    expect(last.slice(0, begin).filter((q) => /from "(posts|threads)"/.test(q))).toEqual([]); // read inside it
    const writesOutside = [...last.slice(0, begin), ...last.slice(commit + 1)].filter((q) =>
      /^(insert|update|delete|with)\b/.test(q),
    );
    expect(writesOutside).toEqual([]);
    // What the statements wrote: the counters, the author's points, one grouped notification naming the last liker.
    const row = await t.db
      .selectFrom('posts')
      .innerJoin('threads', 'threads.id', 'posts.thread_id')
      .innerJoin('members', 'members.id', 'posts.author_id')
      .select(['posts.like_count', 'threads.score', 'members.reputation'])
      .where('posts.id', '=', post.id)
      .executeTakeFirstOrThrow();
    expect(row.like_count).toBe(4);
    expect(row.score).toBe(thread.score + 4);
    expect(row.reputation).toBeGreaterThan(0);
    const notifications = (await t.api('GET', '/api/notifications', { as: await t.loginAs(author) })).json();
    const likes = notifications.notifications.filter((n: { kind: string }) => n.kind === 'like');
    expect(likes).toHaveLength(1);
    expect(likes[0]).toMatchObject({ count: 4, data: { postId: post.id, by: { username: likers[3]!.username } } });
  });
});

describe('POST /api/threads', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, { latency: LATENCY });
  });
  afterAll(() => t.close());

  it("reads the author's trust figures and the thread's audience side by side in its transaction", async () => {
    const category = await createCategory(t.db, { slug: 'ouvrir' });
    const cookie = await t.loginAs(await createMember(t.db));
    const open = (n: number) =>
      t.api('POST', '/api/threads', {
        as: cookie,
        body: {
          categoryId: category.id,
          kind: 'discussion',
          title: `Un sujet ouvert pour compter, numéro ${n}`,
          body: 'Le premier message, avec assez de mots pour passer la longueur minimale.',
        },
      });
    // The first thread of a process reads the settings and badges it then keeps a few seconds: the steady state
    // is the second, right after.
    expect((await open(1)).statusCode).toBe(201);
    const repeats: QuerySpan[][] = [];
    for (let n = 2; n <= 4; n++) {
      t.resetQueries();
      expect((await open(n)).statusCode).toBe(201);
      repeats.push([...t.spans]);
    }
    expectInOneRepeat(repeats, [
      together(/^select "m"\."trust_level"/, /^with t as \(select id, category_id from threads/),
    ]);
  });
});
