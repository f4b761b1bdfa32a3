import { LRUCache } from 'lru-cache';
import type { ChangeFeed } from '../../db/change-feed.ts';
import type { ReaderOverlay } from '../../content/index.ts';
import type { CachedPage } from './page-cache.ts';

/** A member's layer on one kept page, without the thread's head (the page's own, vouched by the page cache). */
export type Layer = Omit<ReaderOverlay, 'head'>;

type Kept = { page: CachedPage; layer: Layer };

/** How many pages' layers a member keeps, the most recently read first to stay. */
const PER_MEMBER = 200;

/**
 * Members' own layers on the thread pages a node keeps (issue 20): their reactions and bookmarks on the page's
 * posts, their level and read position in the thread, the page's authors they ignore. A member's read of a kept,
 * vouched page whose layer is kept here asks the database nothing, as a visitor's read does.
 *
 * A layer is kept for one kept page (the same object: a page built again, after a change to its thread, has no
 * layer yet) and serves while the node's change feed listens on `agora_layers` (migration 0044): PostgreSQL tells
 * every node at commit, whoever wrote, that a member's reaction or bookmark on a post (`p:<member>:<post>`), their
 * tracking of a thread (`t:<member>:<thread>`), or their ignore list or a category's level (`m:<member>`)
 * changed; the layers that may show it go. A layer read before such a notice about its member is never kept
 * (`mark`), and a lost connection empties the cache. A member's read waits for the notices of their own writes on
 * this node (ChangeFeed.settle), so they always see them; a write made through another node shows once its notice
 * arrives, which PostgreSQL sends at the write's commit.
 */
export class LayerCache {
  private readonly members: LRUCache<number, Map<string, Kept>>;
  private readonly feed: ChangeFeed | undefined;
  /** Moves on every notice; `changed` says when each member's layers last changed, `floor` for the forgotten. */
  private seq = 0;
  private floor = 0;
  private readonly changed = new Map<number, number>();
  /** Notices handled (tests). */
  heard = 0;

  constructor(opts: { feed?: ChangeFeed; maxMembers?: number }) {
    this.members = new LRUCache({ max: opts.maxMembers ?? 20_000 });
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
   * The member's kept layer on this very page, once the notices of the member's own writes on this node arrived;
   * undefined when there is none or the feed does not listen.
   */
  async get(memberId: number, key: string, page: CachedPage): Promise<Layer | undefined> {
    if (!this.feed?.active) return undefined;
    if (!this.feed.settled(memberId) && !(await this.feed.settle(memberId))) return undefined;
    const kept = this.members.get(memberId)?.get(key);
    return kept?.page === page ? kept.layer : undefined;
  }

  /** Keeps a layer read from the database since `mark` for this page, unless its member's layers changed since. */
  set(memberId: number, key: string, page: CachedPage, layer: Layer, mark: number): void {
    if (!this.feed?.active || Math.max(this.floor, this.changed.get(memberId) ?? 0) > mark) return;
    let pages = this.members.get(memberId);
    if (!pages) this.members.set(memberId, (pages = new Map()));
    pages.delete(key); // re-inserted last: the map's first key is the one read longest ago
    const { reactions, bookmarks, level, lastRead, ignored } = layer; // not a head read with it
    pages.set(key, { page, layer: { reactions, bookmarks, level, lastRead, ignored } });
    if (pages.size > PER_MEMBER) pages.delete(pages.keys().next().value!);
  }

  private notice(payload: string): void {
    this.heard++;
    const [kind, member, id] = payload.split(':');
    if (kind === '*') return this.forgetAll();
    const memberId = Number(member);
    this.seq++;
    this.changed.delete(memberId); // re-inserted last, so that the oldest change is the first forgotten
    this.changed.set(memberId, this.seq);
    if (this.changed.size > 2 * this.members.max) this.forgetOldest();
    const pages = this.members.peek(memberId);
    if (!pages) return;
    const target = Number(id);
    for (const [key, kept] of pages) {
      const drop =
        kind === 'p' ? kept.page.postIds.includes(target) : kind === 't' ? kept.page.thread.id === target : true;
      if (drop) pages.delete(key);
    }
  }

  /** Forgets the older half of the changes remembered; layers read before them are not kept. */
  private forgetOldest(): void {
    for (const [memberId, seq] of this.changed) {
      if (this.changed.size <= this.members.max) break;
      this.changed.delete(memberId);
      this.floor = seq;
    }
  }

  private forgetAll(): void {
    this.floor = ++this.seq;
    this.changed.clear();
    this.members.clear();
  }
}
