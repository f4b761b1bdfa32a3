import type { MemberMarksRead } from '../../content/index.ts';
import type { TrackingLevel } from '../../db/types.ts';

const sorted = (ids: readonly number[]) => Int32Array.from(ids).sort();

function includes(list: Int32Array, id: number): boolean {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = list[mid]!;
    if (at === id) return true;
    if (at < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * Where a member has marks across the community (issue 20), enough to say that a thread page holds none of theirs:
 * then their layer on it is the empty one (no reaction, bookmark, level or read position; their category's level;
 * the page's authors they ignore) and needs no statement. The posts and threads are sorted arrays (4 bytes each);
 * threads a notice named since they were read (`touch`) count as marked, whatever the notice said.
 */
export class MemberMarks {
  private readonly posts: Int32Array;
  private readonly threads: Int32Array;
  private readonly touchedThreads = new Set<number>();
  readonly ignored: readonly number[];
  private readonly categories: ReadonlyMap<number, TrackingLevel>;

  constructor(row: MemberMarksRead & { posts: number[]; threads: number[] }) {
    this.posts = sorted(row.posts);
    this.threads = sorted(row.threads);
    this.ignored = row.ignored;
    this.categories = new Map(Object.entries(row.categories).map(([id, level]) => [Number(id), level]));
  }

  /** What the node holds, in entries (the cache's bound). */
  get size(): number {
    return (
      this.posts.length + this.threads.length + this.touchedThreads.size + this.ignored.length + this.categories.size
    );
  }

  /** Threads notices named since the marks were read. */
  get touched(): number {
    return this.touchedThreads.size;
  }

  /** A notice named this thread: the member's marks there are read from the database from now on. */
  touch(threadId: number): void {
    this.touchedThreads.add(threadId);
  }

  /** Has the member no mark on this page: no level or read position in its thread, nothing on its posts? */
  holdsNone(threadId: number, postIds: readonly number[]): boolean {
    if (this.touchedThreads.has(threadId) || includes(this.threads, threadId)) return false;
    return !postIds.some((id) => includes(this.posts, id));
  }

  /** The member's level for a category (a thread's own level is a mark). */
  levelIn(categoryId: number): TrackingLevel {
    return this.categories.get(categoryId) ?? 'normal';
  }
}
