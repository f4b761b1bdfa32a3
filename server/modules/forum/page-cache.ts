import { LRUCache } from 'lru-cache';
import type { SeeLevel, ThreadKind, ThreadState } from '../../db/types.ts';
import type { ChangeFeed } from '../../db/change-feed.ts';
import type { canReplyIn } from '../../access/posting.ts';
import { type PageJson, pageJsonBytes } from './page-json.ts';

export type CachedPage = {
  version: number;
  /** Who may see the page (canSeeThread), read with it. */
  head: { state: ThreadState; author_id: number; see_level: SeeLevel };
  hasNonPublished: boolean;
  /** What a reader's viewer block is made from. */
  thread: { id: number; kind: ThreadKind; state: ThreadState; locked: boolean; authorId: number; categoryId: number };
  category: Parameters<typeof canReplyIn>[1];
  /** The posts' ids and their authors', in the page's order (a member's layer is read and filtered by them). */
  postIds: number[];
  authorIds: number[];
  /** Members whose name or picture the page shows (authors, replied-to authors): a change to one drops it. */
  members: number[];
  /** The visitors' response, and the pieces a member's is made of. */
  json: PageJson;
};

/** About the memory a cached page takes: its JSON (outside the heap), its arrays and the objects around them. */
export function cachedPageBytes(page: Pick<CachedPage, 'json' | 'members' | 'postIds'>): number {
  return pageJsonBytes(page.json) + 16 * (page.members.length + page.postIds.length) + 1024;
}

export interface PageCacheOptions {
  /** How long a page may serve at most: it bounds how stale its authors' details (name, reputation) may get. */
  cacheSeconds: number;
  cacheMb: number;
  /** The node's notifications: while it listens, a page it has said nothing about serves without a query. */
  feed?: ChangeFeed;
}

type Kept = { page: CachedPage; threadId: number; mark: number };

/** How many threads' last change the cache remembers before it forgets the oldest (and the pages read before). */
const REMEMBERED = 100_000;

/**
 * The thread pages a node keeps (issue 20), bounded by memory rather than by a count: visitors from search engines
 * spread over thousands of threads, most of them short.
 *
 * Whether a kept page may serve: while the node's change feed listens on `agora_pages` (migration 0042),
 * PostgreSQL tells every node at commit that a thread's version, state, author or category changed, or that a
 * category changed (then every page goes); a page read before such a notice about its thread (its `mark`) is
 * never served again; nor after a live event about its thread (`changed`, called by the live hub before any
 * socket hears of it, so a client refetching on an event gets the new page). So a visitor's read of a kept page
 * asks the database nothing and waits for nothing: a visitor sees a change as soon as its notice reaches the node
 * (milliseconds after its commit), on every node alike. A visitor writes nothing, so has no write of their own to
 * read; a member's read first waits for the notices of their own writes on this node, then serves a vouched page
 * with their kept layer (layer-cache.ts) or re-validates it by its thread's version with their layer (one
 * statement). While the feed does not listen, every read re-validates it by version.
 * A member's new name, picture, role or trust level (`m:<id>`, migration 0043) drops the pages that show them; what
 * else a page says of its authors (reputation, top badge) may be as old as the TTL.
 */
export class PageCache {
  private readonly pages: LRUCache<string, Kept>;
  readonly enabled: boolean;
  /**
   * Moves on every notice; `lastChange` says when each thread last changed, `memberChange` each member, `floor`
   * for the forgotten ones.
   */
  private seq = 0;
  private floor = 0;
  /** The last category change or feed reset: a page read before it is never kept (`set`). */
  private reset = 0;
  private readonly lastChange = new Map<number, number>();
  private readonly memberChange = new Map<number, number>();

  constructor(private readonly opts: PageCacheOptions) {
    this.pages = new LRUCache<string, Kept>({
      maxSize: opts.cacheMb * 2 ** 20,
      sizeCalculation: (kept) => cachedPageBytes(kept.page),
      ttl: Math.max(1, opts.cacheSeconds) * 1000,
    });
    this.enabled = opts.cacheSeconds > 0;
    if (this.enabled) {
      opts.feed?.subscribe('agora_pages', {
        notice: (payload) => {
          if (payload.startsWith('t:')) this.changed(Number(payload.slice(2)));
          else if (payload.startsWith('m:')) this.memberChanged(Number(payload.slice(2)));
          else this.forgetAll(true);
        },
        // Kept while the feed is away (they serve after a version check); emptied when it listens again, for what
        // changed meanwhile without a version (a category's reply level) would not show in a version check.
        reset: (listening) => this.forgetAll(listening),
      });
    }
  }

  /** Where the cache stands before a page is read from the database (pass it to `set`). */
  mark(): number {
    return this.seq;
  }

  /** Keeps a page read from the database since `mark`; says whether it did. */
  set(key: string, threadId: number, page: CachedPage, mark: number): boolean {
    if (!this.enabled) return false;
    // Read before a category changed or the feed came back: what it says of its category may be out of date, and
    // no version check would see it.
    if (mark < this.reset) return false;
    const kept = this.pages.peek(key);
    if (kept && kept.mark > mark) return false; // a read that began later already kept a newer page
    // A member it shows changed their name or picture since the read began: it may show the old one.
    if (page.members.some((member) => (this.memberChange.get(member) ?? 0) > mark)) return false;
    this.pages.set(key, { page, threadId, mark });
    return true;
  }

  /**
   * A kept page: `vouched` when the feed says it is current (a visitor may have it as it is), otherwise to be
   * checked against its thread's version. `checked`: the reader's read checks the version whatever the answer.
   */
  get(key: string, threadId: number, checked: boolean): { page: CachedPage; vouched: boolean } | null {
    const kept = this.pages.get(key);
    if (!kept) return null;
    const vouched =
      this.opts.feed?.active === true && kept.mark >= Math.max(this.floor, this.lastChange.get(threadId) ?? 0);
    // A page heard of since its read is most likely out of date: a visitor's read builds it again at once (one
    // round trip, not a version check and then the page), a member's checks the version it reads anyway.
    if (!vouched && !checked && this.opts.feed?.active) return null;
    return { page: kept.page, vouched };
  }

  /** A thread changed (a notice, or a live event about it): its pages read before now are not served again. */
  changed(threadId: number): void {
    this.remember(this.lastChange, threadId);
  }

  /**
   * A member's name, picture, role or trust level changed (a notice): the pages that show them go, and pages being
   * read meanwhile are not kept (`set`). Rare enough (a member renamed) to look through the whole cache.
   */
  private memberChanged(memberId: number): void {
    this.remember(this.memberChange, memberId);
    const showing: string[] = [];
    for (const [key, kept] of this.pages.entries()) if (kept.page.members.includes(memberId)) showing.push(key);
    for (const key of showing) this.pages.delete(key);
  }

  /** Notes when `id` last changed; maps keep their ids in the order of the changes. */
  private remember(changes: Map<number, number>, id: number): void {
    this.seq++;
    changes.delete(id); // re-inserted last
    changes.set(id, this.seq);
    if (changes.size <= REMEMBERED) return;
    for (const [forgotten, seq] of changes) {
      if (changes.size <= REMEMBERED / 2) break;
      changes.delete(forgotten);
      this.floor = seq; // pages read before a forgotten change are not served again
    }
  }

  private forgetAll(empty: boolean): void {
    this.floor = ++this.seq;
    this.reset = this.seq;
    this.lastChange.clear();
    this.memberChange.clear();
    if (empty) this.pages.clear();
  }
}
