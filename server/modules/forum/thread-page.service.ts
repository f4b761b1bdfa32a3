import { type Actor, can } from '../../access/access.ts';
import { canSeeThread, hasPlaceInThread } from '../../access/visibility.ts';
import { canReplyIn } from '../../access/posting.ts';
import type { Db } from '../../db/kysely.ts';
import { NotFoundError } from '../../lib/errors.ts';
import {
  HeadBatcher,
  type OverlayRequest,
  ReaderRepository,
  type MemberMarksRead,
  type ReaderOverlay,
  ThreadsRepository,
  TurnBatcher,
  visibleLayer,
} from '../../content/index.ts';
import { toPost, toThread } from './forum.mappers.ts';
import { pageJson, type ReaderFlags, readerPageJson } from './page-json.ts';
import { type CachedPage, PageCache, type PageCacheOptions } from './page-cache.ts';
import { LayerCache } from './layer-cache.ts';

/** Members with more marks (posts reacted to or bookmarked, threads tracked) than this have their layers read. */
const MARKS_CAP = 20_000;

/**
 * The thread page (issue 20's hot path): the page a visitor or a member reads, built from one statement and kept
 * per node (PageCache), with each member's own layer read beside it or kept (LayerCache). Reads of one turn of
 * the event loop share their statements (TurnBatcher, HeadBatcher).
 */
export class ThreadPageService {
  private readonly threads: ThreadsRepository;
  private readonly reader: ReaderRepository;
  private readonly heads: HeadBatcher;
  /** Members' layers asked for in one turn of the event loop, read in one statement. */
  private readonly overlays: TurnBatcher<OverlayRequest, ReaderOverlay | undefined>;
  /** Pages not in cache asked for in one turn, read in one statement. */
  private readonly pageReads: TurnBatcher<
    { id: number; after: number; limit: number },
    Awaited<ReturnType<ThreadsRepository['getDetailsWithPages']>>[number]
  >;

  /** Members' marks asked for in one turn, read in one statement (LayerCache.empty). */
  private readonly marks: TurnBatcher<number, MemberMarksRead>;

  private readonly pages: PageCache;
  private readonly layers: LayerCache;
  private readonly coalesce: boolean;

  constructor(
    db: Db,
    private readonly pageSize: number,
    cache: Partial<PageCacheOptions> & { coalesce?: boolean } = {},
  ) {
    this.pages = new PageCache({ cacheSeconds: 10, cacheMb: 64, ...cache });
    this.layers = new LayerCache({ feed: this.pages.enabled ? cache.feed : undefined });
    this.coalesce = cache.coalesce ?? true;
    this.threads = new ThreadsRepository(db);
    this.reader = new ReaderRepository(db);
    this.heads = new HeadBatcher(this.threads);
    this.overlays = new TurnBatcher((requests) => this.reader.overlays(requests));
    this.pageReads = new TurnBatcher((pages) => this.threads.getDetailsWithPages(pages));
    this.marks = new TurnBatcher((members) => this.reader.memberMarks(members, MARKS_CAP));
  }

  /**
   * A live event is about to reach this node's sockets: a thread's event means its kept pages are out of date, so
   * a client refetching on it gets the new page even if PostgreSQL's notice about the thread is still on its way.
   */
  heard(topic: string): void {
    if (topic.startsWith('thread:')) this.pages.changed(Number(topic.slice('thread:'.length)));
  }

  /**
   * The thread page. Its reader-independent part (thread, posts, authors) is cached per node (PageCache): a
   * visitor's read of a kept page asks the database nothing while the node hears PostgreSQL's notices of changes,
   * and re-validates it by the thread's version (one primary-key read) when it does not; a member's read of a kept
   * page takes their kept layer, or the empty one when the page holds none of their marks, else reads their layer
   * with the thread's head (one statement). The TTL only bounds how stale author details (name,
   * reputation) may get. Staff, and members on a page holding non-published posts, bypass the cache: what they see
   * depends on who they are. A page not in the cache is read without the version check (the page's own query says
   * who may see it): one statement. `revalidate` (the client's `Cache-Control: no-cache`, sent when it refetches on a
   * live event, which may reach it through another node): a visitor's kept page is checked by version too.
   *
   * Returns the page's JSON ready to send: visitors' bytes are made once per version (`anonymousJson`), a
   * member's are the cached pieces around their own layer (page-json.ts); the page as an object only for
   * pages built for one reader.
   */
  async getThread(actor: Actor | null, id: number, options: { after?: number; limit?: number; revalidate?: boolean }) {
    const limit = options.limit ?? this.pageSize;
    const after = options.after ?? 0;
    const canSeeHidden = can(actor, 'post.view_hidden');
    const key = `${id}:${after}:${limit}`;
    // A member's kept page and layer serve once the notices of their own writes on this node are in, so that the
    // page's vouching (taken next) already counts them. Caught up, a member reads a page the node heard of since
    // as a visitor does: built again at once, their layer read beside it (one round trip, not a version check and
    // then the page); else (the feed away) the page's version is checked with their layer.
    const caughtUp = actor !== null && !canSeeHidden && (await this.layers.caughtUp(actor.id));
    // Where the member has marks, read once beside their reads (not awaited): pages holding none need no layer.
    if (caughtUp && this.layers.wantsMarks(actor.id)) this.readMarks(actor.id);
    const mark = this.pages.mark();
    const checked = actor !== null && (!caughtUp || options.revalidate === true);
    const kept = canSeeHidden ? null : this.pages.get(key, id, checked);
    // Pages holding something only some readers see are built per member.
    let shared = actor && kept?.page.hasNonPublished ? undefined : kept?.page;
    let overlay: ReaderOverlay | undefined;
    const layerMark = this.layers.mark();
    if (shared && actor) {
      // A member's kept layer on a page the feed vouches for, or the empty one on a page holding none of their
      // marks: no statement, as for a visitor.
      const layer =
        caughtUp && kept!.vouched && !options.revalidate
          ? (this.layers.get(actor.id, key, shared) ?? this.layers.empty(actor.id, shared))
          : undefined;
      if (layer) {
        if (!canSeeThread(actor, shared.head)) throw new NotFoundError('thread.not_found', 'No such thread.');
        overlay = { ...layer, head: { ...shared.head, version: shared.version } };
      } else {
        // Else their own layer and the thread's head in one statement.
        const read = await this.overlay(actor, { memberId: actor.id, threadId: id, postIds: shared.postIds });
        overlay = visibleLayer(read, shared.postIds, shared.authorIds);
        if (overlay.head.version !== shared.version) {
          shared = undefined;
          overlay = undefined;
        } else {
          const { state, author_id, see_level } = overlay.head;
          const same = shared.head;
          if (state === same.state && author_id === same.author_id && see_level === same.see_level)
            this.layers.set(actor.id, key, shared, overlay, layerMark);
        }
      }
    } else if (shared && kept!.vouched && !options.revalidate) {
      if (!canSeeThread(actor, shared.head)) throw new NotFoundError('thread.not_found', 'No such thread.');
    } else if (shared) {
      const head = this.coalesce ? await this.sharedHead(id) : await this.heads.load(id);
      if (!head || !canSeeThread(actor, head)) throw new NotFoundError('thread.not_found', 'No such thread.');
      if (shared.version !== head.version) shared = undefined;
    }
    if (!shared) {
      // A member's layer is read beside the page, by the page's place, not after it: one round trip, not two.
      const layer = actor ? this.overlay(actor, { memberId: actor.id, threadId: id, after, limit }) : undefined;
      layer?.catch(() => {}); // awaited below, unless the page is not there to read
      shared = await this.buildPage(id, after, limit, actor);
      if (!shared || !canSeeThread(actor, shared.head)) throw new NotFoundError('thread.not_found', 'No such thread.');
      const kept = !canSeeHidden && !(actor && shared.hasNonPublished) && this.pages.set(key, id, shared, mark);
      if (layer) {
        const read = await layer;
        overlay = visibleLayer(read, shared.postIds, shared.authorIds);
        // Kept only when both statements saw the same version of the thread (the same posts), so that no post
        // shows on the page without its marks.
        if (kept && read.head.version === shared.version) this.layers.set(actor!.id, key, shared, overlay, layerMark);
      }
    }
    if (!actor) return shared.json.bytes;
    const flagged = new Map<number, ReaderFlags>();
    for (const [postId, kind] of overlay?.reactions ?? []) {
      const i = shared.postIds.indexOf(postId);
      if (i < 0) continue;
      const flags = flagged.get(i) ?? { liked: false, markedHelpful: false };
      flagged.set(i, kind === 'like' ? { ...flags, liked: true } : { ...flags, markedHelpful: true });
    }
    return readerPageJson(shared.json, flagged, viewerBlock(actor, shared, overlay));
  }

  private readMarks(memberId: number): void {
    const mark = this.layers.readingMarks(memberId);
    this.marks.load(memberId).then(
      (row) => this.layers.keepMarks(memberId, row, mark),
      () => this.layers.keepMarks(memberId, undefined, mark),
    );
  }

  /** The member's layer with the thread's head; 404 when the thread is gone or not theirs to see. */
  private async overlay(actor: Actor, request: OverlayRequest): Promise<ReaderOverlay> {
    const overlay = await this.overlays.load(request);
    if (!overlay || !canSeeThread(actor, overlay.head)) throw new NotFoundError('thread.not_found', 'No such thread.');
    return overlay;
  }

  /**
   * Visitors reading the same thread at the same moment share one re-validation query: while a read of a
   * thread's version is in flight, other visitors' requests for that thread wait for it instead of sending
   * their own (a hot thread under load costs one query per round trip, not one per reader). A visitor may so
   * see a version read a millisecond before they asked; members always read their own, so they always see
   * their own writes.
   */
  private readonly headsInFlight = new Map<number, ReturnType<HeadBatcher['load']>>();

  private sharedHead(id: number) {
    let pending = this.headsInFlight.get(id);
    if (!pending) {
      // …and visitors of different threads in one turn share one statement (HeadBatcher).
      pending = this.heads.load(id).finally(() => this.headsInFlight.delete(id));
      this.headsInFlight.set(id, pending);
    }
    return pending;
  }

  private async buildPage(id: number, after: number, limit: number, actor: Actor | null) {
    const found = await this.pageReads.load({ id, after, limit: limit + 1 });
    if (!found) return undefined;
    const { thread, posts: rows } = found;
    const page = rows.slice(0, limit);
    // A post waiting for review (or refused) exists only for its author and the moderators: no gap, no hint.
    const visible = page.filter((p) => hasPlaceInThread(actor, p));
    const shared: Omit<CachedPage, 'json'> = {
      version: thread.version,
      head: { state: thread.state, author_id: thread.author_id, see_level: thread.category_see_level },
      // Pages holding something only some readers see (held posts, review notes) are built per reader.
      hasNonPublished: page.some((p) => p.state === 'pending' || p.state === 'rejected' || p.moderation !== null),
      thread: {
        id,
        kind: thread.kind,
        state: thread.state,
        locked: thread.locked,
        authorId: thread.author_id,
        categoryId: thread.category_id,
      },
      /** Who may reply here (the category's rule, read with the thread). */
      category: { reply_level: thread.category_reply_level, archived_at: thread.category_archived_at },
      postIds: visible.map((p) => p.id),
      authorIds: visible.map((p) => p.author_id),
      members: [
        ...new Set([
          thread.author_id,
          ...visible.map((p) => p.author_id),
          ...visible.flatMap((p) => (p.parent_author_id === null ? [] : [p.parent_author_id])),
        ]),
      ],
    };
    const paging = {
      after,
      limit,
      nextAfter: rows.length > limit ? page.at(-1)!.number : null,
      total: thread.post_count,
    };
    const posts = visible.map((p) => toPost(p, actor));
    // Serialised once, with a visitor's viewer block: the visitors' bytes, and the pieces of members' pages.
    return { ...shared, json: pageJson(toThread(thread), posts, paging, viewerBlock(null, shared, undefined)) };
  }
}

/** What a reader may do on a thread page, and their tracking of it (the response's `viewer`). */
function viewerBlock(
  actor: Actor | null,
  page: Pick<CachedPage, 'thread' | 'category'>,
  overlay: ReaderOverlay | undefined,
) {
  const { thread } = page;
  const canWrite = actor !== null && !actor.bannedAt && !(actor.suspendedUntil && actor.suspendedUntil > new Date());
  return {
    canReply:
      canWrite &&
      (!thread.locked || can(actor, 'thread.lock')) &&
      thread.state === 'published' &&
      canReplyIn(actor, page.category),
    canModerate: can(actor, 'post.edit.any'),
    canAccept:
      thread.kind === 'question' && actor !== null && (actor.id === thread.authorId || can(actor, 'thread.accept.any')),
    tracking: overlay
      ? { level: overlay.level, lastRead: overlay.lastRead, bookmarks: overlay.bookmarks, ignored: overlay.ignored }
      : null,
  };
}
