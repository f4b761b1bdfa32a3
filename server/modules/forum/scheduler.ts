import { sql } from 'kysely';
import type { Db } from '../../db/kysely.ts';
import type { Post, Thread } from '../../db/types.ts';
import type { ReputationService } from '../reputation/reputation.service.ts';
import { threadWentPublic } from './publish.ts';

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
        const due = await trx
          .selectFrom('threads')
          .selectAll()
          .where('state', '=', 'scheduled')
          .where('publish_at', '<=', sql<Date>`now()`)
          .orderBy('publish_at')
          .limit(1)
          .forUpdate()
          .skipLocked()
          .executeTakeFirst();
        if (!due) return null;
        const thread = (await trx
          .updateTable('threads')
          .set({ state: 'published', last_post_at: sql`now()`, created_at: sql`now()` })
          .where('id', '=', due.id)
          .returningAll()
          .executeTakeFirstOrThrow()) as Thread;
        const first = (await trx.selectFrom('posts').selectAll().where('thread_id', '=', thread.id).where('number', '=', 1).executeTakeFirstOrThrow()) as Post;
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
