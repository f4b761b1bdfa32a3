import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { createDb } from '../../server/db/kysely.ts';
import type { Category, Member } from '../../server/db/types.ts';
import { createCategory, createMember, createReply, createThread } from '../factories/index.ts';
import { createTestDatabase, type TestDatabase } from '../setup/db.ts';
import { SessionRepository } from '../../server/modules/auth/session.repository.ts';
import { generateSessionToken, SessionService } from '../../server/modules/auth/session.service.ts';

/**
 * Live updates across two app nodes: two servers listening on their own ports, each with its own connection
 * pool and LISTEN connection, sharing one database, as behind a load balancer.
 */
interface Message {
  type: string;
  id?: number;
  topic?: string;
  event?: string;
  data?: Record<string, unknown>;
  topics?: string[];
  denied?: { topic: string; code: string }[];
  last?: number;
  code?: string;
}

class Client {
  readonly messages: Message[] = [];
  private waiters: (() => void)[] = [];
  closed = false;
  closeCode: number | null = null;
  closeReason = '';
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      this.messages.push(JSON.parse(raw.toString()));
      for (const w of this.waiters.splice(0)) w();
    });
    ws.on('close', (code, reason) => {
      this.closed = true;
      this.closeCode = code;
      this.closeReason = reason.toString();
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** A socket whose handshake succeeds, whether or not the server keeps it. */
  static connect(base: string, options: { cookie?: string } = {}): Promise<Client> {
    const headers: Record<string, string> = { origin: base.replace('ws:', 'http:') };
    if (options.cookie) headers.cookie = options.cookie;
    const ws = new WebSocket(`${base}/api/live`, { headers });
    const client = new Client(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  static open(base: string, options: { cookie?: string; origin?: string } = {}): Promise<Client> {
    const headers: Record<string, string> = { origin: options.origin ?? base.replace('ws:', 'http:') };
    if (options.cookie) headers.cookie = options.cookie;
    const ws = new WebSocket(`${base}/api/live`, { headers });
    const client = new Client(ws);
    return new Promise((resolve, reject) => {
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
      void client.next((m) => m.type === 'ready').then(() => resolve(client), reject);
    });
  }

  send(message: object) {
    this.ws.send(JSON.stringify(message));
  }

  /** The first message (already received or to come) that matches. */
  async next(match: (m: Message) => boolean, timeoutMs = 10_000): Promise<Message> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(match);
      if (found) return found;
      if (this.closed) throw new Error('socket closed');
      if (Date.now() > end) throw new Error(`no matching message; got ${JSON.stringify(this.messages)}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 100);
      });
    }
  }

  async subscribe(topics: string[], since?: number) {
    const before = this.messages.length;
    this.send({ type: 'subscribe', topics, since });
    await this.next((m) => m.type === 'subscribed' && this.messages.indexOf(m) >= before);
    return this.messages.filter((m) => m.type === 'subscribed').at(-1)!;
  }

  events(event?: string) {
    return this.messages.filter((m) => m.type === 'event' && (!event || m.event === event));
  }

  close() {
    this.ws.close();
  }
}

let database: TestDatabase;
const nodes: { app: FastifyInstance; base: string; close(): Promise<void> }[] = [];
let category: Category;
let alice: Member;
let bob: Member;
let carol: Member;
let moderator: Member;

async function startNode(env: Record<string, string> = {}) {
  const { db } = createDb(database.url, 5);
  const config = loadConfig({
    WEB_DIST: '/nonexistent',
    SEARCH_WORKER: '0',
    RATE_LIMIT_POSTING: '10000',
    NETIQUETTE_RECHECK_MS: '0',
    ...env,
  });
  const app = await buildApp({ config, db, databaseUrl: database.url });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  const close = async () => {
    await app.close();
    await db.destroy();
  };
  const node = { app, base: `ws://127.0.0.1:${port}`, close };
  nodes.push(node);
  return node;
}

const sessions = () => new SessionService(new SessionRepository(database.db));
async function cookieFor(member: Member) {
  const token = generateSessionToken();
  await sessions().create(token, member.id);
  return `agora_session=${token}`;
}

async function post(node: { base: string }, path: string, member: Member, body: object) {
  const http = node.base.replace('ws:', 'http:');
  const res = await fetch(`${http}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: http, cookie: await cookieFor(member) },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

beforeAll(async () => {
  database = await createTestDatabase();
  category = await createCategory(database.db);
  alice = await createMember(database.db, { trustLevel: 2 });
  bob = await createMember(database.db, { trustLevel: 2 });
  carol = await createMember(database.db, { trustLevel: 2 });
  moderator = await createMember(database.db, { role: 'moderator' });
  await startNode();
  await startNode();
  // These tests post a lot, fast, and alike (the rules' own tests turn these on).
  await database.db
    .updateTable('netiquette_rules')
    .set({ enabled: false })
    .where('key', 'in', ['flood', 'duplicate'])
    .execute();
});
afterAll(async () => {
  for (const n of nodes) await n.close();
  await database.drop();
});

describe('live updates across app nodes', () => {
  it('a reply posted on one node reaches a socket on the other', async () => {
    const [a, b] = nodes;
    const { thread } = await createThread(database.db, alice, category.id, {
      title: 'Bivouac en février',
      body: 'Qui part ?',
    });
    const reader = await Client.open(b!.base);
    expect((await reader.subscribe([`thread:${thread.id}`])).topics).toEqual([`thread:${thread.id}`]);
    const reply = await post(a!, `/api/threads/${thread.id}/posts`, bob, { body: 'Moi, avec un duvet -10.' });
    expect(reply.status).toBe(201);
    const event = await reader.next((m) => m.event === 'post.created');
    expect(event).toMatchObject({
      topic: `thread:${thread.id}`,
      data: { postId: reply.json.post.id, threadId: thread.id, authorId: bob.id },
    });
    expect(JSON.stringify(event)).not.toContain('duvet'); // ids only: the text is fetched through the API
    reader.close();
  });

  it('checks the right to every topic', async () => {
    const [a] = nodes;
    const { thread: hidden } = await createThread(database.db, alice, category.id, { title: 'Sujet masqué' });
    await database.db.updateTable('threads').set({ state: 'hidden' }).where('id', '=', hidden.id).execute();
    const visitor = await Client.open(a!.base);
    const denied = await visitor.subscribe([
      'queue',
      'me',
      `thread:${hidden.id}`,
      'category:999999',
      'everything',
      `category:${category.id}`,
    ]);
    expect(denied.topics).toEqual([`category:${category.id}`]);
    expect(Object.fromEntries(denied.denied!.map((d) => [d.topic, d.code]))).toEqual({
      queue: 'auth.required',
      me: 'auth.required',
      [`thread:${hidden.id}`]: 'thread.not_found',
      'category:999999': 'category.not_found',
      everything: 'topic.unknown',
    });
    const member = await Client.open(a!.base, { cookie: await cookieFor(bob) });
    const asMember = await member.subscribe(['queue', 'me', `thread:${hidden.id}`]);
    expect(asMember.topics).toEqual(['me']);
    expect(asMember.denied!.map((d) => d.code)).toEqual(['access.denied', 'thread.not_found']);
    const mod = await Client.open(a!.base, { cookie: await cookieFor(moderator) });
    expect((await mod.subscribe(['queue', `thread:${hidden.id}`])).topics).toEqual(['queue', `thread:${hidden.id}`]);
    member.send({ type: 'subscribe', topics: 'queue' });
    expect((await member.next((m) => m.type === 'error')).code).toBe('message.malformed');
    member.ws.send('{not json');
    expect(member.messages.filter((m) => m.type === 'error')).toHaveLength(1);
    await member.next((m) => m.type === 'error' && member.messages.filter((x) => x.type === 'error').length === 2);
    for (const c of [visitor, member, mod]) c.close();
  });

  it('refuses a socket opened by another site’s page (cross-site WebSocket hijacking)', async () => {
    for (const origin of ['https://evil.example', 'null']) {
      await expect(Client.open(nodes[0]!.base, { cookie: await cookieFor(bob), origin })).rejects.toThrow('HTTP 403');
    }
  });

  it('feeds the moderation queue live: added, claimed, decided', async () => {
    const [a, b] = nodes;
    const mod = await Client.open(b!.base, { cookie: await cookieFor(moderator) });
    await mod.subscribe(['queue']);
    const { thread } = await createThread(database.db, alice, category.id, { title: 'Une question' });
    const held = await post(a!, `/api/threads/${thread.id}/posts`, bob, { body: 'Écrivez-moi : https://bit.ly/xyz' });
    expect(held.status, JSON.stringify(held.json)).toBe(201);
    const added = await mod.next((m) => m.event === 'moderation.added' && m.data?.postId === held.json.post.id);
    const itemId = added.data!.itemId as number;
    expect((await post(a!, `/api/moderation/items/${itemId}/claim`, moderator, {})).status).toBe(200);
    await mod.next((m) => m.event === 'moderation.claimed' && m.data?.itemId === itemId);
    expect((await post(a!, `/api/moderation/items/${itemId}/approve`, moderator, {})).status).toBe(200);
    await mod.next((m) => m.event === 'moderation.decided' && m.data?.itemId === itemId);
    mod.close();
  });

  it('catches a reconnecting client up from its last event id, or tells it to reload', async () => {
    const [a, b] = nodes;
    const { thread } = await createThread(database.db, alice, category.id, { title: 'Réchaud et altitude' });
    const first = await Client.open(a!.base);
    await first.subscribe([`thread:${thread.id}`]);
    const read = await createReply(database.db, bob, thread.id, 'Le gaz gèle vers 3000 m.');
    // That reply's event, not the opening post's, which a hub a moment behind can still deliver after subscribing.
    const seen = (await first.next((m) => m.event === 'post.created' && m.data?.postId === read.id)) as Message & {
      id: number;
    };
    first.close();
    // While the reader is away: two replies and a like.
    const missed = [
      await createReply(database.db, carol, thread.id, 'Prenez une cartouche hiver.'),
      await createReply(database.db, bob, thread.id, 'Ou un réchaud à essence.'),
    ];
    expect((await post(a!, `/api/posts/${missed[0]!.id}/reactions/like`, alice, {})).status).toBe(200);
    await b!.app.liveHub.settle();
    const again = await Client.open(b!.base);
    await again.subscribe([`thread:${thread.id}`], seen.id);
    await again.next((m) => m.event === 'post.reactions');
    expect(again.events().map((m) => [m.event, m.data?.postId])).toEqual([
      ['post.created', missed[0]!.id],
      ['post.created', missed[1]!.id],
      ['post.reactions', missed[0]!.id],
    ]);
    const ids = again.events().map((m) => m.id!);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    again.close();

    // Further back than the kept window: the client is told to reload.
    await database.db.deleteFrom('live_events').where('id', '<=', seen.id).execute();
    const late = await Client.open(a!.base);
    await late.subscribe([`thread:${thread.id}`], seen.id - 1);
    await late.next((m) => m.type === 'reset');
    late.close();
  });

  it('closes a socket that stops answering heartbeats', async () => {
    const node = await startNode({ LIVE_HEARTBEAT_MS: '100' });
    const silent = await Client.open(node.base);
    const alive = await Client.open(node.base);
    (silent.ws as unknown as { _socket: { pause(): void } })._socket.pause(); // no pongs
    await new Promise((r) => setTimeout(r, 600));
    (silent.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    await new Promise((r) => setTimeout(r, 200));
    expect(silent.closed).toBe(true);
    expect(alive.closed).toBe(false);
    alive.close();
  });
});

describe('what one client can do to a node', () => {
  it('refuses sockets past the per-address cap with close code 1013, and the node still answers HTTP', async () => {
    const capped = await startNode({ LIVE_MAX_SOCKETS_PER_ADDRESS: '5', LIVE_MAX_SOCKETS_PER_MEMBER: '3' });
    const kept = await Promise.all(Array.from({ length: 5 }, () => Client.open(capped.base)));
    const refused = await Client.connect(capped.base);
    await refused.next(() => false, 5000).catch(() => undefined);
    expect(refused.closeCode).toBe(1013);
    expect(refused.closeReason).toBe('live.too_many_from_address');
    const { thread } = await createThread(database.db, alice, category.id);
    const read = await fetch(`${capped.base.replace('ws:', 'http:')}/api/threads/${thread.id}`);
    expect(read.status).toBe(200);
    // A closed socket frees its place.
    kept[0]!.close();
    await kept[0]!.next(() => false, 2000).catch(() => undefined);
    const again = await Client.open(capped.base);
    expect(again.closeCode).toBeNull();
    for (const c of [...kept, again]) c.close();
  });

  it('caps one member’s sockets, wherever they come from', async () => {
    const capped = nodes.at(-1)!;
    const cookie = await cookieFor(carol);
    const kept = await Promise.all(Array.from({ length: 3 }, () => Client.open(capped.base, { cookie })));
    const refused = await Client.connect(capped.base, { cookie });
    await refused.next(() => false, 5000).catch(() => undefined);
    expect(refused.closeCode).toBe(1013);
    expect(refused.closeReason).toBe('live.too_many_for_member');
    for (const c of kept) c.close();
  });

  it('refuses a topic past int32 before any query, and keeps delivering the socket’s other topics', async () => {
    const [a, b] = nodes;
    const { thread } = await createThread(database.db, alice, category.id);
    const reader = await Client.open(b!.base);
    const answer = await reader.subscribe(['thread:2147483648', `thread:${thread.id}`, 'thread:99999999999']);
    expect(answer.topics).toEqual([`thread:${thread.id}`]);
    expect(answer.denied).toEqual([
      { topic: 'thread:2147483648', code: 'topic.unknown' },
      { topic: 'thread:99999999999', code: 'topic.unknown' },
    ]);
    const reply = await post(a!, `/api/threads/${thread.id}/posts`, bob, { body: 'Toujours là.' });
    expect(reply.status).toBe(201);
    expect(await reader.next((m) => m.event === 'post.created')).toMatchObject({
      data: { postId: reply.json.post.id },
    });
    reader.close();
  });
});

describe('notifications', () => {
  const api = async (method: string, path: string, member?: Member, body?: object) => {
    const http = nodes[0]!.base.replace('ws:', 'http:');
    const headers: Record<string, string> = { origin: http };
    if (member) headers.cookie = await cookieFor(member);
    if (body) headers['content-type'] = 'application/json';
    const res = await fetch(`${http}${path}`, { method, headers, body: body && JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as Record<string, any> };
  };
  /** The kinds this member was sent, leaving out the badges and trust levels their first posts earn. */
  const kinds = async (member: Member) =>
    (await api('GET', '/api/notifications', member)).json.notifications
      .map((n: { kind: string }) => n.kind)
      .filter((k: string) => k !== 'badge.granted' && k !== 'trust.promoted');

  it('tells a thread’s author of replies, the mentioned of mentions, live on `me`', async () => {
    const author = await createMember(database.db, { trustLevel: 2 });
    const named = await createMember(database.db, { trustLevel: 2 });
    const bell = await Client.open(nodes[1]!.base, { cookie: await cookieFor(author) });
    await bell.subscribe(['me']);
    const { thread } = await createThread(database.db, author, category.id, { title: 'Quel sac de 40 L ?' });
    const reply = await post(nodes[0]!, `/api/threads/${thread.id}/posts`, bob, {
      body: `Demande à @${named.username}, il a testé.`,
    });
    expect(reply.status).toBe(201);
    await bell.next((m) => m.event === 'notification' && m.data?.kind === 'reply');
    expect(await kinds(author)).toEqual(['reply']);
    expect(await kinds(named)).toEqual(['mention']);
    expect(await kinds(bob)).not.toContain('reply'); // not for one's own post
    const list = (await api('GET', '/api/notifications', author)).json;
    expect(list.notifications.find((n: { kind: string }) => n.kind === 'reply').data).toMatchObject({
      threadId: thread.id,
      postId: reply.json.post.id,
      by: { username: bob.username },
    });
    bell.close();
  });

  it('groups likes on one post, counts unread, marks read', async () => {
    const author = await createMember(database.db, { trustLevel: 2 });
    const { post: first } = await createThread(database.db, author, category.id, { title: 'Astuce lacets' });
    await api('POST', '/api/notifications/read', author, {});
    for (const fan of [alice, bob, carol])
      expect((await api('POST', `/api/posts/${first.id}/reactions/like`, fan)).status).toBe(200);
    const list = (await api('GET', '/api/notifications', author)).json;
    const likes = list.notifications.filter((n: { kind: string }) => n.kind === 'like');
    expect(likes).toHaveLength(1);
    expect(likes[0]).toMatchObject({ count: 3, read: false, data: { by: { username: carol.username } } });
    expect((await api('GET', '/api/notifications/unread', author)).json.unread).toBe(
      list.notifications.filter((n: { read: boolean }) => !n.read).length,
    );
    expect((await api('POST', '/api/notifications/read', author, {})).json.unread).toBe(0);
    // After reading, the next like starts a new notification.
    const dave = await createMember(database.db, { trustLevel: 2 });
    await api('POST', `/api/posts/${first.id}/reactions/like`, dave);
    const after = (await api('GET', '/api/notifications', author)).json.notifications.filter(
      (n: { kind: string }) => n.kind === 'like',
    );
    expect(after.map((n: { count: number; read: boolean }) => [n.count, n.read])).toEqual([
      [1, false],
      [3, true],
    ]);
  });

  it('respects per-kind preferences, and refuses unknown kinds and visitors', async () => {
    const author = await createMember(database.db, { trustLevel: 2 });
    const prefs = await api('PUT', '/api/notifications/preferences', author, { muted: ['like'] });
    expect(prefs.json).toMatchObject({ muted: ['like'] });
    expect(prefs.json.kinds).toContain('reply');
    const { thread, post: first } = await createThread(database.db, author, category.id, {
      title: 'Gants de ski',
      kind: 'question',
    });
    await api('POST', `/api/posts/${first.id}/reactions/like`, bob);
    const answer = await createReply(database.db, bob, thread.id, 'Des moufles !');
    expect((await api('POST', `/api/threads/${thread.id}/accept`, author, { postId: answer.id })).status).toBe(200);
    expect(await kinds(author)).toEqual(['reply']);
    expect(await kinds(bob)).toContain('answer.accepted');
    expect(
      (await api('PUT', '/api/notifications/preferences', author, { muted: ['moderation.rejected'] })).status,
    ).toBe(422);
    expect((await api('GET', '/api/notifications')).status).toBe(401);
    expect((await api('POST', '/api/notifications/read', undefined, {})).status).toBe(401);
    expect((await api('PUT', '/api/notifications/preferences', undefined, { muted: [] })).status).toBe(401);
  });
});
