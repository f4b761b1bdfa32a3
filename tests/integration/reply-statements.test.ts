import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCategory, createMember, createThread } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

/**
 * A reply's round trips to PostgreSQL are most of what a reply costs Agora's process (issue 20; BENCHMARKS.md,
 * "Post creation end to end"): this holds their number, so that a change adding one says so here.
 */
describe('POST /api/threads/:id/posts', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it("runs at most 13 statements for a reply whose thread's author is told, all writes in one transaction", async () => {
    const category = await createCategory(t.db, { slug: 'compte' });
    const author = await createMember(t.db);
    const { thread } = await createThread(t.db, author, category.id, { title: 'Un sujet pour compter' });
    const cookie = await t.loginAs(await createMember(t.db));
    const counts: number[] = [];
    let last: string[] = [];
    for (let i = 0; i < 3; i++) {
      t.resetQueries();
      const res = await t.api('POST', `/api/threads/${thread.id}/posts`, {
        as: cookie,
        body: { body: `Réponse numéro ${i}, avec assez de mots pour passer la longueur minimale.` },
      });
      expect(res.statusCode).toBe(201);
      last = t.queries.map((q) => q.trim().toLowerCase());
      counts.push(last.length);
    }
    // The first reply of a process reads settings and rules it then keeps; the steady state is what counts.
    expect(counts.at(-1)).toBeLessThanOrEqual(13);
    const begin = last.indexOf('begin');
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
    expect(notifications.json().notifications.filter((n: { kind: string }) => n.kind === 'reply')).toHaveLength(3);
  });
});
