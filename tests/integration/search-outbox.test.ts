import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Category, Member } from '../../server/db/types.ts';
import { SearchDocumentsRepository } from '../../server/modules/search/documents.repository.ts';
import { backoff, rebuildIndex, SearchOutboxWorker } from '../../server/modules/search/outbox.worker.ts';
import type { SearchDocument, SearchIndexer } from '../../server/modules/search/search.port.ts';
import { createCategory, createMember, createReply, createThread } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

/**
 * An index outside PostgreSQL, kept in memory, that can be told to fail: it stands for Meilisearch being down
 * (the Meilisearch adapter itself runs the contract suite in search.test.ts when MEILI_URL is set). It records
 * how many calls overlapped, to show that two nodes' workers never apply batches at the same time.
 */
class FlakyIndex implements SearchIndexer {
  docs = new Map<number, SearchDocument>();
  failuresLeft = 0;
  /** Fails after applying the upserts, as a crash between two requests would. */
  failHalfway = false;
  calls = 0;
  failures = 0;
  busy = 0;
  maxBusy = 0;
  rebuilds = 0;

  async prepare() {}
  async count() {
    return this.docs.size;
  }
  async apply(upserts: SearchDocument[], deletes: number[]) {
    this.calls++;
    this.busy++;
    this.maxBusy = Math.max(this.maxBusy, this.busy);
    try {
      await new Promise((r) => setTimeout(r, 5));
      if (this.failuresLeft > 0 && !this.failHalfway) {
        this.failuresLeft--;
        this.failures++;
        throw new Error('connect ECONNREFUSED 127.0.0.1:7700');
      }
      for (const d of upserts) this.docs.set(d.id, d);
      if (this.failuresLeft > 0) {
        this.failuresLeft--;
        this.failures++;
        throw new Error('socket hang up');
      }
      for (const id of deletes) this.docs.delete(id);
    } finally {
      this.busy--;
    }
  }
  async rebuild(pages: AsyncIterable<SearchDocument[]>) {
    this.rebuilds++;
    const next = new Map<number, SearchDocument>();
    for await (const page of pages) for (const d of page) next.set(d.id, d);
    this.docs = next;
  }
}

let t: TestApp;
let category: Category;
let author: Member;
let documents: SearchDocumentsRepository;

/** What the index must hold: every findable post as PostgreSQL has it now. */
async function expected() {
  return new Map((await documents.page(0, 100_000)).map((d) => [d.id, d]));
}
const outboxRows = async () =>
  (await t.db.selectFrom('search_outbox').select('post_id').orderBy('id').execute()).map((r) => Number(r.post_id));

beforeAll(async () => {
  t = await createTestApp();
  category = await createCategory(t.db);
  author = await createMember(t.db, { trustLevel: 2 });
  documents = new SearchDocumentsRepository(t.db);
});
afterAll(() => t.close());

describe('search outbox', () => {
  it('is written in the posting transaction, and not at all when the post is refused', async () => {
    await t.db.deleteFrom('search_outbox').execute();
    const created = await t.api('POST', '/api/threads', {
      as: author,
      body: {
        categoryId: category.id,
        title: 'Tente deux places légère',
        body: 'Quelle tente pour deux en bivouac ?',
        kind: 'question',
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(await outboxRows()).toEqual([created.json().post.id]);
    const refused = await t.api('POST', '/api/threads', {
      as: author,
      body: {
        categoryId: category.id,
        title: 'Virement',
        body: 'Mon IBAN : FR76 3000 6000 0112 3456 7890 189',
        kind: 'question',
      },
    });
    expect(refused.statusCode, refused.body).toBe(422);
    expect(await outboxRows()).toEqual([created.json().post.id]);
  });

  it('sends edits, moderation and deletions to the index, each post once per batch', async () => {
    const index = new FlakyIndex();
    const worker = new SearchOutboxWorker(t.db, index);
    const { thread, post } = await createThread(t.db, author, category.id, {
      title: 'Réchaud à alcool',
      body: 'Mon réchaud fume.',
    });
    const reply = await createReply(t.db, author, thread.id, 'Nettoyez le brûleur.');
    await t.db.updateTable('posts').set({ body_md: 'Mon réchaud fume noir.' }).where('id', '=', post.id).execute();
    await worker.drain();
    expect(index.docs.get(post.id)).toMatchObject({
      title: 'Réchaud à alcool',
      body: 'Mon réchaud fume noir.',
      visibility: 'published',
      number: 1,
    });
    expect(index.docs.get(reply.id)).toMatchObject({ title: '', body: 'Nettoyez le brûleur.', threadId: thread.id });
    expect(await outboxRows()).toEqual([]);

    // A thread hidden by a moderator: its posts stay indexed for moderators, marked hidden. Deleted: gone.
    await t.db.updateTable('threads').set({ state: 'hidden' }).where('id', '=', thread.id).execute();
    await worker.drain();
    expect([index.docs.get(post.id)?.visibility, index.docs.get(reply.id)?.visibility]).toEqual(['hidden', 'hidden']);
    await t.db.updateTable('posts').set({ state: 'deleted' }).where('id', '=', reply.id).execute();
    await worker.drain();
    expect(index.docs.has(reply.id)).toBe(false);
    expect(index.docs).toEqual(await expected());
  });

  it('loses nothing while the index is down: retries with backoff, then catches up', async () => {
    const index = new FlakyIndex();
    await rebuildIndex(t.db, index);
    index.failuresLeft = 4;
    const worker = new SearchOutboxWorker(t.db, index, { batch: 3, idleMs: 5, minBackoffMs: 5, maxBackoffMs: 40 });
    worker.start();
    const written: number[] = [];
    for (let i = 0; i < 7; i++) {
      const { post } = await createThread(t.db, author, category.id, {
        title: `Sac de couchage ${i}`,
        body: `Confort ${i} degrés.`,
      });
      written.push(post.id);
    }
    const { thread, post: edited } = await createThread(t.db, author, category.id, {
      title: 'Matelas gonflable',
      body: 'Il fuit.',
    });
    await t.db.updateTable('posts').set({ body_md: 'Il fuit par la valve.' }).where('id', '=', edited.id).execute();
    await t.db.updateTable('threads').set({ state: 'deleted' }).where('id', '=', thread.id).execute();
    await until(async () => index.failures === 4 && (await outboxRows()).length === 0);
    await worker.stop();
    expect(worker.status).toMatchObject({ failures: 0, lastError: null, running: false });
    for (const id of written) expect(index.docs.has(id)).toBe(true);
    expect(index.docs.has(edited.id)).toBe(false);
    expect(index.docs).toEqual(await expected());
  });

  it('applies a batch again after a failure halfway through it', async () => {
    const index = new FlakyIndex();
    await rebuildIndex(t.db, index);
    const { post } = await createThread(t.db, author, category.id, {
      title: 'Gourde filtrante',
      body: 'Elle filtre bien.',
    });
    await t.db.updateTable('posts').set({ state: 'deleted' }).where('id', '=', post.id).execute();
    const { post: kept } = await createThread(t.db, author, category.id, {
      title: 'Gourde isotherme',
      body: 'Elle garde le froid.',
    });
    index.failuresLeft = 1;
    index.failHalfway = true;
    const worker = new SearchOutboxWorker(t.db, index);
    await expect(worker.drain()).rejects.toThrow('socket hang up');
    expect(await outboxRows()).toHaveLength(3); // nothing settled
    await worker.drain();
    expect(index.docs.has(kept.id)).toBe(true);
    expect(index.docs.has(post.id)).toBe(false);
    expect(index.docs).toEqual(await expected());
  });

  it('lets one node drain at a time', async () => {
    const index = new FlakyIndex();
    await rebuildIndex(t.db, index);
    for (let i = 0; i < 12; i++)
      await createThread(t.db, author, category.id, { title: `Piolet ${i}`, body: 'Piolet technique.' });
    const nodes = [
      new SearchOutboxWorker(t.db, index, { batch: 2 }),
      new SearchOutboxWorker(t.db, index, { batch: 2 }),
    ];
    await Promise.all([...nodes.map((n) => n.drain()), ...nodes.map((n) => n.drain())]);
    await nodes[0]!.drain();
    expect(index.maxBusy).toBe(1);
    expect(await outboxRows()).toEqual([]);
    expect(index.docs).toEqual(await expected());
  });

  it('rebuilds an empty index from PostgreSQL when the worker starts, with progress', async () => {
    const index = new FlakyIndex();
    const progress: number[] = [];
    let total = -1;
    const sent = await rebuildIndex(t.db, index, {
      pageSize: 4,
      onStart: (n) => (total = n),
      onPage: (n) => progress.push(n),
    });
    expect(sent).toBe(total);
    expect(progress.at(-1)).toBe(total);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(index.docs).toEqual(await expected());

    const empty = new FlakyIndex();
    const worker = new SearchOutboxWorker(t.db, empty, { idleMs: 5 });
    worker.start();
    await until(async () => empty.rebuilds === 1 && empty.docs.size === total);
    await worker.stop();
    expect(empty.docs).toEqual(await expected());
  });

  it('only clears the rows when search is PostgreSQL’s own (no external index)', async () => {
    await createThread(t.db, author, category.id, { title: 'Crampons', body: 'Crampons automatiques.' });
    expect((await outboxRows()).length).toBeGreaterThan(0);
    await new SearchOutboxWorker(t.db, null).drain();
    expect(await outboxRows()).toEqual([]);
  });

  it('with Meilisearch unreachable: search answers 503, posting still works and its updates wait in the outbox', async () => {
    const down = await createTestApp({ MEILI_URL: 'http://127.0.0.1:9', MEILI_INDEX: 'agora_down' });
    try {
      const res = await down.api('GET', '/api/search?q=tente');
      expect(res.statusCode, res.body).toBe(503);
      expect(res.json().error.code).toBe('search.unavailable');
      expect(res.body).not.toContain('127.0.0.1');
      expect(res.headers['retry-after']).toBe('5');
      expect((await down.api('GET', '/api/search/titles?q=tente')).statusCode).toBe(503);
      const cat = await createCategory(down.db);
      const member = await createMember(down.db, { trustLevel: 2 });
      const created = await down.api('POST', '/api/threads', {
        as: member,
        body: {
          categoryId: cat.id,
          title: 'Tente tunnel ou dôme ?',
          body: 'Pour le vent, laquelle ?',
          kind: 'question',
        },
      });
      expect(created.statusCode, created.body).toBe(201);
      await expect(down.app.searchOutbox.drain()).rejects.toThrow();
      const waiting = await down.db.selectFrom('search_outbox').select('post_id').execute();
      expect(waiting.map((r) => Number(r.post_id))).toEqual([created.json().post.id]);
    } finally {
      await down.close();
    }
  });

  it('waits longer after each failure, up to a ceiling', () => {
    const at = (n: number) => Array.from({ length: 200 }, () => backoff(n, 500, 60_000));
    expect(Math.min(...at(1))).toBeGreaterThanOrEqual(250);
    expect(Math.max(...at(1))).toBeLessThanOrEqual(500);
    expect(Math.min(...at(4))).toBeGreaterThanOrEqual(2000);
    expect(Math.max(...at(4))).toBeLessThanOrEqual(4000);
    expect(Math.max(...at(40))).toBeLessThanOrEqual(60_000);
    expect(Math.min(...at(40))).toBeGreaterThanOrEqual(30_000);
  });
});

/** Polls a condition (the worker runs on its own timers); fails the test after a generous wait. */
async function until(condition: () => Promise<boolean>, timeoutMs = 15_000) {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
