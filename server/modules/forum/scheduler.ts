import { PostsRepository, ThreadsRepository } from '../../content/index.ts';
import type { Db } from '../../db/kysely.ts';
import type { Post, Thread } from '../../db/types.ts';
import type { ReputationService } from '../reputation/index.ts';
import { threadWentPublic } from './went-public.ts';

/**
 * Publishes scheduled threads when their time comes (`publishAt`), with nobody online: each node checks every
 * `intervalMs`, and once at start, so a thread due while every server was down comes out at the next start.
 * Each due thread is claimed with `FOR UPDATE SKIP LOCKED` and published in one transaction with what a
 * publication brings (counts, reputation, mentions): with any number of nodes, exactly once. The state change
 * itself announces the thread live (migration 0009's trigger).
 */
export class ThreadScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number[]> | null = null;

  constructor(
    private readonly db: Db,
    private readonly reputation: ReputationService,
    private readonly intervalMs: number,
    private readonly log: { warn(msg: string): void } = { warn: () => {} },
  ) {}

  /** Publishes every thread due now; returns their ids. */
  async runDue(): Promise<number[]> {
    const published: number[] = [];
    for (;;) {
      const id = await this.db.transaction().execute(async (trx) => {
        const r = { threads: new ThreadsRepository(trx), posts: new PostsRepository(trx) };
        const due = await r.threads.claimDue();
        if (!due) return null;
        const thread = (await r.threads.publishScheduled(due.id)) as Thread;
        const first = (await r.posts.getFirst(thread.id)) as Post;
        if (first.state === 'published') await threadWentPublic(trx, this.reputation, thread, first);
        return thread.id;
      });
      if (id === null) return published;
      published.push(id);
    }
  }

  start(): void {
    if (this.intervalMs <= 0) return;
    const tick = () => {
      if (this.running) return;
      this.running = this.runDue()
        .catch((err) => (this.log.warn(`scheduler: ${(err as Error).message}`), []))
        .finally(() => (this.running = null));
    };
    tick();
    this.timer = setInterval(tick, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
