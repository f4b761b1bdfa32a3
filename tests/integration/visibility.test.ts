import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Category, Member, ThreadState } from '../../server/db/types.ts';
import { createCategory, createMember, createReply, createThread } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

/**
 * One visibility rule (issue 12, server/access/visibility.ts), walked through every read path: a thread in each
 * state, looked at by a visitor, its author, another member and a moderator. A path either shows the thread to
 * an actor or answers as if it did not exist (404, or left out of a list). Add a path or a state to the tables.
 */
type Who = 'visitor' | 'author' | 'member' | 'staff';
const WHO: Who[] = ['visitor', 'author', 'member', 'staff'];
const STATES: ThreadState[] = ['published', 'pending', 'scheduled', 'hidden', 'deleted'];
const NONE: Who[] = [];

/** Who may open a thread in each state: the thread page's rule, now every read's. */
const OPENS: Record<ThreadState, Who[]> = {
  published: WHO,
  pending: ['author', 'staff'],
  scheduled: ['staff'],
  hidden: ['staff'],
  deleted: ['staff'],
};
/** Lists show published threads only, whoever looks. */
const LISTS: Record<ThreadState, Who[]> = {
  published: WHO,
  pending: NONE,
  scheduled: NONE,
  hidden: NONE,
  deleted: NONE,
};
/** Search also finds held and hidden posts for staff; scheduled and deleted ones are never found. */
const FINDS: Record<ThreadState, Who[]> = {
  published: WHO,
  pending: ['staff'],
  scheduled: NONE,
  hidden: ['staff'],
  deleted: NONE,
};

interface Fixture {
  state: ThreadState;
  threadId: number;
  firstPostId: number;
  /** The post of each member in the thread (a like on it notifies its author). */
  postOf: Record<Exclude<Who, 'visitor'>, number>;
}

interface ReadPath {
  name: string;
  expected: Record<ThreadState, Who[]>;
  /** The actors the path exists for (the bell has no visitor). */
  who?: Who[];
  sees(who: Who, f: Fixture): Promise<boolean>;
}

let t: TestApp;
let category: Category;
let actors: Record<Exclude<Who, 'visitor'>, Member>;
let liker: Member;
const fixtures: Fixture[] = [];
const WORD = 'ornithorynque';

const as = (who: Who) => (who === 'visitor' ? {} : { as: actors[who] });
const get = async (who: Who, url: string) => {
  const res = await t.api('GET', url, as(who));
  if (res.statusCode !== 200 && res.statusCode !== 404) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return res;
};
/** A read by id: 200 when seen, 404 when not (anything else fails the test). */
const opens = async (who: Who, url: string) => (await get(who, url)).statusCode === 200;
/** A list: does it name the thread? */
const lists = async (who: Who, url: string, ids: (body: any) => number[], threadId: number) => {
  const res = await get(who, url);
  expect(res.statusCode).toBe(200);
  return ids(res.json()).includes(threadId);
};

/** One socket per actor, opened on first use; `subscribe` answers whether the topic was granted. */
const sockets = new Map<Who, { ws: WebSocket; messages: any[] }>();
let base = '';
async function socketOf(who: Who) {
  let socket = sockets.get(who);
  if (socket) return socket;
  const headers: Record<string, string> = who === 'visitor' ? {} : { cookie: await t.loginAs(actors[who]) };
  const ws = new WebSocket(`${base}/api/live`, { headers });
  socket = { ws, messages: [] };
  const messages = socket.messages;
  ws.on('message', (raw) => messages.push(JSON.parse(raw.toString())));
  await until(() => messages.some((m) => m.type === 'ready'));
  sockets.set(who, socket);
  return socket;
}
async function until(done: () => boolean) {
  const end = Date.now() + 10_000;
  while (!done()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
async function subscribes(who: Who, topic: string) {
  const { ws, messages } = await socketOf(who);
  const before = messages.length;
  ws.send(JSON.stringify({ type: 'subscribe', topics: [topic] }));
  await until(() => messages.slice(before).some((m) => m.type === 'subscribed'));
  const answer = messages.slice(before).find((m) => m.type === 'subscribed');
  ws.send(JSON.stringify({ type: 'unsubscribe', topics: [topic] }));
  return (answer.topics as string[]).includes(topic);
}

const PATHS: ReadPath[] = [
  { name: 'GET /api/threads/:id', expected: OPENS, sees: (who, f) => opens(who, `/api/threads/${f.threadId}`) },
  {
    name: 'GET /api/posts/:id (the first post)',
    expected: OPENS,
    sees: (who, f) => opens(who, `/api/posts/${f.firstPostId}`),
  },
  {
    name: 'GET /api/threads/:id/idea (idea panel)',
    expected: OPENS,
    sees: (who, f) => opens(who, `/api/threads/${f.threadId}/idea`),
  },
  { name: 'live: subscribe to thread:id', expected: OPENS, sees: (who, f) => subscribes(who, `thread:${f.threadId}`) },
  {
    name: 'GET /api/members/:username/reputation (ledger names the thread)',
    expected: OPENS,
    sees: async (who, f) => {
      const body = (await get(who, `/api/members/${actors.author.username}/reputation?limit=100`)).json();
      return body.ledger.some((e: { threadId: number | null }) => e.threadId === f.threadId);
    },
  },
  {
    name: 'notifications: a like on my post in the thread',
    expected: OPENS,
    who: ['author', 'member', 'staff'],
    sees: async (who, f) => {
      const body = (await get(who, '/api/notifications')).json();
      return body.notifications.some(
        (n: { kind: string; data: { threadId?: number } }) => n.kind === 'like' && n.data.threadId === f.threadId,
      );
    },
  },
  {
    name: 'GET /api/categories/:slug/threads',
    expected: LISTS,
    sees: (who, f) =>
      lists(
        who,
        `/api/categories/${category.slug}/threads`,
        (b) => [...b.pinned, ...b.threads].map((x) => x.id),
        f.threadId,
      ),
  },
  {
    name: 'GET /api/threads (latest)',
    expected: LISTS,
    sees: (who, f) => lists(who, '/api/threads', (b) => b.threads.map((x: any) => x.id), f.threadId),
  },
  {
    name: 'GET /api/home (featured)',
    expected: LISTS,
    sees: (who, f) => lists(who, '/api/home', (b) => b.featured.map((x: any) => x.id), f.threadId),
  },
  {
    name: 'GET /api/ideas (board)',
    expected: LISTS,
    sees: (who, f) => lists(who, '/api/ideas?sort=recent', (b) => b.ideas.map((x: any) => x.id), f.threadId),
  },
  {
    name: 'GET /api/members/:username (recent posts)',
    expected: LISTS,
    sees: (who, f) =>
      lists(
        who,
        `/api/members/${actors.author.username}`,
        (b) => b.recentPosts.map((x: any) => x.threadId),
        f.threadId,
      ),
  },
  {
    name: 'GET /api/search',
    expected: FINDS,
    sees: (who, f) => lists(who, `/api/search?q=${WORD}`, (b) => b.results.map((x: any) => x.thread.id), f.threadId),
  },
  {
    name: 'GET /api/search/titles',
    expected: FINDS,
    sees: (who, f) =>
      lists(who, `/api/search/titles?q=${WORD}&limit=10`, (b) => b.threads.map((x: any) => x.threadId), f.threadId),
  },
];

beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `ws://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  category = await createCategory(t.db);
  actors = {
    author: await createMember(t.db, { trustLevel: 2 }),
    member: await createMember(t.db, { trustLevel: 2 }),
    staff: await createMember(t.db, { role: 'moderator' }),
  };
  liker = await createMember(t.db, { role: 'admin' });
  for (const state of STATES) {
    const { thread, post } = await createThread(t.db, actors.author, category.id, {
      title: `Un ${WORD} ${state}`,
      body: `Le ${WORD} de l’état ${state}.`,
      kind: 'idea',
    });
    const memberPost = await createReply(t.db, actors.member, thread.id, 'Une réponse de membre.');
    const staffPost = await createReply(t.db, actors.staff, thread.id, 'Une réponse de modérateur.');
    await t.db
      .updateTable('threads')
      .set({ state, featured: true, publish_at: state === 'scheduled' ? new Date(Date.now() + 86_400_000) : null })
      .where('id', '=', thread.id)
      .execute();
    fixtures.push({
      state,
      threadId: thread.id,
      firstPostId: post.id,
      postOf: { author: post.id, member: memberPost.id, staff: staffPost.id },
    });
  }
  // Staff may act in a thread whatever its state: an admin likes each member's post, once the thread is in it.
  for (const f of fixtures) {
    for (const postId of Object.values(f.postOf)) {
      expect((await t.api('POST', `/api/posts/${postId}/reactions/like`, { as: liker })).statusCode).toBe(200);
    }
  }
});
afterAll(async () => {
  for (const { ws } of sockets.values()) ws.close();
  await t.close();
});

describe('one visibility rule on every read path', () => {
  for (const path of PATHS) {
    describe(path.name, () => {
      for (const state of STATES) {
        const who = path.who ?? WHO;
        it(`a ${state} thread is seen by ${path.expected[state].filter((w) => who.includes(w)).join(', ') || 'nobody'}`, async () => {
          const f = fixtures.find((x) => x.state === state)!;
          const seen: Record<string, boolean> = {};
          for (const w of who) seen[w] = await path.sees(w, f);
          expect(seen).toEqual(Object.fromEntries(who.map((w) => [w, path.expected[state].includes(w)])));
        });
      }
    });
  }
});

describe("a member's private data", () => {
  it('e-mail and notification preferences: the member themselves and the staff who manage members', async () => {
    const manager = await createMember(t.db, { role: 'community_manager' });
    const { author, member, staff } = actors;
    expect((await t.api('GET', '/api/me', { as: author })).json().member.email).toBe(author.email);
    expect((await t.api('GET', '/api/notifications/preferences', { as: author })).statusCode).toBe(200);
    expect((await t.api('GET', `/api/manage/members/${author.id}`, { as: manager })).json().email).toBe(author.email);
    expect((await t.api('GET', `/api/manage/members/${author.id}`)).statusCode).toBe(401);
    for (const other of [member, staff])
      expect((await t.api('GET', `/api/manage/members/${author.id}`, { as: other })).statusCode).toBe(403);
    for (const other of [undefined, member, staff, manager]) {
      const profile = await t.api('GET', `/api/members/${author.username}`, other ? { as: other } : {});
      expect(profile.statusCode).toBe(200);
      expect(profile.body).not.toContain(author.email);
    }
  });
});
