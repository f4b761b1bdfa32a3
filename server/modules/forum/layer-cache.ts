import { LRUCache } from 'lru-cache';
import type { ChangeFeed } from '../../db/change-feed.ts';
import type { MemberMarksRead, ReaderOverlay } from '../../content/index.ts';
import { MemberMarks } from './member-marks.ts';
import type { CachedPage } from './page-cache.ts';

/** A member's layer on one kept page, without the thread's head (the page's own, vouched by the page cache). */
export type Layer = Omit<ReaderOverlay, 'head'>;

/**
 * A layer, and what it was read for: the page's posts (their marks, their authors) and the thread's category (its
 * level, where the thread has none of the member's own).
 */
type Kept = { postIds: readonly number[]; categoryId: number; layer: Layer };
type PageShape = Pick<CachedPage, 'postIds'> & { thread: Pick<CachedPage['thread'], 'id' | 'categoryId'> };

const samePosts = (a: readonly number[], b: readonly number[]) =>
  a === b || (a.length === b.length && a.every((id, i) => id === b[i]));

/** How many pages of one thread a member's layers are kept for (a member paging through a long thread). */
const PAGES_PER_THREAD = 8;
/** A member whose marks are more than the node keeps (ReaderRepository.memberMarks' cap): their layers are read. */
const OVERSIZED = 'oversized';
/** Threads notices may name after a member's marks were read before those marks are read again. */
const MAX_TOUCHED = 1000;

/**
 * Members' own layers on the thread pages a node keeps (issue 20): their reactions and bookmarks on the page's
 * posts, their level and read position in the thread, the page's authors they ignore. A member's read of a kept,
 * vouched page whose layer is kept here asks the database nothing, as a visitor's read does.
 *
 * A layer is kept for a page's posts and its thread's category (a page built again after a like or an edit, with
 * the same posts, keeps it; a new post or a move to another category makes it read again) and serves while the
 * node's change feed listens on `agora_layers` (migration 0044): PostgreSQL tells every node at commit, whoever
 * wrote, that a member's reaction, bookmark, level or read position in a thread changed
 * (`t:<member>:<thread>`), or their ignore list or a category's level (`m:<member>`); the layers that may show
 * it go. A layer read before such a notice about its member is never kept (`mark`), and a lost connection empties
 * the cache. A member's read waits for the notices of their own writes on this node (ChangeFeed.settle), so they
 * always see them; a write made through another node shows once its notice arrives, which PostgreSQL sends at the
 * write's commit. Bounded by a count of (member, thread) pairs, the least recently read first to go.
 *
 * Most pages a member reads hold none of their marks (a thread they never reacted in, bookmarked or opened before):
 * for those the node needs no layer at all, only to know that. It keeps, per member, where they have marks
 * (`MemberMarks`: the posts they reacted to or bookmarked, the threads where they have a level or a read position,
 * their ignore list and category levels; one statement per member, read beside their reads) and answers such a
 * page with the empty layer (`empty`). A notice naming a thread counts it as marked from then on; one about their
 * ignore list or a category level drops their marks. Bounded by entries (4 bytes a post or thread).
 */
export class LayerCache {
  /** `<member>:<thread>` → that member's layers on the thread's kept pages, by page key. */
  private readonly threads: LRUCache<string, Map<string, Kept>>;
  /** Each member's `<member>:<thread>` keys (a notice about their ignore list drops them all). */
  private readonly byMember = new Map<number, Set<string>>();
  private readonly feed: ChangeFeed | undefined;
  /** Moves on every notice; `changed` says when each member's layers last changed, `floor` for the forgotten. */
  private seq = 0;
  private floor = 0;
  private readonly changed = new Map<number, number>();
  private readonly remembered: number;
  /** Each member's marks, or that they have more than the node keeps; `loading`: members whose marks are being read. */
  private readonly marks: LRUCache<number, MemberMarks | typeof OVERSIZED>;
  private readonly loading = new Set<number>();

  constructor(opts: { feed?: ChangeFeed; max?: number; marksEntries?: number }) {
    const max = opts.max ?? 100_000;
    this.remembered = max;
    this.threads = new LRUCache({ max, dispose: (_, key) => this.unindex(key) });
    this.marks = new LRUCache({
      maxSize: opts.marksEntries ?? 4_000_000,
      sizeCalculation: (m) => (m === OVERSIZED ? 1 : Math.max(1, m.size)),
    });
    this.feed = opts.feed;
    opts.feed?.subscribe('agora_layers', {
      notice: (payload) => this.notice(payload),
      reset: () => this.forgetAll(),
    });
  }

  /** Where the cache stands before a layer is read from the database (pass it to `set`). */
  mark(): number {
    return this.seq;
  }

  /**
   * Waits until the notices of the member's own writes on this node arrived; false when the feed does not listen
   * (then no layer serves).
   */
  async caughtUp(memberId: number): Promise<boolean> {
    if (!this.feed?.active) return false;
    return this.feed.settled(memberId) || this.feed.settle(memberId);
  }

  /** The member's kept layer on this very page (ask `caughtUp` first); undefined when there is none. */
  get(memberId: number, key: string, page: PageShape): Layer | undefined {
    if (!this.feed?.active) return undefined;
    const kept = this.threads.get(`${memberId}:${page.thread.id}`)?.get(key);
    // A page built again after a like or an edit shows the same posts: the layer still holds.
    return kept && kept.categoryId === page.thread.categoryId && samePosts(kept.postIds, page.postIds)
      ? kept.layer
      : undefined;
  }

  /** Keeps a layer read from the database since `mark` for this page, unless its member's layers changed since. */
  set(memberId: number, key: string, page: PageShape, layer: Layer, mark: number): void {
    if (!this.feed?.active || this.changedSince(memberId, mark)) return;
    const pair = `${memberId}:${page.thread.id}`;
    let pages = this.threads.get(pair);
    if (!pages) {
      this.threads.set(pair, (pages = new Map()));
      let pairs = this.byMember.get(memberId);
      if (!pairs) this.byMember.set(memberId, (pairs = new Set()));
      pairs.add(pair);
    }
    const { reactions, bookmarks, level, lastRead, ignored } = layer; // not a head read with it
    pages.delete(key); // re-inserted last: the first key is the page read longest ago
    const layerOnly = { reactions, bookmarks, level, lastRead, ignored };
    pages.set(key, { postIds: page.postIds, categoryId: page.thread.categoryId, layer: layerOnly });
    if (pages.size > PAGES_PER_THREAD) pages.delete(pages.keys().next().value!);
  }

  /** Should the member's marks be read (none kept, none being read, the feed listening)? */
  wantsMarks(memberId: number): boolean {
    return this.feed?.active === true && !this.loading.has(memberId) && !this.marks.has(memberId);
  }

  /** Their marks are being read: where the cache stands before the statement (pass it to `keepMarks`). */
  readingMarks(memberId: number): number {
    this.loading.add(memberId);
    return this.seq;
  }

  /** Keeps a member's marks read since `mark`, unless a notice about them came since; undefined: the read failed. */
  keepMarks(memberId: number, row: MemberMarksRead | undefined, mark: number): void {
    this.loading.delete(memberId);
    if (!row || !this.feed?.active || this.changedSince(memberId, mark)) return;
    if (row.posts === null || row.threads === null) this.marks.set(memberId, OVERSIZED);
    else this.marks.set(memberId, new MemberMarks({ ...row, posts: row.posts, threads: row.threads }));
  }

  /**
   * The member's layer on a kept page that holds none of their marks (ask `caughtUp` first), or undefined when
   * it may hold some or their marks are not kept: then their layer is read.
   */
  empty(
    memberId: number,
    page: Pick<CachedPage, 'postIds' | 'authorIds'> & { thread: Pick<CachedPage['thread'], 'id' | 'categoryId'> },
  ): Layer | undefined {
    if (!this.feed?.active) return undefined;
    const marks = this.marks.get(memberId);
    if (!marks || marks === OVERSIZED || !marks.holdsNone(page.thread.id, page.postIds)) return undefined;
    const authors = new Set(page.authorIds);
    return {
      reactions: [],
      bookmarks: [],
      level: marks.levelIn(page.thread.categoryId),
      lastRead: 0,
      ignored: marks.ignored.filter((id) => authors.has(id)),
    };
  }

  /** Did a notice about the member's marks, or a reset, come since `mark`? */
  private changedSince(memberId: number, mark: number): boolean {
    return Math.max(this.floor, this.changed.get(memberId) ?? 0) > mark;
  }

  private notice(payload: string): void {
    const [kind, member, thread] = payload.split(':');
    if (kind === '*') return this.forgetAll();
    const memberId = Number(member);
    this.seq++;
    this.changed.delete(memberId); // re-inserted last, so that the oldest change is the first forgotten
    this.changed.set(memberId, this.seq);
    if (this.changed.size > 2 * this.remembered) this.forgetOldest();
    if (kind === 't') {
      this.threads.delete(`${memberId}:${thread}`);
      const marks = this.marks.peek(memberId);
      if (marks instanceof MemberMarks) {
        marks.touch(Number(thread));
        if (marks.touched > MAX_TOUCHED) this.marks.delete(memberId);
      }
    } else {
      for (const pair of [...(this.byMember.get(memberId) ?? [])]) this.threads.delete(pair);
      this.marks.delete(memberId);
    }
  }

  private unindex(pair: string): void {
    const memberId = Number(pair.slice(0, pair.indexOf(':')));
    const pairs = this.byMember.get(memberId);
    pairs?.delete(pair);
    if (pairs?.size === 0) this.byMember.delete(memberId);
  }

  /** Forgets the older half of the changes remembered; layers read before them are not kept. */
  private forgetOldest(): void {
    for (const [memberId, seq] of this.changed) {
      if (this.changed.size <= this.remembered) break;
      this.changed.delete(memberId);
      this.floor = seq;
    }
  }

  private forgetAll(): void {
    this.floor = ++this.seq;
    this.changed.clear();
    this.threads.clear();
    this.byMember.clear();
    this.marks.clear();
  }
}
