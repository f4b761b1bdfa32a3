import { type Insertable, sql, type Updateable } from 'kysely';
import { LISTED_THREAD_STATE } from '../access/visibility.ts';
import type { Executor } from '../db/kysely.ts';
import type { SeeLevel, ThreadsTable } from '../db/types.ts';
import { inSeenCategory, threadSeeLevel } from './seen.ts';
import { detailQuery, type PageRequest, readThreadPages } from './thread-pages.ts';
import { QueryTemplate, templatesByShape } from '../db/query-template.ts';

/** The hot statements of a reply, built and compiled once (issue 20: Kysely's building was a fifth of a reply's CPU). */
const byIdStatement = (db: Executor) =>
  new QueryTemplate(['id'], (v: { id: number }) =>
    db.selectFrom('threads').selectAll().select(threadSeeLevel().as('see_level')).where('id', '=', v.id),
  );
let byIdTemplate: ReturnType<typeof byIdStatement> | undefined;

interface ClaimShape {
  db: Executor;
  visible: boolean;
  openOnly: boolean;
  publishedOnly: boolean;
}
const claimTemplate = templatesByShape(
  (shape: ClaimShape) => (shape.visible ? (['id', 'authorId', 'at'] as const) : (['id'] as const)),
  ({ db, visible, openOnly, publishedOnly }: ClaimShape, v: { id: number; authorId: number; at: Date }) =>
    db
      .updateTable('threads')
      .set((eb) => ({
        post_count: eb('post_count', '+', 1),
        version: eb('version', '+', 1),
        ...(visible && {
          reply_count: eb('reply_count', '+', 1),
          last_post_at: v.at,
          last_poster_id: v.authorId,
          updated_at: v.at,
        }),
      }))
      .where('id', '=', v.id)
      .$if(publishedOnly, (q) => q.where('state', '=', 'published'))
      .$if(openOnly, (q) => q.where('locked', '=', false))
      .returning([
        'post_count',
        sql<boolean>`NOT EXISTS (SELECT 1 FROM threads e WHERE e.author_id = threads.author_id AND e.id < threads.id)`.as(
          'authors_first',
        ),
      ]),
);

export type ThreadSort = 'latest' | 'top' | 'unanswered';

export interface ThreadListOptions {
  categoryId?: number;
  /** The category's sub-categories, whose threads its list shows too. */
  childCategoryIds?: readonly number[];
  /** Only threads carrying this tag (its normalised name). */
  tag?: string;
  sort: ThreadSort;
  /** The sort key of the last row already seen: [date, id] for latest/unanswered, [score, id] for top. */
  after?: readonly (number | Date)[];
  limit: number;
  /** Pinned threads are listed apart, on a category's first page. */
  excludePinned?: boolean;
  /** The categories' see levels the reader meets (`seeLevelsOf`): the others' threads are left out. */
  seeLevels: readonly SeeLevel[];
}

export class ThreadsRepository {
  constructor(private readonly db: Executor) {}

  private listQuery(seeLevels: readonly SeeLevel[]) {
    return (
      this.db
        .selectFrom('threads')
        .innerJoin('categories', 'categories.id', 'threads.category_id')
        .innerJoin('members as author', 'author.id', 'threads.author_id')
        .leftJoin('members as last_poster', 'last_poster.id', 'threads.last_poster_id')
        .select([
          'threads.id',
          'threads.title',
          'threads.kind',
          'threads.state',
          'threads.pinned',
          'threads.featured',
          'threads.official',
          'threads.locked',
          'threads.accepted_post_id',
          'threads.reply_count',
          'threads.score',
          'threads.created_at',
          'threads.last_post_at',
          'categories.id as category_id',
          'categories.slug as category_slug',
          'categories.name as category_name',
          'categories.name_en as category_name_en',
          'categories.icon as category_icon',
          'categories.color as category_color',
          'categories.see_level as category_see_level',
          'author.id as author_id',
          'author.username as author_username',
          'author.display_name as author_display_name',
          'author.avatar_key as author_avatar_key',
          'last_poster.username as last_poster_username',
        ])
        // The opening post's first image, as the list's thumbnail (its square variant), when the post is public.
        .select(
          sql<string | null>`(SELECT u.key || '/thumb.' || CASE u.format WHEN 'jpeg' THEN 'jpg' ELSE u.format END
             FROM posts p JOIN upload_posts up ON up.post_id = p.id JOIN uploads u ON u.id = up.upload_id
            WHERE p.thread_id = threads.id AND p.number = 1 AND p.state = 'published' AND u.kind <> 'avatar'
            ORDER BY up.upload_id LIMIT 1)`.as('thumbnail_path'),
        )
        // Its tags, by name, for the list's cards (the primary key of thread_tags leads with thread_id).
        .select(
          sql<string[]>`ARRAY(SELECT tg.name FROM thread_tags tt JOIN tags tg ON tg.id = tt.tag_id
            WHERE tt.thread_id = threads.id ORDER BY tg.name)`.as('tags'),
        )
        .where('threads.state', '=', LISTED_THREAD_STATE)
        .where(inSeenCategory('threads.category_id', seeLevels))
    );
  }

  /** Keyset pagination on an index per sort; never OFFSET. */
  list(options: ThreadListOptions) {
    const { sort, after, limit, categoryId, tag } = options;
    let query = this.listQuery(options.seeLevels)
      // A parent category lists its sub-categories' threads too, as Discourse does (one IN list on the index).
      .$if(categoryId !== undefined, (q) =>
        q.where('threads.category_id', 'in', [categoryId!, ...(options.childCategoryIds ?? [])]),
      )
      .$if(tag !== undefined, (q) =>
        q.where(({ exists, selectFrom }) =>
          exists(
            selectFrom('thread_tags')
              .innerJoin('tags', 'tags.id', 'thread_tags.tag_id')
              .whereRef('thread_tags.thread_id', '=', 'threads.id')
              .where('tags.name', '=', tag!)
              .select('thread_tags.thread_id'),
          ),
        ),
      )
      .$if(options.excludePinned === true, (q) =>
        options.categoryId === undefined
          ? q.where('threads.pinned_global', '=', false)
          : q.where('threads.pinned', '=', false).where('threads.pinned_global', '=', false),
      );
    if (sort === 'top') {
      query = query
        .$if(after !== undefined, (q) =>
          q.where((eb) =>
            eb(eb.refTuple('threads.score', 'threads.id'), '<', eb.tuple(after![0] as number, after![1] as number)),
          ),
        )
        .orderBy('threads.score', 'desc')
        .orderBy('threads.id', 'desc');
    } else if (sort === 'unanswered') {
      query = query
        .where('threads.reply_count', '=', 0)
        .where('threads.kind', '!=', 'announcement')
        .$if(after !== undefined, (q) =>
          q.where((eb) =>
            eb(eb.refTuple('threads.created_at', 'threads.id'), '<', eb.tuple(after![0] as Date, after![1] as number)),
          ),
        )
        .orderBy('threads.created_at', 'desc')
        .orderBy('threads.id', 'desc');
    } else {
      query = query
        .$if(after !== undefined, (q) =>
          q.where((eb) =>
            eb(
              eb.refTuple('threads.last_post_at', 'threads.id'),
              '<',
              eb.tuple(after![0] as Date, after![1] as number),
            ),
          ),
        )
        .orderBy('threads.last_post_at', 'desc')
        .orderBy('threads.id', 'desc');
    }
    return query.limit(limit).execute();
  }

  /** Pinned in this category, and pinned everywhere; with no category, pinned everywhere only. */
  listPinned(categoryId: number | undefined, seeLevels: readonly SeeLevel[]) {
    return this.listQuery(seeLevels)
      .where((eb) =>
        categoryId === undefined
          ? eb('threads.pinned_global', '=', true)
          : eb.or([
              eb.and([eb('threads.category_id', '=', categoryId), eb('threads.pinned', '=', true)]),
              eb('threads.pinned_global', '=', true),
            ]),
      )
      .orderBy('threads.last_post_at', 'desc')
      .limit(20)
      .execute();
  }

  listByAuthor(authorId: number, limit: number, seeLevels: readonly SeeLevel[]) {
    return this.listQuery(seeLevels)
      .where('threads.author_id', '=', authorId)
      .orderBy('threads.created_at', 'desc')
      .limit(limit)
      .execute();
  }

  /** Threads waiting for their publication time, soonest first (the community managers' calendar). */
  listScheduled(limit: number) {
    return this.db
      .selectFrom('threads as t')
      .innerJoin('categories as c', 'c.id', 't.category_id')
      .innerJoin('members as m', 'm.id', 't.author_id')
      .select(['t.id', 't.title', 't.kind', 't.publish_at', 'c.slug', 'c.name', 'c.color', 'm.username'])
      .where('t.state', '=', sql.lit('scheduled')) // threads_scheduled_idx (see claimDue)
      .orderBy('t.publish_at')
      .limit(limit)
      .execute();
  }

  /**
   * The next scheduled thread due now, locked for this transaction; another node's claim is skipped, so every
   * due thread is published by exactly one node. The state is a literal, not a parameter, so that the prepared
   * statement's generic plan can use the partial threads_scheduled_idx (not a scan of every thread).
   */
  claimDue() {
    return this.db
      .selectFrom('threads')
      .selectAll()
      .where('state', '=', sql.lit('scheduled'))
      .where('publish_at', '<=', sql<Date>`now()`)
      .orderBy('publish_at')
      .limit(1)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
  }

  /** A scheduled thread comes out: published, dated now. */
  publishScheduled(id: number) {
    return this.db
      .updateTable('threads')
      .set({ state: 'published', last_post_at: sql`now()`, created_at: sql`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Moves a thread still waiting to another time; undefined when it is no longer scheduled (already out). */
  reschedule(id: number, publishAt: Date) {
    return this.db
      .updateTable('threads')
      .set({ publish_at: publishAt, updated_at: new Date() })
      .where('id', '=', id)
      .where('state', '=', 'scheduled')
      .returningAll()
      .executeTakeFirst();
  }

  /** Withdraws a thread still waiting: it will not come out (deleted, with its opening post). */
  async cancelScheduled(id: number) {
    const thread = await this.db
      .updateTable('threads')
      .set({ state: 'deleted', updated_at: new Date() })
      .where('id', '=', id)
      .where('state', '=', 'scheduled')
      .returningAll()
      .executeTakeFirst();
    if (thread)
      await this.db
        .updateTable('posts')
        .set({ state: 'deleted', updated_at: new Date() })
        .where('thread_id', '=', id)
        .execute();
    return thread;
  }

  async getById(id: number) {
    byIdTemplate ??= byIdStatement(this.db);
    return (await this.db.executeQuery(byIdTemplate.with({ id }))).rows[0];
  }

  /** The thread a post is in (with its see level), read by the post's id: no need to read the post first. */
  getByPostId(postId: number) {
    return this.db
      .selectFrom('threads')
      .selectAll()
      .select(threadSeeLevel().as('see_level'))
      .where('id', '=', (eb) => eb.selectFrom('posts').select('thread_id').where('posts.id', '=', postId))
      .executeTakeFirst();
  }

  /** The thread with its category and author, for the thread page. */
  getDetail(id: number) {
    return detailQuery(this.db, id).executeTakeFirst();
  }

  /** Thread pages' shared part, several in one statement (see `readThreadPages`). */
  getDetailsWithPages(pages: readonly PageRequest[]) {
    return readThreadPages(this.db, pages);
  }

  create(values: Insertable<ThreadsTable>) {
    return this.db.insertInto('threads').values(values).returningAll().executeTakeFirstOrThrow();
  }

  /**
   * Hands out the next post number and, for a visible reply, bumps the activity columns. The row lock it
   * takes serialises concurrent replies to one thread, so numbers never collide. A reply held for review
   * gets its number but leaves the activity alone: nobody can tell it exists (see `recordReply`).
   */
  async nextPostNumber(id: number, authorId: number, at: Date, visible = true): Promise<number> {
    const claimed = await this.claimPostNumber(id, authorId, at, { visible, publishedOnly: false });
    if (claimed === undefined) throw new Error(`thread ${id} not found`);
    return claimed.number;
  }

  /**
   * The next post's number, counters moved (and the row locked until the transaction ends), and whether the
   * thread is its author's first (a reply there welcomes a newcomer); undefined when the thread is not
   * published (unless `publishedOnly: false`) or is locked (with `openOnly`). An invisible post (held)
   * moves only the post count.
   */
  async claimPostNumber(
    id: number,
    authorId: number,
    at: Date,
    {
      visible,
      openOnly = false,
      publishedOnly = true,
    }: { visible: boolean; openOnly?: boolean; publishedOnly?: boolean },
  ): Promise<{ number: number; authorsFirst: boolean } | undefined> {
    const shape = { db: this.db, visible, openOnly, publishedOnly };
    const template = claimTemplate(`${+visible}${+openOnly}${+publishedOnly}`, shape);
    const row = (await this.db.executeQuery(template.with({ id, authorId, at }))).rows[0];
    return row && { number: row.post_count, authorsFirst: row.authors_first };
  }

  /** A held reply was approved: it counts from now on. */
  recordReply(id: number, authorId: number, at: Date) {
    return this.db
      .updateTable('threads')
      .set((eb) => ({
        reply_count: eb('reply_count', '+', 1),
        last_post_at: at,
        last_poster_id: authorId,
        updated_at: at,
        version: eb('version', '+', 1),
      }))
      .where('id', '=', id)
      .execute();
  }

  update(id: number, values: Pick<Updateable<ThreadsTable>, 'title' | 'state' | 'accepted_post_id'>) {
    return this.db
      .updateTable('threads')
      .set((eb) => ({ ...values, updated_at: new Date(), version: eb('version', '+', 1) }))
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  /** Featured on the home page, or no longer (community managers). */
  async setFeatured(id: number, featured: boolean): Promise<void> {
    await this.db
      .updateTable('threads')
      .set((eb) => ({ featured, version: eb('version', '+', 1), updated_at: new Date() }))
      .where('id', '=', id)
      .execute();
  }

  /** Something on the thread's pages changed (an edited reply): cached pages must be rebuilt. */
  touch(id: number) {
    return this.db
      .updateTable('threads')
      .set((eb) => ({ version: eb('version', '+', 1) }))
      .where('id', '=', id)
      .execute();
  }

  /** What deciding who may see the thread needs (access/visibility.ts). */
  getVisibility(id: number) {
    return this.db
      .selectFrom('threads')
      .select(['state', 'author_id'])
      .select(threadSeeLevel().as('see_level'))
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** The few columns that decide whether a cached page is still valid and who may see it: a primary-key read. */
  getHead(id: number) {
    return this.db
      .selectFrom('threads')
      .select(['id', 'version', 'state', 'author_id', 'locked', 'kind'])
      .select(threadSeeLevel().as('see_level'))
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** The heads of several threads in one statement (one text whatever their number: it runs prepared). */
  getHeads(ids: readonly number[]) {
    return this.db
      .selectFrom('threads')
      .select(['id', 'version', 'state', 'author_id', 'locked', 'kind'])
      .select(threadSeeLevel().as('see_level'))
      .where('id', '=', sql<number>`ANY(${[...ids]}::int[])`)
      .execute();
  }

  addCounts(id: number, delta: { replies?: number; score?: number }) {
    return this.db
      .updateTable('threads')
      .set((eb) => ({
        reply_count: eb('reply_count', '+', delta.replies ?? 0),
        score: eb('score', '+', delta.score ?? 0),
        version: eb('version', '+', 1),
      }))
      .where('id', '=', id)
      .execute();
  }

  lockForUpdate(id: number) {
    return this.db.selectFrom('threads').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  }
}

export type ThreadListRow = Awaited<ReturnType<ThreadsRepository['list']>>[number];
export type { ThreadDetailRow } from './thread-pages.ts';
