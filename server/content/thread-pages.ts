import { type Expression, sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { Executor } from '../db/kysely.ts';
import { QueryTemplate } from '../db/query-template.ts';
import { pageQuery, type PostPageRow } from './posts.repository.ts';

export type ThreadDetailRow = NonNullable<Awaited<ReturnType<ReturnType<typeof detailQuery>['executeTakeFirst']>>>;

/** A page of a thread: its id, the post number already seen, how many posts. */
export interface PageRequest {
  id: number;
  after: number;
  limit: number;
}

/** The thread with its category, parent category and author. */
export function detailQuery(db: Executor, id: number | Expression<number>) {
  return db
    .selectFrom('threads')
    .innerJoin('categories', 'categories.id', 'threads.category_id')
    .innerJoin('members as author', 'author.id', 'threads.author_id')
    .leftJoin('categories as parent', 'parent.id', 'categories.parent_id')
    .selectAll('threads')
    .select([
      'categories.slug as category_slug',
      'categories.name as category_name',
      'categories.name_en as category_name_en',
      'categories.icon as category_icon',
      'categories.color as category_color',
      'categories.see_level as category_see_level',
      'parent.id as parent_id',
      'parent.slug as parent_slug',
      'parent.name as parent_name',
      'parent.name_en as parent_name_en',
      'categories.reply_level as category_reply_level',
      'categories.archived_at as category_archived_at',
      'author.username as author_username',
      'author.display_name as author_display_name',
      'author.avatar_key as author_avatar_key',
    ])
    .where('threads.id', '=', id);
}

/**
 * Several threads' pages in ONE statement (one row each, `i` its place in the input), compiled once: the cold
 * reads of one turn of the event loop share a round trip (ThreadPageService batches them).
 */
const pagesStatement = (db: Executor) =>
  new QueryTemplate(['input'], (v: { input: string }) => {
    const q = (column: 'id' | 'after' | 'lim') => sql.ref<number>(`q.${column}`);
    const page = detailQuery(db, q('id')).select(() =>
      jsonArrayFrom(pageQuery(db, { threadId: q('id'), after: q('after'), limit: q('lim') })).as('posts'),
    );
    type Row = NonNullable<Awaited<ReturnType<typeof page.executeTakeFirst>>> & { i: number };
    const statement = sql<Row>`
      SELECT q.i, page.* FROM jsonb_to_recordset(${v.input}::jsonb) AS q(i int, id int, after int, lim int)
      CROSS JOIN LATERAL (${page}) AS page`;
    return { compile: () => statement.compile(db) };
  });
let pagesTemplate: ReturnType<typeof pagesStatement> | undefined;

/**
 * Thread pages' shared part, each in ONE round trip shared by all the pages asked for (issue 20: a cold read was
 * two statements side by side): the thread with its category and author, and a page of its posts with their
 * authors, nested as JSON. Undefined where there is no such thread.
 */
export async function readThreadPages(
  db: Executor,
  pages: readonly PageRequest[],
): Promise<({ thread: ThreadDetailRow; posts: PostPageRow[] } | undefined)[]> {
  const input = JSON.stringify(pages.map((p, i) => ({ i, id: p.id, after: p.after, lim: p.limit })));
  const template = (pagesTemplate ??= pagesStatement(db));
  const { rows } = await db.executeQuery(template.with({ input }));
  const found = new Map(rows.map(({ i, posts, ...thread }) => [i, { thread, posts }]));
  return pages.map((_, i) => {
    const row = found.get(i);
    if (!row) return undefined;
    // JSON carries dates as text: back to Date, as the posts' own query returns them.
    const posts = row.posts.map((p) => ({
      ...p,
      created_at: new Date(p.created_at),
      edited_at: p.edited_at === null ? null : new Date(p.edited_at),
    }));
    return { thread: row.thread, posts };
  });
}
