import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Category, Member } from '../../server/db/types.ts';
import { createCategory, createMember, createReply, createThread } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

/**
 * Who may see a category (issue 18), in the figures and side lists rather than the lists themselves: a count, a
 * total or a notification must not tell a viewer about threads in a category they may not see. A sub-category
 * starts public (its threads are tagged, its members mentioned and counted while everyone sees it) and is then
 * made staff-only, as a community manager would do with a category that turned sensitive; a thread in the public
 * parent is the control. A visitor and a member at trust level 0 see the control only; a moderator sees all.
 */
type Who = 'visitor' | 'tl0' | 'staff';
const WHO: Who[] = ['visitor', 'tl0', 'staff'];

let t: TestApp;
let parent: Category;
let secretId: number;
let author: Member;
let replier: Member;
let viewers: Record<Exclude<Who, 'visitor'>, Member>;
let manager: Member;
let publicThreadId: number;
const secretThreadIds: number[] = [];

const as = (who: Who) => (who === 'visitor' ? {} : { as: viewers[who] });
async function json(who: Who, url: string) {
  const res = await t.api('GET', url, as(who));
  expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
  return res.json();
}

beforeAll(async () => {
  t = await createTestApp();
  author = await createMember(t.db, { trustLevel: 1 });
  replier = await createMember(t.db, { trustLevel: 1 });
  viewers = {
    tl0: await createMember(t.db, { trustLevel: 0 }),
    staff: await createMember(t.db, { role: 'moderator' }),
  };
  manager = await createMember(t.db, { role: 'community_manager' });
  parent = await createCategory(t.db);
  const created = await t.api('POST', '/api/categories', {
    as: manager,
    body: { slug: 'bientot-secrete', name: 'Bientôt secrète', parentId: parent.id },
  });
  expect(created.statusCode).toBe(201);
  secretId = created.json().id;

  const tag = async (threadId: number, tags: string[]) => {
    const res = await t.api('PUT', `/api/threads/${threadId}/tags`, { as: viewers.staff, body: { tags } });
    expect(res.statusCode).toBe(200);
  };
  const like = async (postId: number, by: Member) => {
    const res = await t.api('POST', `/api/posts/${postId}/reactions/like`, { as: by });
    expect(res.statusCode).toBe(200);
  };
  const mention = `@${viewers.tl0.username}`;
  const pub = await createThread(t.db, author, parent.id, { title: 'Un sujet public', body: `Pour ${mention}.` });
  publicThreadId = pub.thread.id;
  await like(pub.post.id, replier);
  await tag(pub.thread.id, ['partage']);
  for (const i of [1, 2]) {
    const { thread, post } = await createThread(t.db, author, secretId, {
      title: `Un sujet bientôt secret ${i}`,
      body: `Pour ${mention}, numéro ${i}.`,
    });
    secretThreadIds.push(thread.id);
    const reply = await createReply(t.db, replier, thread.id, `Une réponse pour ${mention}.`);
    await like(post.id, replier);
    await like(reply.id, author);
    await tag(thread.id, i === 1 ? ['partage', 'projet-confidentiel'] : ['partage']);
  }
  const closed = await t.api('PATCH', `/api/categories/${secretId}`, {
    as: manager,
    body: { seeLevel: 'staff', startLevel: 'staff', replyLevel: 'staff' },
  });
  expect(closed.statusCode).toBe(200);
});
afterAll(() => t.close());

describe('a member profile', () => {
  it("counts only the posts the viewer may see: the author's and the replier's", async () => {
    for (const [member, hidden] of [
      [author, 2],
      [replier, 2],
    ] as const) {
      const counts: Record<string, number> = {};
      for (const who of WHO) counts[who] = (await json(who, `/api/members/${member.username}`)).member.postCount;
      expect(counts.visitor).toBe(counts.staff! - hidden);
      expect(counts.tl0).toBe(counts.staff! - hidden);
    }
  });
});

describe('tags', () => {
  it('count only the threads the viewer may see, in the list and on the tag page', async () => {
    for (const who of WHO) {
      const expected = who === 'staff' ? 3 : 1;
      const list = (await json(who, '/api/tags')).tags as { name: string; threads: number }[];
      expect({ who, threads: list.find((x) => x.name === 'partage')?.threads }).toEqual({ who, threads: expected });
      expect({ who, threads: (await json(who, '/api/tags/partage')).threads }).toEqual({ who, threads: expected });
    }
  });

  it('used only where the viewer may not see, do not exist for them', async () => {
    for (const who of WHO) {
      const list = (await json(who, '/api/tags')).tags as { name: string }[];
      const page = await t.api('GET', '/api/tags/projet-confidentiel', as(who));
      const seen = { listed: list.some((x) => x.name === 'projet-confidentiel'), status: page.statusCode };
      expect({ who, ...seen }).toEqual({
        who,
        ...(who === 'staff' ? { listed: true, status: 200 } : { listed: false, status: 404 }),
      });
    }
  });

  it('without any thread yet are listed for everyone', async () => {
    const created = await t.api('POST', '/api/tags', { as: viewers.staff, body: { name: 'tout-neuf' } });
    expect(created.statusCode).toBe(201);
    for (const who of WHO) {
      const list = (await json(who, '/api/tags')).tags as { name: string; threads: number }[];
      expect({ who, tag: list.find((x) => x.name === 'tout-neuf') }).toEqual({
        who,
        tag: expect.objectContaining({ threads: 0 }),
      });
    }
  });
});

describe('notifications of a thread whose category became hidden', () => {
  it('leave the list, the unread count and the bell', async () => {
    const body = await json('tl0', '/api/notifications');
    const threads = (body.notifications as { data: { threadId?: number } }[]).map((n) => n.data.threadId);
    expect(threads).toContain(publicThreadId);
    for (const id of secretThreadIds) expect(threads).not.toContain(id);
    expect(body.unread).toBe(body.notifications.length);
    expect((await json('tl0', '/api/notifications/unread')).unread).toBe(body.notifications.length);
  });

  it('come back when the category opens again', async () => {
    const opened = await t.api('PATCH', `/api/categories/${secretId}`, {
      as: manager,
      body: { seeLevel: 'member', startLevel: 'member', replyLevel: 'member' },
    });
    expect(opened.statusCode).toBe(200);
    try {
      const threads = (
        (await json('tl0', '/api/notifications')).notifications as { data: { threadId?: number } }[]
      ).map((n) => n.data.threadId);
      for (const id of secretThreadIds) expect(threads).toContain(id);
    } finally {
      await t.api('PATCH', `/api/categories/${secretId}`, {
        as: manager,
        body: { seeLevel: 'staff', startLevel: 'staff', replyLevel: 'staff' },
      });
    }
  });
});

describe('the leaderboard', () => {
  const points = async (who: Who, query = '') => {
    const leaders = (await json(who, `/api/leaderboard?period=all${query}`)).leaders as {
      id: number;
      points: number;
    }[];
    return Object.fromEntries(leaders.map((l) => [l.id, l.points]));
  };

  it('ranks by the points earned where the viewer may see', async () => {
    // The replier's points all come from the two hidden threads (the likes on their replies there); the
    // author's from one like on the public thread and two on the hidden ones.
    const staff = await points('staff');
    expect(staff[replier.id]).toBeGreaterThan(0);
    expect(staff[author.id]).toBeGreaterThan(0);
    for (const who of ['visitor', 'tl0'] as const) {
      const seen = await points(who);
      expect({ who, replier: seen[replier.id] }).toEqual({ who, replier: undefined });
      // The author keeps the points of the public thread only.
      expect({ who, fewer: seen[author.id]! < staff[author.id]! }).toEqual({ who, fewer: true });
    }
  });

  it('of a category the viewer may not see answers 404, as a category that does not exist', async () => {
    for (const who of WHO) {
      const res = await t.api('GET', `/api/leaderboard?category=${secretId}`, as(who));
      expect({ who, status: res.statusCode }).toEqual({ who, status: who === 'staff' ? 200 : 404 });
      if (who === 'staff') expect(res.json().leaders.length).toBeGreaterThan(0);
    }
    const missing = await t.api('GET', '/api/leaderboard?category=999999', as('staff'));
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('category.not_found');
  });
});

describe("a member's trust progress", () => {
  it('counts their approved posts as their profile does for the viewer', async () => {
    const approved = async (who: Who) => {
      const rep = await json(who, `/api/members/${author.username}/reputation`);
      return (rep.trust.next.requirements as { key: string; current: number }[]).find((r) => r.key === 'approvedPosts')!
        .current;
    };
    const staff = await approved('staff');
    for (const who of ['visitor', 'tl0'] as const) {
      const shown = (await json(who, `/api/members/${author.username}`)).member.postCount;
      expect({ who, approved: await approved(who) }).toEqual({ who, approved: shown });
      expect({ who, approved: await approved(who) }).toEqual({ who, approved: staff - 2 });
    }
  });
});

describe('their own profile', () => {
  it("keeps a member's real post count, for themselves, where they may no longer see", async () => {
    const own = (await t.api('GET', `/api/members/${author.username}`, { as: author })).json().member.postCount;
    expect(own).toBe((await json('staff', `/api/members/${author.username}`)).member.postCount);
    expect(own).toBe((await json('visitor', `/api/members/${author.username}`)).member.postCount + 2);
  });
});

describe('the community health dashboard', () => {
  it('is for community managers only, who see every category: its figures count the hidden threads', async () => {
    for (const who of ['tl0', 'staff'] as const) {
      expect((await t.api('GET', '/api/community/health', as(who))).statusCode).toBe(403);
    }
    expect((await t.api('GET', '/api/community/health')).statusCode).toBe(401);
    const res = await t.api('GET', '/api/community/health', { as: manager });
    expect(res.statusCode).toBe(200);
    const threads = (res.json().daily as { threads: number }[]).reduce((sum, d) => sum + d.threads, 0);
    expect(threads).toBe(1 + secretThreadIds.length);
  });
});
