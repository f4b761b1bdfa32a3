import { sql } from 'kysely';
import type { Executor } from '../db/kysely.ts';
import { QueryTemplate } from '../db/query-template.ts';
import type { SeeLevel, ThreadState, TrackingLevel } from '../db/types.ts';
import { threadSeeLevel } from './seen.ts';

export interface ReaderOverlay {
  /** [post id, reaction kind] pairs of the reader's own reactions on the page's posts. */
  reactions: [number, string][];
  /** The page's posts the reader bookmarked. */
  bookmarks: number[];
  /** The reader's level for the thread (its own, else its category's, else normal) and read position. */
  level: TrackingLevel;
  lastRead: number;
  /**
   * The members the reader ignores (their posts collapse): all of them as read (one range of the key, whatever the
   * statistics say of the table), the page's authors among them once filtered (`visibleLayer`).
   */
  ignored: number[];
  /** The thread's head, read in the same statement: whether a cached page is current, and who may see it. */
  head: { version: number; state: ThreadState; author_id: number; see_level: SeeLevel };
}

/**
 * One reader's page: who reads, which thread, and the page: the ids of its posts when they are known (a cached
 * page), else its place (the posts after number `after`, at most `limit`, as the page's own query reads them), so
 * that the layer is read beside the page rather than after it.
 */
export type OverlayRequest = { memberId: number; threadId: number } & (
  { postIds: readonly number[] } | { after: number; limit: number }
);

/**
 * A layer read by the page's place covers every post there, some of which this reader may not see (held or
 * refused posts of others): only the posts the page shows keep their marks, only their authors their "ignored".
 */
export function visibleLayer(
  layer: ReaderOverlay,
  postIds: readonly number[],
  authorIds: readonly number[],
): ReaderOverlay {
  const ids = new Set(postIds);
  const authors = new Set(authorIds);
  return {
    ...layer,
    reactions: layer.reactions.filter(([postId]) => ids.has(postId)),
    bookmarks: layer.bookmarks.filter((postId) => ids.has(postId)),
    ignored: layer.ignored.filter((authorId) => authors.has(authorId)),
  };
}

/**
 * The layers' statement, built and compiled once (issue 20): its text never varies, only its one parameter (the
 * requests as JSON), and members' reads send it several times a second under load.
 */
const overlaysStatement = (db: Executor) =>
  new QueryTemplate(['input'], (v: { input: string }) => ({
    compile: () =>
      sql<ReaderOverlay & { i: number }>`
      SELECT
        q.i,
        COALESCE((SELECT jsonb_agg(jsonb_build_array(r.post_id, r.kind)) FROM reactions r
                   WHERE r.member_id = q.m AND r.post_id = ANY(page.ids)), '[]'::jsonb) AS reactions,
        COALESCE((SELECT jsonb_agg(b.post_id) FROM bookmarks b
                   WHERE b.member_id = q.m AND b.post_id = ANY(page.ids)), '[]'::jsonb) AS bookmarks,
        COALESCE((SELECT jsonb_agg(mi.ignored_id) FROM member_ignores mi WHERE mi.member_id = q.m),
                 '[]'::jsonb) AS ignored,
        COALESCE(tt.level, ct.level, 'normal') AS level,
        COALESCE(tt.last_read_number, 0) AS "lastRead",
        jsonb_build_object('version', t.version, 'state', t.state, 'author_id', t.author_id,
                           'see_level', ${threadSeeLevel('t')}) AS head
      FROM jsonb_to_recordset(${v.input}::jsonb) AS q(i int, m int, t int, p int[], a int, l int)
      JOIN threads t ON t.id = q.t
      CROSS JOIN LATERAL (SELECT COALESCE(q.p, ARRAY(
        SELECT id FROM posts WHERE thread_id = q.t AND number > q.a ORDER BY number LIMIT q.l)) AS ids) page
      LEFT JOIN thread_tracking tt ON tt.member_id = q.m AND tt.thread_id = t.id
      LEFT JOIN category_tracking ct ON ct.member_id = q.m AND ct.category_id = t.category_id`.compile(db),
  }));
let overlaysTemplate: ReturnType<typeof overlaysStatement> | undefined;

/** A member's marks across the community, as the node keeps them (server/modules/forum/member-marks.ts). */
export interface MemberMarksRead {
  memberId: number;
  /** Posts they reacted to or bookmarked, threads where they have a level or read position; null: over the cap. */
  posts: number[] | null;
  threads: number[] | null;
  ignored: number[];
  categories: Record<string, TrackingLevel>;
}

/** Members' marks, several members in one statement: index lookups by member (reactions, bookmarks, tracking). */
const marksStatement = (db: Executor) =>
  new QueryTemplate(['members', 'cap'], (v: { members: number[]; cap: number }) => ({
    compile: () =>
      sql<Omit<MemberMarksRead, 'posts' | 'threads'> & { posts: number[]; threads: number[] }>`
      SELECT
        m.id AS "memberId",
        ARRAY(SELECT post_id FROM (
                SELECT post_id FROM reactions WHERE member_id = m.id
                UNION SELECT post_id FROM bookmarks WHERE member_id = m.id) marked
              LIMIT ${v.cap} + 1) AS posts,
        ARRAY(SELECT thread_id FROM thread_tracking WHERE member_id = m.id LIMIT ${v.cap} + 1) AS threads,
        ARRAY(SELECT ignored_id FROM member_ignores WHERE member_id = m.id) AS ignored,
        COALESCE((SELECT jsonb_object_agg(category_id, level) FROM category_tracking WHERE member_id = m.id),
                 '{}'::jsonb) AS categories
      FROM unnest(${v.members}::int[]) AS m(id)`.compile(db),
  }));
let marksTemplate: ReturnType<typeof marksStatement> | undefined;

/**
 * What a thread page shows one reader on top of the shared page: their reactions, bookmarks, notification level,
 * read position and the authors they ignore, with the thread's head (version, state, see level), in primary-key
 * and index lookups. Several readers' layers come in ONE statement (`overlays`, one row per request), sent after
 * the requests arrived (issue 20); the forum keeps what it reads per node until a notice says it changed
 * (server/modules/forum/layer-cache.ts).
 */
export class ReaderRepository {
  constructor(private readonly db: Executor) {}

  /** Each request's layer, in order; undefined where there is no such thread. */
  async overlays(requests: readonly OverlayRequest[]): Promise<(ReaderOverlay | undefined)[]> {
    // One parameter whatever the number of requests: the statement's text never varies, so it runs prepared.
    const input = JSON.stringify(
      requests.map((r, i) =>
        'postIds' in r
          ? { i, m: r.memberId, t: r.threadId, p: r.postIds }
          : { i, m: r.memberId, t: r.threadId, a: r.after, l: r.limit },
      ),
    );
    overlaysTemplate ??= overlaysStatement(this.db);
    const result = await this.db.executeQuery(overlaysTemplate.with({ input }));
    const found = new Map(result.rows.map(({ i, ...overlay }) => [i, overlay]));
    return requests.map((_, i) => found.get(i));
  }

  /**
   * Each member's marks, in order: the posts they reacted to or bookmarked, the threads where they have a level or
   * a read position (null where there are more than `cap`), their ignore list and category levels.
   */
  async memberMarks(memberIds: readonly number[], cap: number): Promise<MemberMarksRead[]> {
    marksTemplate ??= marksStatement(this.db);
    const result = await this.db.executeQuery(marksTemplate.with({ members: [...memberIds], cap }));
    const found = new Map(result.rows.map((row) => [row.memberId, row]));
    return memberIds.map((memberId) => {
      const row = found.get(memberId);
      return {
        memberId,
        posts: row && row.posts.length <= cap ? row.posts : null,
        threads: row && row.threads.length <= cap ? row.threads : null,
        ignored: row?.ignored ?? [],
        categories: row?.categories ?? {},
      };
    });
  }
}
