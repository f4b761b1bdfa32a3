import { type Actor, authorize } from '../../access/access.ts';
import { canSeeCategory, canSeePost, canSeeThread, seeLevelsOf } from '../../access/visibility.ts';
import type { Db } from '../../db/kysely.ts';
import type { PostingLevel, SeeLevel, ThreadKind } from '../../db/types.ts';
import { decodeCursor, encodeCursor } from '../../lib/cursor.ts';
import { ConflictError, NotFoundError } from '../../lib/errors.ts';
import {
  CategoriesRepository,
  PostsRepository,
  type ThreadListRow,
  type ThreadSort,
  ThreadsRepository,
} from '../../content/index.ts';
import { toCategory, toThreadListItem } from './forum.mappers.ts';
import { AuditRepository } from '../../events/audit.repository.ts';
import { assertCategoryShape } from './category.rules.ts';
import { assertCategoryLevels, raiseChildren } from './category-levels.ts';

function cursorFor(sort: ThreadSort, row: ThreadListRow): string {
  if (sort === 'top') return encodeCursor([row.score, row.id]);
  const date = sort === 'unanswered' ? row.created_at : row.last_post_at;
  return encodeCursor([date.toISOString(), row.id]);
}

/** Read side of the forum: categories, thread lists, a post's source and revisions (the thread page: ThreadPageService). */
export class ForumService {
  private readonly categories: CategoriesRepository;
  private readonly threads: ThreadsRepository;
  private readonly posts: PostsRepository;

  constructor(
    private readonly db: Db,
    private readonly pageSize: number,
  ) {
    this.categories = new CategoriesRepository(db);
    this.threads = new ThreadsRepository(db);
    this.posts = new PostsRepository(db);
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
