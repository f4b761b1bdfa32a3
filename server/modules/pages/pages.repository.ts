import { LISTED_THREAD_STATE, seeLevelsOf } from '../../access/visibility.ts';
import type { Db } from '../../db/kysely.ts';
import { inSeenCategory } from '../../content/index.ts';

/** Crawlers and feed readers are visitors: only the categories everyone sees. */
const PUBLIC = seeLevelsOf(null);

/**
 * What crawlers and feed readers are given: published threads and posts only, of categories visitors see (the
 * visibility rule's lists).
 */
export class PagesRepository {
  constructor(private readonly db: Db) {}

  /** How many threads a visitor may see, and when the last one moved. */
  async threadTotals(): Promise<{ count: number; lastActivity: Date | null }> {
    const row = await this.db
      .selectFrom('threads')
      .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.max('last_post_at').as('last')])
      .where('state', '=', LISTED_THREAD_STATE)
      .where(inSeenCategory('threads.category_id', PUBLIC))
      .executeTakeFirstOrThrow();
    return { count: Number(row.count), lastActivity: row.last ? new Date(row.last) : null };
  }

  /** One sitemap file's threads, in id order. */
  sitemapThreads(offset: number, limit: number) {
    return this.db
      .selectFrom('threads')
      .select(['id', 'last_post_at'])
      .where('state', '=', LISTED_THREAD_STATE)
      .where(inSeenCategory('threads.category_id', PUBLIC))
      .orderBy('id')
      .offset(offset)
      .limit(limit)
      .execute();
  }

  /** Every category with its last activity. */
  categories() {
    return this.db
      .selectFrom('categories')
      .leftJoin('threads', (join) =>
        join.onRef('threads.category_id', '=', 'categories.id').on('threads.state', '=', LISTED_THREAD_STATE),
      )
      .select(['categories.id', 'categories.slug', 'categories.name', 'categories.description'])
      .where('categories.see_level', 'in', PUBLIC)
      .select((eb) => eb.fn.max('threads.last_post_at').as('last'))
      .groupBy('categories.id')
      .orderBy('categories.position')
      .orderBy('categories.id')
      .execute();
  }

  /** The newest published threads (of one category), each with its first post. */
  latestThreads(categoryId: number | null, limit: number) {
    return this.db
      .selectFrom('threads')
      .innerJoin('members', 'members.id', 'threads.author_id')
      .innerJoin('posts', (join) =>
        join.onRef('posts.thread_id', '=', 'threads.id').on('posts.number', '=', 1).on('posts.state', '=', 'published'),
      )
      .select([
        'threads.id',
        'threads.title',
        'threads.created_at',
        'threads.last_post_at',
        'members.username',
        'members.display_name',
        'posts.body_html',
      ])
      .where('threads.state', '=', LISTED_THREAD_STATE)
      .where(inSeenCategory('threads.category_id', PUBLIC))
      .$if(categoryId !== null, (q) => q.where('threads.category_id', '=', categoryId!))
      .orderBy('threads.created_at', 'desc')
      .orderBy('threads.id', 'desc')
      .limit(limit)
      .execute();
  }

  /** A thread's state and title, to tell a crawler « gone » (410) from « never here or not yours » (404). */
  threadHead(id: number) {
    return this.db
      .selectFrom('threads')
      .select(['id', 'title', 'state', 'last_post_at', 'created_at'])
      .where('id', '=', id)
      .where(inSeenCategory('threads.category_id', PUBLIC))
      .executeTakeFirst();
  }

  /** A thread's newest published posts. */
  latestPosts(threadId: number, limit: number) {
    return this.db
      .selectFrom('posts')
      .innerJoin('members', 'members.id', 'posts.author_id')
      .select([
        'posts.id',
        'posts.number',
        'posts.body_html',
        'posts.created_at',
        'members.username',
        'members.display_name',
      ])
      .where('posts.thread_id', '=', threadId)
      .where('posts.state', '=', 'published')
      .orderBy('posts.number', 'desc')
      .limit(limit)
      .execute();
  }

  categoryBySlug(slug: string) {
    return this.db
      .selectFrom('categories')
      .select(['id', 'slug', 'name', 'description', 'name_en', 'description_en'])
      .where('slug', '=', slug)
      .where('see_level', 'in', PUBLIC)
      .executeTakeFirst();
  }

  /** Whether a category of this slug exists, whoever may see it (a page head then leaves the status to the page). */
  async categoryExists(slug: string): Promise<boolean> {
    return (
      (await this.db.selectFrom('categories').select('id').where('slug', '=', slug).executeTakeFirst()) !== undefined
    );
  }

  /** A thread with its category and the category's see level, for a page's head. */
  threadForHead(id: number) {
    return this.db
      .selectFrom('threads')
      .innerJoin('categories', 'categories.id', 'threads.category_id')
      .leftJoin('posts as accepted', 'accepted.id', 'threads.accepted_post_id')
      .select([
        'threads.id',
        'threads.title',
        'threads.kind',
        'threads.state',
        'threads.created_at',
        'threads.accepted_post_id',
        'threads.reply_count',
        'categories.slug as category_slug',
        'categories.name as category_name',
        'categories.name_en as category_name_en',
        'accepted.number as accepted_number',
        'categories.see_level',
      ])
      .where('threads.id', '=', id)
      .executeTakeFirst();
  }

  /** One page of a thread's published posts with their authors, in order. */
  postsForHead(threadId: number, from: number, limit: number) {
    return this.db
      .selectFrom('posts')
      .innerJoin('members', 'members.id', 'posts.author_id')
      .select([
        'posts.number',
        'posts.body_html',
        'posts.created_at',
        'posts.like_count',
        'members.username',
        'members.display_name',
      ])
      .where('posts.thread_id', '=', threadId)
      .where('posts.state', '=', 'published')
      .where('posts.number', '>=', from)
      .orderBy('posts.number')
      .limit(limit)
      .execute();
  }

  memberForHead(username: string) {
    return this.db
      .selectFrom('members')
      .select(['username', 'display_name', 'bio'])
      .where('username', '=', username)
      .where('anonymised_at', 'is', null)
      .executeTakeFirst();
  }
}
