import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Category, Member } from '../../server/db/types.ts';
import { createCategory, createMember, createReply, createThread } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

/**
 * Who may see a category (issue 18, `see_level`), walked through every read path: a thread in a staff-only
 * sub-category and one in a trust-level-2 sub-category of a public parent, looked at by a visitor, a member at
 * trust level 0, a member at trust level 2 and a moderator. A path either shows the thread or answers as if it did
 * not exist (404, or left out of a list). A thread in the public parent is the control: everyone sees it.
 */
type Who = 'visitor' | 'tl0' | 'tl2' | 'staff';
const WHO: Who[] = ['visitor', 'tl0', 'tl2', 'staff'];
type Place = 'public' | 'trust_2' | 'staff';
const PLACES: Place[] = ['public', 'trust_2', 'staff'];
const SEES: Record<Place, Who[]> = { public: WHO, trust_2: ['tl2', 'staff'], staff: ['staff'] };
const WORD = 'ornithorynque';

interface Fixture {
  place: Place;
  categoryId: number;
  slug: string;
  threadId: number;
  firstPostId: number;
  /** The reply of the trust-level-2 member's friend, which the author likes (its author is told). */
  replyId: number;
}
interface ReadPath {
  name: string;
  /** The actors the path exists for (the bell has no visitor). */
  who?: Who[];
  sees(who: Who, f: Fixture): Promise<boolean>;
}

let t: TestApp;
let parent: Category;
let viewers: Record<Exclude<Who, 'visitor'>, Member>;
let manager: Member;
/** Who wrote each place's thread: not one of the viewers (a mention of oneself tells nobody). */
let authors: Record<Place, Member>;
const fixtures: Fixture[] = [];

const as = (who: Who) => (who === 'visitor' ? {} : { as: viewers[who] });
const get = async (who: Who, url: string) => {
  const res = await t.api('GET', url, as(who));
  if (res.statusCode !== 200 && res.statusCode !== 404) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return res;
};
const opens = async (who: Who, url: string) => (await get(who, url)).statusCode === 200;
const lists = async (who: Who, url: string, ids: (body: any) => number[], id: number) => {
  const res = await get(who, url);
  if (res.statusCode === 404) return false;
  return ids(res.json()).includes(id);
};
const threadIds = (b: any) => [...(b.pinned ?? []), ...b.threads].map((x: { id: number }) => x.id);

/** One socket per viewer; `subscribes` answers whether the topic was granted. */
const sockets = new Map<Who, { ws: WebSocket; messages: any[] }>();
let base = '';
async function socketOf(who: Who) {
  let socket = sockets.get(who);
  if (socket) return socket;
  const headers: Record<string, string> = who === 'visitor' ? {} : { cookie: await t.loginAs(viewers[who]) };
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
  { name: 'GET /api/threads/:id', sees: (w, f) => opens(w, `/api/threads/${f.threadId}`) },
  { name: 'GET /api/posts/:id (permalink)', sees: (w, f) => opens(w, `/api/posts/${f.firstPostId}`) },
  { name: 'GET /api/threads/:id/idea', sees: (w, f) => opens(w, `/api/threads/${f.threadId}/idea`) },
  { name: 'GET /api/threads/:id/social', sees: (w, f) => opens(w, `/api/threads/${f.threadId}/social`) },
  { name: 'live: subscribe to thread:id', sees: (w, f) => subscribes(w, `thread:${f.threadId}`) },
  { name: 'live: subscribe to category:id', sees: (w, f) => subscribes(w, `category:${f.categoryId}`) },
  {
    name: 'GET /api/categories (the category itself)',
    sees: (w, f) => lists(w, '/api/categories', (b) => b.categories.map((c: { id: number }) => c.id), f.categoryId),
  },
  {
    name: 'GET /api/categories/:slug/threads (its own list)',
    sees: (w, f) => lists(w, `/api/categories/${f.slug}/threads`, threadIds, f.threadId),
  },
  {
    name: "GET /api/categories/:parent/threads (the parent's list shows its children's threads)",
    sees: (w, f) => lists(w, `/api/categories/${parent.slug}/threads`, threadIds, f.threadId),
  },
  { name: 'GET /api/threads (latest)', sees: (w, f) => lists(w, '/api/threads', threadIds, f.threadId) },
  { name: 'GET /api/threads?sort=top', sees: (w, f) => lists(w, '/api/threads?sort=top', threadIds, f.threadId) },
  {
    name: 'GET /api/threads?tag= (tag page)',
    sees: (w, f) => lists(w, `/api/threads?tag=${WORD}`, threadIds, f.threadId),
  },
  {
    name: 'GET /api/home (featured)',
    sees: (w, f) => lists(w, '/api/home', (b) => b.featured.map((x: any) => x.id), f.threadId),
  },
  {
    name: 'GET /api/ideas (board)',
    sees: (w, f) => lists(w, '/api/ideas?sort=recent', (b) => b.ideas.map((x: any) => x.id), f.threadId),
  },
  {
    name: "GET /api/members/:username (the author's recent posts)",
    sees: (w, f) =>
      lists(
        w,
        `/api/members/${authors[f.place].username}`,
        (b) => b.recentPosts.map((x: any) => x.threadId),
        f.threadId,
      ),
  },
  {
    name: 'GET /api/search',
    sees: (w, f) => lists(w, `/api/search?q=${WORD}`, (b) => b.results.map((x: any) => x.thread.id), f.threadId),
  },
  {
    name: 'GET /api/search/titles',
    sees: (w, f) =>
      lists(w, `/api/search/titles?q=${WORD}&limit=10`, (b) => b.threads.map((x: any) => x.threadId), f.threadId),
  },
  {
    name: 'GET /api/tracking/threads (unread and new)',
    who: ['tl0', 'tl2', 'staff'],
    sees: (w, f) =>
      lists(w, `/api/tracking/threads?ids=${f.threadId}`, (b) => b.threads.map((x: any) => x.threadId), f.threadId),
  },
  {
    name: 'GET /api/tracking/categories (counts per category)',
    who: ['tl0', 'tl2', 'staff'],
    sees: (w, f) =>
      lists(w, '/api/tracking/categories', (b) => b.categories.map((x: any) => x.categoryId), f.categoryId),
  },
  {
    name: 'notifications: a mention in the thread',
    who: ['tl0', 'tl2'],
    sees: async (w, f) => {
      const body = (await get(w, '/api/notifications')).json();
      return body.notifications.some(
        (n: { kind: string; data: { threadId?: number } }) => n.kind === 'mention' && n.data.threadId === f.threadId,
      );
    },
  },
];

beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `ws://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  viewers = {
    tl0: await createMember(t.db, { trustLevel: 0 }),
    tl2: await createMember(t.db, { trustLevel: 2 }),
    staff: await createMember(t.db, { role: 'moderator' }),
  };
  manager = await createMember(t.db, { role: 'community_manager' });
  authors = {
    public: await createMember(t.db, { trustLevel: 0 }),
    trust_2: await createMember(t.db, { trustLevel: 3 }),
    staff: await createMember(t.db, { role: 'moderator' }),
  };
  parent = await createCategory(t.db);
  const tag = await t.db.insertInto('tags').values({ name: WORD }).returning('id').executeTakeFirstOrThrow();
  for (const place of PLACES) {
    let category = parent;
    if (place !== 'public') {
      const res = await t.api('POST', '/api/categories', {
        as: manager,
        body: {
          slug: `prive-${place.replace('_', '-')}`,
          name: `Privé ${place}`,
          parentId: parent.id,
          seeLevel: place,
          startLevel: place,
          replyLevel: place,
        },
      });
      expect(res.statusCode).toBe(201);
      expect(res.json().seeLevel).toBe(place);
      category = { ...parent, ...res.json(), id: res.json().id, slug: res.json().slug };
    }
    const { thread, post } = await createThread(t.db, authors[place], category.id, {
      title: `Un ${WORD} ${place}`,
      body: `Le ${WORD} de ${place}, pour @${viewers.tl0.username} et @${viewers.tl2.username}.`,
      kind: 'idea',
    });
    const reply = await createReply(t.db, viewers.staff, thread.id, 'Une réponse de l’équipe.');
    await t.db.updateTable('threads').set({ featured: true }).where('id', '=', thread.id).execute();
    await t.db.insertInto('thread_tags').values({ thread_id: thread.id, tag_id: tag.id }).execute();
    fixtures.push({
      place,
      categoryId: category.id,
      slug: category.slug,
      threadId: thread.id,
      firstPostId: post.id,
      replyId: reply.id,
    });
  }
});
afterAll(async () => {
  for (const { ws } of sockets.values()) ws.close();
  await t.close();
});

describe('who may see a category, on every read path', () => {
  for (const path of PATHS) {
    describe(path.name, () => {
      for (const place of PLACES) {
        const who = path.who ?? WHO;
        it(`a thread in a ${place} category is seen by ${SEES[place].filter((w) => who.includes(w)).join(', ')}`, async () => {
          const f = fixtures.find((x) => x.place === place)!;
          const seen: Record<string, boolean> = {};
          for (const w of who) seen[w] = await path.sees(w, f);
          expect(seen).toEqual(Object.fromEntries(who.map((w) => [w, SEES[place].includes(w)])));
        });
      }
    });
  }
});

describe('what crawlers and feed readers get', () => {
  const text = async (url: string) => {
    const res = await t.api('GET', url);
    return { status: res.statusCode, body: res.body };
  };
  it('sitemaps name the public thread only', async () => {
    const threads = await text('/sitemaps/threads-1.xml');
    const [pub, tl2, staff] = PLACES.map((p) => fixtures.find((f) => f.place === p)!);
    expect(threads.body).toContain(`/t/${pub!.threadId}`);
    expect(threads.body).not.toContain(`/t/${tl2!.threadId}<`);
    expect(threads.body).not.toContain(`/t/${staff!.threadId}<`);
    const categories = await text('/sitemaps/categories.xml');
    expect(categories.body).toContain(`/c/${parent.slug}`);
    expect(categories.body).not.toContain(tl2!.slug);
    expect(categories.body).not.toContain(staff!.slug);
  });

  it('feeds leave restricted threads out, and their own feeds do not exist', async () => {
    for (const format of ['rss', 'atom']) {
      const latest = await text(`/feeds/latest/${format}`);
      expect(latest.body).toContain(`${WORD} public`);
      expect(latest.body).not.toContain(`${WORD} trust_2`);
      expect(latest.body).not.toContain(`${WORD} staff`);
      const parentFeed = await text(`/feeds/c/${parent.slug}/${format}`);
      expect(parentFeed.body).not.toContain(`${WORD} staff`);
      for (const place of ['trust_2', 'staff'] as const) {
        const f = fixtures.find((x) => x.place === place)!;
        expect((await text(`/feeds/t/${f.threadId}/${format}`)).status).toBe(404);
        expect((await text(`/feeds/c/${f.slug}/${format}`)).status).toBe(404);
      }
    }
  });
});

describe('a live subscriber without access', () => {
  it('receives nothing of a reply in a thread it may not see, while one with access gets it', async () => {
    const f = fixtures.find((x) => x.place === 'trust_2')!;
    const tl0 = await socketOf('tl0');
    const tl2 = await socketOf('tl2');
    // Both sockets answered `subscribed` for this topic in the read paths above: only an answer that comes after
    // this request says the subscription is in place (waiting on an older one let the reply race the subscribe).
    const [asked0, asked2] = [tl0.messages.length, tl2.messages.length];
    for (const s of [tl0, tl2]) s.ws.send(JSON.stringify({ type: 'subscribe', topics: [`thread:${f.threadId}`] }));
    const answered = (s: typeof tl0, from: number) => s.messages.slice(from).find((m) => m.type === 'subscribed');
    await until(() => answered(tl2, asked2) !== undefined);
    expect(answered(tl2, asked2).topics).toContain(`thread:${f.threadId}`);
    await until(() => answered(tl0, asked0) !== undefined);
    expect(answered(tl0, asked0).topics).not.toContain(`thread:${f.threadId}`);
    const mark = tl0.messages.length;
    await createReply(t.db, viewers.staff, f.threadId, 'Une réponse que seuls les membres de confiance lisent.');
    await until(() => tl2.messages.some((m) => m.type === 'event' && m.topic === `thread:${f.threadId}`));
    // The member without access asked for the topic and was refused: nothing of the thread reached them.
    expect(tl0.messages.slice(mark).filter((m) => m.type === 'event')).toEqual([]);
  });
});

describe('a live subscriber whose rights change while the socket is open', () => {
  it('is told its topics are revoked when the category becomes staff-only, and receives nothing more', async () => {
    const category = await createCategory(t.db, { slug: 'bientot-privee' });
    const { thread } = await createThread(t.db, authors.public, category.id, { title: 'Un sujet encore public' });
    const topics = [`thread:${thread.id}`, `category:${category.id}`];
    const tl2 = await socketOf('tl2');
    const staff = await socketOf('staff');
    for (const s of [tl2, staff]) {
      const before = s.messages.length;
      s.ws.send(JSON.stringify({ type: 'subscribe', topics }));
      await until(() => s.messages.slice(before).some((m) => m.type === 'subscribed'));
      expect(s.messages.slice(before).find((m) => m.type === 'subscribed').topics).toEqual(topics);
    }
    await t.app.liveRecheck();
    expect(tl2.messages.filter((m) => m.type === 'revoked')).toEqual([]);

    // The change itself sets the check off: no waiting for the node's next round.
    const mark = tl2.messages.length;
    const closed = await t.api('PATCH', `/api/categories/${category.id}`, {
      as: manager,
      body: { seeLevel: 'staff', startLevel: 'staff', replyLevel: 'staff' },
    });
    expect(closed.statusCode).toBe(200);
    await until(() => tl2.messages.slice(mark).some((m) => m.type === 'revoked'));
    const revoked = tl2.messages.slice(mark).filter((m) => m.type === 'revoked');
    expect(revoked).toHaveLength(1);
    expect([...revoked[0].topics].sort()).toEqual([...topics].sort());
    expect(staff.messages.filter((m) => m.type === 'revoked')).toEqual([]);

    await createReply(t.db, viewers.staff, thread.id, 'Une réponse que seule l’équipe lit désormais.');
    await until(() => staff.messages.some((m) => m.type === 'event' && m.topic === `thread:${thread.id}`));
    expect(tl2.messages.slice(mark).filter((m) => m.type === 'event')).toEqual([]);
  });
});

describe('writing where one may not see', () => {
  it('refuses a new thread as if the category did not exist, and a reply as if the thread did not', async () => {
    const f = fixtures.find((x) => x.place === 'trust_2')!;
    const started = await t.api('POST', '/api/threads', {
      as: viewers.tl0,
      body: { categoryId: f.categoryId, kind: 'discussion', title: 'Un sujet caché', body: 'Un texte assez long ici.' },
    });
    expect(started.statusCode).toBe(422);
    expect(started.json().error.code).toBe('category.not_found');
    const replied = await t.api('POST', `/api/threads/${f.threadId}/posts`, {
      as: viewers.tl0,
      body: { body: 'Une réponse.' },
    });
    expect(replied.statusCode).toBe(404);
    const bookmarked = await t.api('POST', `/api/posts/${f.firstPostId}/bookmark`, {
      as: viewers.tl0,
      body: {},
    });
    expect(bookmarked.statusCode).toBe(404);
    const liked = await t.api('POST', `/api/posts/${f.replyId}/reactions/like`, { as: viewers.tl0 });
    expect(liked.statusCode).toBe(404);
    expect((await t.api('POST', `/api/posts/${f.firstPostId}/reactions/like`, { as: viewers.tl2 })).statusCode).toBe(
      200,
    );
  });
});
