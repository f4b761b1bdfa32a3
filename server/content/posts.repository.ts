import { type CompiledQuery, type Expression, type Insertable, type Selectable, sql, type Updateable } from 'kysely';
import { LISTED_THREAD_STATE } from '../access/visibility.ts';
import type { Executor } from '../db/kysely.ts';
import { templatesByShape } from '../db/query-template.ts';
import type { BadgeTier, PostsTable, SeeLevel } from '../db/types.ts';
import { inHiddenCategory, inSeenCategory } from './seen.ts';
import { countShard } from './categories.repository.ts';

export interface PostPageOptions {
  threadId: number;
  /** Post number already seen; the page starts after it. */
  after: number;
  limit: number;
}

/** The same, any of them possibly a column of an enclosing statement (several pages read in one). */
type PageOperands = { [K in keyof PostPageOptions]: number | Expression<number> };

/**
 * One page of a thread: posts, their authors and what they reply to; never one query per post. The same for every
 * reader, so it can be cached; the reader's own layer comes from ReaderRepository. A query to run alone
 * (`PostsRepository.page`) or nested in the threads' own (`ThreadsRepository.getDetailsWithPages`).
 */
export function pageQuery(db: Executor, options: PageOperands) {
  return (
    db
      .selectFrom('posts')
      // Each post's author by its key (a lateral read that the planner cannot turn into a hash of the members
      // table: on a small community it hashed every member for a page of three posts, a third of the statement).
      .innerJoinLateral(
        (eb) =>
          eb
            .selectFrom('members')
            .select(['id', 'username', 'display_name', 'avatar_key', 'role', 'trust_level', 'reputation'])
            .whereRef('members.id', '=', 'posts.author_id')
            .limit(1)
            .as('author'),
        (join) => join.onTrue(),
      )
      .leftJoin('posts as parent', 'parent.id', 'posts.reply_to_id')
      .leftJoin('members as parent_author', 'parent_author.id', 'parent.author_id')
      .select([
        'posts.id',
        'posts.number',
        'posts.state',
        'posts.body_html',
        'posts.lang',
        'posts.author_id',
        'posts.like_count',
        'posts.helpful_count',
        'posts.edit_count',
        'posts.edited_at',
        'posts.created_at',
        'posts.moderation',
        'author.username as author_username',
        'author.display_name as author_display_name',
        'author.avatar_key as author_avatar_key',
        'author.role as author_role',
        'author.trust_level as author_trust_level',
        'author.reputation as author_reputation',
        'parent.id as parent_id',
        'parent.number as parent_number',
        'parent_author.username as parent_username',
        'parent.author_id as parent_author_id',
      ])
      // The author's most distinguished badge, in the same query (a correlated subquery, not one query per post).
      .select(
        sql<{ key: string; tier: BadgeTier; fr: string; en: string } | null>`(
      SELECT jsonb_build_object('key', b.key, 'tier', b.tier, 'fr', b.name_fr, 'en', b.name_en)
      FROM member_badges mb JOIN badges b ON b.id = mb.badge_id
      WHERE mb.member_id = author.id
      ORDER BY CASE b.tier WHEN 'gold' THEN 3 WHEN 'silver' THEN 2 ELSE 1 END DESC, mb.created_at
      LIMIT 1)`.as('author_badge'),
      )
      .where('posts.thread_id', '=', options.threadId)
      .where('posts.number', '>', options.after)
      .orderBy('posts.number')
      .limit(options.limit)
  );
}

const insertTemplate = templatesByShape(
  ({ columns }: { db: Executor; columns: (keyof Insertable<PostsTable> & string)[] }) => columns,
  ({ db }, values: Insertable<PostsTable>) => db.insertInto('posts').values(values).returningAll(),
);

/** Where a reply goes: its thread (published, and open with `openOnly`), its author, and whether it shows. */
export interface ReplyClaim {
  threadId: number;
  authorId: number;
  at: Date;
  visible: boolean;
  openOnly: boolean;
}
type NewReply = Required<
  Pick<Insertable<PostsTable>, 'reply_to_id' | 'body_md' | 'body_html' | 'sentiment' | 'lang' | 'state' | 'moderation'>
>;
type ReplyValues = { id: number; threadId: number; authorId: number; at: Date; shard: number } & {
  [K in keyof NewReply]: NewReply[K];
};
const REPLY_COLUMNS = ['reply_to_id', 'body_md', 'body_html', 'sentiment', 'lang', 'state', 'moderation'] as const;

/**
 * A reply in ONE statement (issue 20): the thread's counters moved and its row locked, which hands out the post's
 * number, then the post, and for a visible reply one shard of its category's counts (`shard`). Built and compiled
 * once per shape.
 */
const replyTemplate = templatesByShape(
  ({ visible }: { db: Executor; visible: boolean; openOnly: boolean }) =>
    visible
      ? (['id', 'threadId', 'authorId', 'at', 'shard', ...REPLY_COLUMNS] as const)
      : (['id', 'threadId', 'authorId', ...REPLY_COLUMNS] as const),
  ({ db, visible, openOnly }, v: ReplyValues) => {
    const activity = visible
      ? sql`, reply_count = reply_count + 1, last_post_at = ${v.at}, last_poster_id = ${v.authorId}, updated_at = ${v.at}`
      : sql``;
    // A visible reply counts in its category: one shard's row, locked until the commit.
    const counted = visible
      ? sql`,
      counted AS (
        INSERT INTO category_counts (category_id, shard, threads, posts)
        SELECT category_id, ${v.shard}::int, 0, 1 FROM claimed
        ON CONFLICT (category_id, shard) DO UPDATE SET posts = category_counts.posts + 1)`
      : sql``;
    const statement = sql<Selectable<PostsTable>>`
      WITH claimed AS (
        UPDATE threads SET post_count = post_count + 1, version = version + 1${activity}
         WHERE id = ${v.threadId} AND state = 'published'${openOnly ? sql` AND locked = false` : sql``}
        RETURNING post_count, category_id)${counted}
      INSERT INTO posts (id, thread_id, author_id, number, reply_to_id, body_md, body_html, sentiment, lang, state, moderation)
      OVERRIDING SYSTEM VALUE
      SELECT ${v.id}::int, ${v.threadId}::int, ${v.authorId}::int, claimed.post_count, ${v.reply_to_id}::int,
             ${v.body_md}::text, ${v.body_html}::text, ${v.sentiment}::real, ${v.lang}::text, ${v.state}::text,
             ${v.moderation}::jsonb
        FROM claimed
      RETURNING posts.*`;
    return { compile: () => statement.compile(db) };
  },
);

export class PostsRepository {
  constructor(private readonly db: Executor) {}

  /** Built and compiled once per set of columns given (issue 20: every reply runs it). */
  async create(values: Insertable<PostsTable>) {
    const given = Object.fromEntries(
      Object.entries(values).filter(([, v]) => v !== undefined),
    ) as Insertable<PostsTable>;
    if (Object.values(given).some((v) => typeof v === 'object' && v !== null && 'toOperationNode' in v)) {
      return this.db.insertInto('posts').values(values).returningAll().executeTakeFirstOrThrow(); // SQL in a value
    }
    const columns = Object.keys(given).sort() as (keyof Insertable<PostsTable> & string)[];
    const template = insertTemplate(columns.join(','), { db: this.db, columns });
    const row = (await this.db.executeQuery(template.with(given))).rows[0];
    if (!row) throw new Error('posts: the insert returned no row');
    return row;
  }

  /**
   * A reply numbered and written in one statement (see replyTemplate), `id` reserved beforehand
   * (forum/reply-context.ts). It returns the post's row, or no row when the thread is not published, or locked
   * under `openOnly` (nothing written).
   */
  replyStatement(claim: ReplyClaim & { id: number }, values: NewReply): CompiledQuery<Selectable<PostsTable>> {
    const template = replyTemplate(`${+claim.visible}${+claim.openOnly}`, { db: this.db, ...claim });
    return template.with({ ...claim, ...values, shard: countShard() });
  }

  getById(id: number) {
    return this.db.selectFrom('posts').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** A thread's first post (its opening text). */
  getFirst(threadId: number) {
    return this.db
      .selectFrom('posts')
      .selectAll()
      .where('thread_id', '=', threadId)
      .where('number', '=', 1)
      .executeTakeFirstOrThrow();
  }

  /** The id of a thread's first post. */
  getFirstId(threadId: number) {
    return this.db
      .selectFrom('posts')
      .select('id')
      .where('thread_id', '=', threadId)
      .where('number', '=', 1)
      .executeTakeFirstOrThrow();
  }

  /** Who wrote the post (a reply's parent, to notify). */
  getAuthorId(id: number) {
    return this.db.selectFrom('posts').select('author_id').where('id', '=', id).executeTakeFirst();
  }

  lockForUpdate(id: number) {
    return this.db.selectFrom('posts').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  }

  /** One page of a thread in one query (see `pageQuery`). */
  page(options: PostPageOptions) {
    return pageQuery(this.db, options).execute();
  }

  /** Which of these posts the member liked or marked helpful. */
  reactionsOf(memberId: number, postIds: readonly number[]) {
    if (postIds.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('reactions')
      .select(['post_id', 'kind'])
      .where('member_id', '=', memberId)
      .where('post_id', 'in', postIds)
      .execute();
  }

  listByAuthor(authorId: number, limit: number, seeLevels: readonly SeeLevel[]) {
    return this.db
      .selectFrom('posts')
      .innerJoin('threads', 'threads.id', 'posts.thread_id')
      .select([
        'posts.id',
        'posts.number',
        'posts.body_html',
        'posts.created_at',
        'threads.id as thread_id',
        'threads.title as thread_title',
      ])
      .where('posts.author_id', '=', authorId)
      .where('posts.state', '=', 'published')
      .where('threads.state', '=', LISTED_THREAD_STATE)
      .where(inSeenCategory('threads.category_id', seeLevels))
      .orderBy('posts.created_at', 'desc')
      .orderBy('posts.id', 'desc')
      .limit(limit)
      .execute();
  }

  /**
   * How many of the author's published posts lie in these categories (those the viewer may not see): what their
   * post count, kept for everyone, must lose for this viewer. No query when there are none.
   */
  async countByAuthorIn(authorId: number, hiddenCategoryIds: readonly number[]): Promise<number> {
    if (hiddenCategoryIds.length === 0) return 0;
    const row = await this.db
      .selectFrom('posts')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('posts.author_id', '=', authorId)
      .where('posts.state', '=', 'published')
      .where('posts.thread_id', 'in', (eb) =>
        eb.selectFrom('threads').select('threads.id').where(inHiddenCategory('threads.category_id', hiddenCategoryIds)),
      )
      .executeTakeFirstOrThrow();
    return row.n;
  }

  update(
    id: number,
    values: Pick<
      Updateable<PostsTable>,
      'body_md' | 'body_html' | 'sentiment' | 'lang' | 'state' | 'edited_at' | 'deleted_at' | 'deleted_by'
    > & {
      bumpEditCount?: boolean;
    },
  ) {
    const { bumpEditCount, ...rest } = values;
    return this.db
      .updateTable('posts')
      .set((eb) => ({
        ...rest,
        updated_at: new Date(),
        ...(bumpEditCount ? { edit_count: eb('edit_count', '+', 1) } : {}),
      }))
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** The verdict and decision shown to the author of a held or refused post (null once it is published). */
  setModeration(id: number, json: string | null) {
    return this.db
      .updateTable('posts')
      .set({ moderation: json, updated_at: new Date() })
      .where('id', '=', id)
      .execute();
  }

  addRevision(values: { postId: number; revision: number; title: string | null; bodyMd: string; editorId: number }) {
    return this.db
      .insertInto('post_revisions')
      .values({
        post_id: values.postId,
        revision: values.revision,
        title: values.title,
        body_md: values.bodyMd,
        editor_id: values.editorId,
      })
      .execute();
  }

  listRevisions(postId: number) {
    return this.db
      .selectFrom('post_revisions')
      .innerJoin('members', 'members.id', 'post_revisions.editor_id')
      .select([
        'post_revisions.revision',
        'post_revisions.title',
        'post_revisions.body_md',
        'post_revisions.created_at',
        'members.username as editor_username',
      ])
      .where('post_id', '=', postId)
      .orderBy('revision')
      .execute();
  }
}

export type PostPageRow = Awaited<ReturnType<PostsRepository['page']>>[number];
