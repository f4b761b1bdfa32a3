import { type Actor, authorize, can } from '../../access/access.ts';
import { canSeeCategory, canSeePost, canSeeThread, seeLevelsOf } from '../../access/visibility.ts';
import { CategoriesRepository, PostsRepository, ThreadsRepository } from '../../content/index.ts';
import type { Db } from '../../db/kysely.ts';
import type { TrackingLevel } from '../../db/types.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { assertStorableText } from '../../lib/text.ts';
import { BookmarksRepository } from './bookmarks.repository.ts';
import { TrackingRepository } from './tracking.repository.ts';

const BOOKMARKS_PAGE = 30;

/** A post's opening words, without Markdown's marks, for the bookmarks list. */
function excerpt(markdown: string): string {
  const plain = markdown
    .replace(/^ {0,3}>.*$/gm, '')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*_#>~]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length > 200 ? `${plain.slice(0, 199)}…` : plain;
}

/** Notification levels, read positions and bookmarks: each member's own, so every method takes the member. */
export class TrackingService {
  private readonly tracking: TrackingRepository;
  private readonly bookmarks: BookmarksRepository;
  private readonly threads: ThreadsRepository;
  private readonly posts: PostsRepository;
  private readonly categories: CategoriesRepository;

  constructor(db: Db) {
    this.tracking = new TrackingRepository(db);
    this.bookmarks = new BookmarksRepository(db);
    this.threads = new ThreadsRepository(db);
    this.posts = new PostsRepository(db);
    this.categories = new CategoriesRepository(db);
  }

  /** Where the member stopped reading: the client sends the last post number it showed them. */
  async markRead(actor: Actor | null, threadId: number, number: number): Promise<void> {
    const member = authorize(actor, 'thread.follow');
    if (
      !(await this.tracking.markRead(member.id, threadId, number, can(member, 'post.view_hidden'), seeLevelsOf(member)))
    ) {
      throw new NotFoundError('thread.not_found', 'No such thread.');
    }
  }

  async setThreadLevel(actor: Actor | null, threadId: number, level: TrackingLevel) {
    const member = authorize(actor, 'thread.follow');
    const thread = await this.threads.getVisibility(threadId);
    if (!thread || !canSeeThread(member, thread)) throw new NotFoundError('thread.not_found', 'No such thread.');
    await this.tracking.setThreadLevel(member.id, threadId, level);
    const state = await this.tracking.threadState(member.id, threadId);
    return { level: state?.level ?? level, lastRead: state?.last_read ?? 0 };
  }

  /** The overlay a list of threads gets for a member: level, read position, unread and new. */
  async threadStates(actor: Actor | null, threadIds: number[]) {
    const member = authorize(actor, 'thread.follow');
    const [rows, previousVisit] = await Promise.all([
      this.tracking.threadStates(member.id, [...new Set(threadIds)], seeLevelsOf(member)),
      this.tracking.previousVisit(member.id),
    ]);
    return {
      previousVisitAt: previousVisit?.toISOString() ?? null,
      threads: rows.map((r) => ({
        threadId: r.thread_id,
        level: r.level,
        lastRead: r.last_read,
        unread: r.unread,
        isNew: r.is_new,
      })),
    };
  }

  async setCategoryLevel(actor: Actor | null, categoryId: number, level: TrackingLevel) {
    const member = authorize(actor, 'thread.follow');
    const category = await this.categories.getSettings(categoryId);
    if (!category || !canSeeCategory(member, category))
      throw new NotFoundError('category.not_found', 'No such category.');
    await this.tracking.setCategoryLevel(member.id, categoryId, level);
    return { categoryId, level };
  }

  async categoryCounts(actor: Actor | null) {
    const member = authorize(actor, 'thread.follow');
    const rows = await this.tracking.categoryCounts(member.id, seeLevelsOf(member));
    return rows.map((r) => ({ categoryId: r.category_id, level: r.level, unread: r.unread, new: r.new }));
  }

  async bookmark(actor: Actor | null, postId: number, note: string) {
    const member = authorize(actor, 'post.bookmark');
    assertStorableText('note', note);
    const post = await this.posts.getById(postId);
    const thread = post && (await this.threads.getVisibility(post.thread_id));
    if (!post || !thread || !canSeePost(member, post, thread)) {
      throw new NotFoundError('post.not_found', 'No such post.');
    }
    const row = await this.bookmarks.save(member.id, postId, note);
    return { created: row.created, bookmark: { id: row.id, postId: row.post_id, note: row.note } };
  }

  async unbookmark(actor: Actor | null, postId: number): Promise<void> {
    const member = authorize(actor, 'post.bookmark');
    if (!(await this.bookmarks.remove(member.id, postId))) {
      throw new NotFoundError('bookmark.not_found', 'This post is not bookmarked.');
    }
  }

  /** The member's bookmarks; a post they may no longer read keeps its place and note, without its text. */
  async listBookmarks(actor: Actor | null, before?: number) {
    const member = authorize(actor, 'post.bookmark');
    const rows = await this.bookmarks.list(member.id, BOOKMARKS_PAGE + 1, before);
    const page = rows.slice(0, BOOKMARKS_PAGE);
    return {
      nextBefore: rows.length > BOOKMARKS_PAGE ? page.at(-1)!.id : null,
      bookmarks: page.map((b) => {
        const visible = canSeePost(
          member,
          { state: b.post_state, author_id: b.author_id },
          { state: b.thread_state, author_id: b.thread_author_id, see_level: b.thread_see_level },
        );
        return {
          id: b.id,
          note: b.note,
          createdAt: b.created_at.toISOString(),
          postId: b.post_id,
          number: b.number,
          threadId: b.thread_id,
          title: visible ? b.title : null,
          excerpt: visible ? excerpt(b.body_md) : null,
          author: visible ? { username: b.username, displayName: b.display_name } : null,
        };
      }),
    };
  }
}
