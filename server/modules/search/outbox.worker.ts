import type { Db } from '../../db/kysely.ts';
import { SearchDocumentsRepository } from './documents.repository.ts';
import { SearchOutboxRepository } from './outbox.repository.ts';
import type { SearchDocument, SearchIndexer } from './search.port.ts';

export interface OutboxWorkerOptions {
  batch?: number;
  /** Pause when the outbox is empty. */
  idleMs?: number;
  /** First retry delay after a failure; it doubles per failure up to maxBackoffMs (with jitter). */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  log?: { info(msg: string): void; warn(msg: string): void };
}

export interface OutboxStatus {
  running: boolean;
  /** Consecutive failures of the index; 0 when healthy. */
  failures: number;
  lastError: string | null;
  lastSuccessAt: string | null;
}

/**
 * Drains `search_outbox` (migration 0008) into an external index. A batch is read, the posts it names are read as
 * they are now and sent; the rows are deleted in the same transaction, after the index confirmed. Any failure
 * rolls back: the rows stay and the batch is tried again after a growing pause, so updates wait out an outage
 * and none is lost. With no external index (PostgreSQL search), the rows are simply cleared.
 */
export class SearchOutboxWorker {
  private readonly documents: SearchDocumentsRepository;
  private readonly opts: Required<Omit<OutboxWorkerOptions, 'log'>>;
  private readonly log: NonNullable<OutboxWorkerOptions['log']>;
  private prepared = false;
  private stopped = true;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private readonly state: OutboxStatus = { running: false, failures: 0, lastError: null, lastSuccessAt: null };

  constructor(
    private readonly db: Db,
    private readonly indexer: SearchIndexer | null,
    options: OutboxWorkerOptions = {},
  ) {
    this.documents = new SearchDocumentsRepository(db);
    this.opts = { batch: 500, idleMs: 1000, minBackoffMs: 500, maxBackoffMs: 60_000, ...options };
    this.log = options.log ?? { info: () => {}, warn: () => {} };
  }

  get status(): OutboxStatus {
    return { ...this.state };
  }

  /** Rows waiting (for /healthz and the tests). */
  async backlog(): Promise<number> {
    return new SearchOutboxRepository(this.db).backlog();
  }

  /**
   * One batch. Returns how many outbox rows it settled; 0 when there were none or another node holds the lock.
   * Throws when the index failed (the rows stay).
   */
  async runOnce(): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const outbox = new SearchOutboxRepository(trx);
      if (!(await outbox.tryLockForTransaction())) return 0;
      const rows = await outbox.nextBatch(this.opts.batch);
      if (rows.length === 0) return 0;
      if (this.indexer) {
        if (!this.prepared) {
          await this.indexer.prepare();
          this.prepared = true;
        }
        const { documents, gone } = await new SearchDocumentsRepository(trx).load([
          ...new Set(rows.map((r) => Number(r.post_id))),
        ]);
        await this.indexer.apply(documents, gone);
      }
      await outbox.settle(rows.map((r) => r.id));
      return rows.length;
    });
  }

  /** Settles every row there is now (tests, and the end of a rebuild). Throws on the first failure. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.runOnce();
      total += n;
      if (n < this.opts.batch) return total;
    }
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.state.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.state.running = false;
    this.wakeUp?.();
    await this.loop;
    this.loop = null;
  }

  /** Runs the next batch now instead of after the idle pause (a write just happened). */
  wake(): void {
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    await this.rebuildWhenEmpty();
    while (!this.stopped) {
      let pause = this.opts.idleMs;
      try {
        const n = await this.runOnce();
        if (this.state.failures > 0)
          this.log.info(`search index reachable again after ${this.state.failures} failed attempts`);
        this.state.failures = 0;
        this.state.lastError = null;
        if (n > 0) this.state.lastSuccessAt = new Date().toISOString();
        if (n === this.opts.batch) pause = 0;
      } catch (err) {
        this.state.failures += 1;
        this.state.lastError = (err as Error).message;
        this.prepared = false;
        pause = backoff(this.state.failures, this.opts.minBackoffMs, this.opts.maxBackoffMs);
        this.log.warn(
          `search index update failed (attempt ${this.state.failures}, retry in ${Math.round(pause)} ms): ${this.state.lastError}`,
        );
      }
      if (!this.stopped) await this.sleep(pause);
    }
  }

  /** An empty external index beside a forum with posts (first start with Meilisearch): fill it from PostgreSQL. */
  private async rebuildWhenEmpty(): Promise<void> {
    if (!this.indexer) return;
    try {
      await this.indexer.prepare();
      this.prepared = true;
      if ((await this.indexer.count()) > 0 || (await this.documents.countFindable()) === 0) return;
      this.log.info('the search index is empty: building it from PostgreSQL');
      await rebuildIndex(this.db, this.indexer);
      this.log.info('search index built');
    } catch (err) {
      // The loop retries the outbox with backoff; `npm run search:reindex` rebuilds by hand.
      this.log.warn(`search index not prepared yet: ${(err as Error).message}`);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref?.();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }
}

/** Exponential backoff with jitter: about min·2^(n−1), capped, between half and all of it. */
export function backoff(failures: number, min: number, max: number): number {
  const full = Math.min(max, min * 2 ** Math.min(failures - 1, 30));
  return full / 2 + Math.random() * (full / 2);
}

/**
 * Rebuilds the external index from PostgreSQL, page by page, while holding the outbox lock so no batch runs in
 * between; changes made meanwhile wait in the outbox and are applied after the new index is in place.
 */
export async function rebuildIndex(
  db: Db,
  indexer: SearchIndexer,
  options: { pageSize?: number; onStart?: (total: number) => void; onPage?: (done: number) => void } = {},
): Promise<number> {
  const documents = new SearchDocumentsRepository(db);
  const pageSize = options.pageSize ?? 2000;
  return db.connection().execute(async (conn) => {
    const outbox = new SearchOutboxRepository(conn);
    await outbox.lock();
    try {
      const total = await documents.countFindable();
      options.onStart?.(total);
      let sent = 0;
      async function* pages(): AsyncGenerator<SearchDocument[]> {
        let after = 0;
        for (;;) {
          const page = await documents.page(after, pageSize);
          if (page.length === 0) return;
          yield page;
          sent += page.length;
          options.onPage?.(sent);
          after = page.at(-1)!.id;
        }
      }
      await indexer.rebuild(pages());
      return sent;
    } finally {
      await outbox.unlock();
    }
  });
}
