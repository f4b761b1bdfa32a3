import { type Actor, authorize, can } from '../../access/access.ts';
import { canSeeCategory, canSeePost, canSeeThread, hasPlaceInThread, seeLevelsOf } from '../../access/visibility.ts';
import type { Db } from '../../db/kysely.ts';
import type { PostingLevel, SeeLevel, ThreadKind } from '../../db/types.ts';
import { decodeCursor, encodeCursor } from '../../lib/cursor.ts';
import { ConflictError, NotFoundError } from '../../lib/errors.ts';
import {
  CategoriesRepository,
  HeadBatcher,
  type OverlayRequest,
  PostsRepository,
  ReaderRepository,
  type ReaderOverlay,
  type ThreadListRow,
  type ThreadSort,
  ThreadsRepository,
  TurnBatcher,
  visibleLayer,
} from '../../content/index.ts';
import { toCategory, toPost, toThread, toThreadListItem } from './forum.mappers.ts';
import { canReplyIn } from '../../access/posting.ts';
import { AuditRepository } from '../../events/audit.repository.ts';
import { assertCategoryShape } from './category.rules.ts';
import { assertCategoryLevels, raiseChildren } from './category-levels.ts';
import { pageJson, type ReaderFlags, readerPageJson } from './page-json.ts';
import { type CachedPage, PageCache, type PageCacheOptions } from './page-cache.ts';
import { LayerCache } from './layer-cache.ts';

function cursorFor(sort: ThreadSort, row: ThreadListRow): string {
  if (sort === 'top') return encodeCursor([row.score, row.id]);
  const date = sort === 'unanswered' ? row.created_at : row.last_post_at;
  return encodeCursor([date.toISOString(), row.id]);
}

/** Read side of the forum: categories, thread lists and the thread page. */
export class ForumService {
  private readonly categories: CategoriesRepository;
  private readonly threads: ThreadsRepository;
  private readonly posts: PostsRepository;
  private readonly reader: ReaderRepository;
  private readonly heads: HeadBatcher;
  /** Members' layers asked for in one turn of the event loop, read in one statement. */
  private readonly overlays: TurnBatcher<OverlayRequest, ReaderOverlay | undefined>;
  /** Pages not in cache asked for in one turn, read in one statement. */
  private readonly pageReads: TurnBatcher<
    { id: number; after: number; limit: number },
    Awaited<ReturnType<ThreadsRepository['getDetailsWithPages']>>[number]
  >;

  private readonly pages: PageCache;
  private readonly layers: LayerCache;
  private readonly coalesce: boolean;

  constructor(
    private readonly db: Db,
    private readonly pageSize: number,
    cache: Partial<PageCacheOptions> & { coalesce?: boolean } = {},
  ) {
    this.pages = new PageCache({ cacheSeconds: 10, cacheMb: 64, ...cache });
    this.layers = new LayerCache({ feed: this.pages.enabled ? cache.feed : undefined });
    this.coalesce = cache.coalesce ?? true;
    this.categories = new CategoriesRepository(db);
    this.threads = new ThreadsRepository(db);
    this.posts = new PostsRepository(db);
    this.reader = new ReaderRepository(db);
    this.heads = new HeadBatcher(this.threads);
    this.overlays = new TurnBatcher((requests) => this.reader.overlays(requests));
    this.pageReads = new TurnBatcher((pages) => this.threads.getDetailsWithPages(pages));
  }

  /**
   * A live event is about to reach this node's sockets: a thread's event means its kept pages are out of date, so
   * a client refetching on it gets the new page even if PostgreSQL's notice about the thread is still on its way.
   */
  heard(topic: string): void {
    if (topic.startsWith('thread:')) this.pages.changed(Number(topic.slice('thread:'.length)));
  }

  /** Scheduled threads, soonest first (community managers). */
  async scheduled(actor: Actor | null) {
    authorize(actor, 'thread.schedule');
    const rows = await this.threads.listScheduled(500);
    return rows.map((r) => ({
      id: r.id,
      title: r.title,
      kind: r.kind,
      publishAt: r.publish_at!.toISOString(),
      category: { slug: r.slug, name: r.name, color: r.color },
      author: { username: r.username },
    }));
  }

  /** The categories the reader may see, in display order, each saying whether they may start a thread there. */
  async listCategories(actor: Actor | null = null) {
    return (await this.categories.list()).filter((c) => canSeeCategory(actor, c)).map((c) => toCategory(c, actor));
  }

  async createCategory(
    actor: Actor | null,
    input: {
      slug: string;
      name: string;
      description?: string;
      nameEn?: string | null;
      descriptionEn?: string | null;
      icon?: string | null;
      parentId?: number | null;
      color?: string;
      position?: number;
      moderationMode?: 'pre' | 'post' | 'reactive';
      bypassTrustLevel?: number;
      startLevel?: PostingLevel;
      replyLevel?: PostingLevel;
      seeLevel?: SeeLevel;
      kinds?: ThreadKind[] | null;
    },
  ) {
    const manager = authorize(actor, 'category.manage');
    if (await this.categories.getBySlug(input.slug)) {
      throw new ConflictError('category.slug_taken', 'A category already uses this slug.', { field: 'slug' });
    }
    const created = await this.db.transaction().execute(async (trx) => {
      const categories = new CategoriesRepository(trx);
      await assertCategoryShape(categories, null, input);
      await assertCategoryLevels(categories, null, input);
      const category = await categories.create({
        slug: input.slug,
        name: input.name,
        description: input.description ?? '',
        name_en: input.nameEn ?? null,
        description_en: input.descriptionEn ?? null,
        icon: input.icon ?? null,
        parent_id: input.parentId ?? null,
        color: input.color,
        position: input.position ?? 0,
        moderation_mode: input.moderationMode,
        bypass_trust_level: input.bypassTrustLevel,
        start_level: input.startLevel,
        reply_level: input.replyLevel,
        see_level: input.seeLevel,
        kinds: input.kinds ?? null,
      });
      // Every staff change is on the record, in the transaction that makes it: who changed what, to what.
      await new AuditRepository(trx).record({
        actorId: manager.id,
        action: 'category.create',
        subjectType: 'category',
        subjectId: category.id,
        data: input,
      });
      return category;
    });
    return toCategory(created, manager);
  }

  async updateCategory(
    actor: Actor | null,
    id: number,
    input: {
      name?: string;
      description?: string;
      nameEn?: string | null;
      descriptionEn?: string | null;
      icon?: string | null;
      parentId?: number | null;
      color?: string;
      position?: number;
      moderationMode?: 'pre' | 'post' | 'reactive';
      bypassTrustLevel?: number;
      startLevel?: PostingLevel;
      replyLevel?: PostingLevel;
      seeLevel?: SeeLevel;
      kinds?: ThreadKind[] | null;
      archived?: boolean;
    },
  ) {
    const manager = authorize(actor, 'category.manage');
    const updated = await this.db.transaction().execute(async (trx) => {
      const categories = new CategoriesRepository(trx);
      if (!(await categories.exists(id))) throw new NotFoundError('category.not_found', 'No such category.');
      await assertCategoryShape(categories, id, input);
      await assertCategoryLevels(categories, id, input);
      const category = await categories.update(id, {
        name: input.name,
        description: input.description,
        name_en: input.nameEn,
        description_en: input.descriptionEn,
        icon: input.icon,
        parent_id: input.parentId,
        color: input.color,
        position: input.position,
        moderation_mode: input.moderationMode,
        bypass_trust_level: input.bypassTrustLevel,
        start_level: input.startLevel,
        reply_level: input.replyLevel,
        see_level: input.seeLevel,
        kinds: input.kinds,
        archived_at: input.archived === undefined ? undefined : input.archived ? new Date() : null,
      });
      if (!category) throw new NotFoundError('category.not_found', 'No such category.');
      if (input.seeLevel) await raiseChildren(trx, categories, id, input.seeLevel, manager.id);
      await new AuditRepository(trx).record({
        actorId: manager.id,
        action: 'category.update',
        subjectType: 'category',
        subjectId: id,
        data: input,
      });
      return category;
    });
    return toCategory(updated, manager);
  }

  async listThreads(options: {
    categorySlug?: string;
    /** Only threads carrying this tag (issue 19). */
    tag?: string;
    sort: ThreadSort;
    cursor?: string;
    limit?: number;
    /** The reader: the category says whether they may start a thread there. */
    actor?: Actor | null;
  }) {
    const limit = options.limit ?? this.pageSize;
    let category;
    if (options.categorySlug !== undefined) {
      category = await this.categories.getBySlug(options.categorySlug);
      if (!category || !canSeeCategory(options.actor, category))
        throw new NotFoundError('category.not_found', 'No such category.');
    }
    const [children, parent] = await Promise.all([
      category ? this.categories.listChildren(category.id) : Promise.resolve([]),
      category?.parent_id ? this.categories.getById(category.parent_id) : Promise.resolve(undefined),
    ]);
    const seeLevels = seeLevelsOf(options.actor);
    const seenChildren = children.filter((c) => canSeeCategory(options.actor, c));
    const childCategoryIds = seenChildren.map((c) => c.id);
    const after = options.cursor
      ? decodeCursor(options.cursor, options.sort === 'top' ? ['number', 'number'] : ['date', 'number'])
      : undefined;
    const firstPage = after === undefined;
    // The latest threads show pinned ones apart: a category's own and those pinned everywhere; the home page's
    // list, those pinned everywhere.
    const showPinnedApart = options.sort === 'latest' && options.tag === undefined;
    const [rows, pinned] = await Promise.all([
      this.threads.list({
        categoryId: category?.id,
        childCategoryIds,
        tag: options.tag,
        sort: options.sort,
        after,
        limit: limit + 1,
        excludePinned: showPinnedApart,
        seeLevels,
      }),
      showPinnedApart && firstPage ? this.threads.listPinned(category?.id, seeLevels) : Promise.resolve([]),
    ]);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      category: category ? toCategory(category, options.actor ?? null) : null,
      ...(category && {
        parent: parent ? toCategory(parent, options.actor ?? null) : null,
        subcategories: seenChildren.map((c) => toCategory(c, options.actor ?? null)),
      }),
      pinned: pinned.map(toThreadListItem),
      threads: page.map(toThreadListItem),
      nextCursor: rows.length > limit && last ? cursorFor(options.sort, last) : null,
    };
  }

  /**
   * The thread page. Its reader-independent part (thread, posts, authors) is cached per node (PageCache): a
   * visitor's read of a kept page asks the database nothing while the node hears PostgreSQL's notices of changes,
   * and re-validates it by the thread's version (one primary-key read) when it does not; a member's read always
   * re-validates it, with their own layer (one statement). The TTL only bounds how stale author details (name,
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
    const mark = this.pages.mark();
    const checked = actor !== null && (!caughtUp || options.revalidate === true);
    const kept = canSeeHidden ? null : this.pages.get(key, id, checked);
    // Pages holding something only some readers see are built per member.
    let shared = actor && kept?.page.hasNonPublished ? undefined : kept?.page;
    let overlay: ReaderOverlay | undefined;
    const layerMark = this.layers.mark();
    if (shared && actor) {
      // A member's kept layer on a page the feed vouches for: no statement, as for a visitor.
      const layer =
        caughtUp && kept!.vouched && !options.revalidate ? this.layers.get(actor.id, key, shared) : undefined;
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

  async getPostSource(actor: Actor | null, id: number) {
    const post = await this.posts.getById(id);
    const thread = post && (await this.threads.getById(post.thread_id));
    if (!post || !thread || !canSeePost(actor, post, thread))
      throw new NotFoundError('post.not_found', 'No such post.');
    return {
      id: post.id,
      threadId: post.thread_id,
      number: post.number,
      title: post.number === 1 ? thread.title : null,
      body: post.body_md,
      html: post.body_html,
      state: post.state,
      authorId: post.author_id,
    };
  }

  async listRevisions(actor: Actor | null, postId: number) {
    const post = await this.posts.getById(postId);
    const thread = post && (await this.threads.getById(post.thread_id));
    if (!post || !thread || !canSeeThread(actor, thread) || post.state === 'deleted') {
      throw new NotFoundError('post.not_found', 'No such post.');
    }
    if (actor?.id !== post.author_id) authorize(actor, 'post.revisions.any');
    const revisions = await this.posts.listRevisions(postId);
    return revisions.map((r) => ({
      revision: r.revision,
      title: r.title,
      body: r.body_md,
      editor: r.editor_username,
      createdAt: r.created_at.toISOString(),
    }));
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
