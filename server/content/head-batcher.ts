import type { ThreadsRepository } from './threads.repository.ts';

type Head = NonNullable<Awaited<ReturnType<ThreadsRepository['getHead']>>>;
type Waiter = { resolve(head: Head | undefined): void; reject(err: unknown): void };

/**
 * Threads' heads (state, version) for visitors' page reads when coalescing is off (THREAD_COALESCE=0), batched
 * (issue 20): the reads that arrive within one turn of the event loop share ONE query, sent after the last of them
 * arrived, so it sees every write committed before them. (Members' reads get the head with their own layer, in
 * one statement: ReaderRepository.overlay.)
 */
export class HeadBatcher {
  private pending = new Map<number, Waiter[]>();
  private scheduled = false;

  constructor(private readonly threads: Pick<ThreadsRepository, 'getHeads'>) {}

  load(id: number): Promise<Head | undefined> {
    return new Promise((resolve, reject) => {
      const waiting = this.pending.get(id);
      if (waiting) waiting.push({ resolve, reject });
      else this.pending.set(id, [{ resolve, reject }]);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    this.scheduled = false;
    try {
      const heads = new Map((await this.threads.getHeads([...batch.keys()])).map((h) => [h.id, h]));
      for (const [id, waiters] of batch) for (const w of waiters) w.resolve(heads.get(id));
    } catch (err) {
      for (const waiters of batch.values()) for (const w of waiters) w.reject(err);
    }
  }
}
