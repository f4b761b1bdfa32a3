import { LRUCache } from 'lru-cache';

/** Forgets what visitors were shown of a thread (or of every thread). */
export interface Forget {
  forget(threadId?: number): void;
}

/**
 * A thread's social summary as visitors see it (the same for all of them), kept per node for a short time: the
 * thread page and its server rendering read it on every visit. A write on this node forgets the thread's entry at
 * once; other nodes see it within the TTL, and readers on the page get the change live anyway.
 */
export class VisitorCache<T extends object> implements Forget {
  private readonly entries: LRUCache<number, T>;

  constructor(ttlMs = 2000, max = 2000) {
    this.entries = new LRUCache({ max, ttl: ttlMs });
  }

  async get(threadId: number, read: () => Promise<T>): Promise<T> {
    const kept = this.entries.get(threadId);
    if (kept) return kept;
    const value = await read();
    this.entries.set(threadId, value);
    return value;
  }

  forget(threadId?: number): void {
    if (threadId === undefined) this.entries.clear();
    else this.entries.delete(threadId);
  }
}
