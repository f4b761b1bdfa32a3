import { sql } from 'kysely';
import type { Executor } from '../db/kysely.ts';
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
  /** The page's authors the reader ignores (their posts collapse). */
  ignored: number[];
  /** The thread's head, read in the same statement: whether a cached page is current, and who may see it. */
  head: { version: number; state: ThreadState; author_id: number; see_level: SeeLevel };
}

/**
 * What a thread page shows one reader on top of the shared page: their reactions, bookmarks, notification level,
 * read position and the authors they ignore, in ONE statement of primary-key and index lookups, with the thread's
 * head (version, state, see level): a member's read of a cached page is this one statement (issue 20), sent after
 * the request arrived, so a member always reads their own writes.
 */
export class ReaderRepository {
  constructor(private readonly db: Executor) {}

  /** Undefined when there is no such thread. */
  async overlay(memberId: number, threadId: number, postIds: readonly number[]): Promise<ReaderOverlay | undefined> {
    const ids = [...postIds];
    const result = await sql<ReaderOverlay>`
      SELECT
        COALESCE((SELECT jsonb_agg(jsonb_build_array(r.post_id, r.kind)) FROM reactions r
                   WHERE r.member_id = ${memberId} AND r.post_id = ANY(${ids}::int[])), '[]'::jsonb) AS reactions,
        COALESCE((SELECT jsonb_agg(b.post_id) FROM bookmarks b
                   WHERE b.member_id = ${memberId} AND b.post_id = ANY(${ids}::int[])), '[]'::jsonb) AS bookmarks,
        COALESCE((SELECT jsonb_agg(DISTINCT p.author_id) FROM posts p
                   JOIN member_ignores mi ON mi.member_id = ${memberId} AND mi.ignored_id = p.author_id
                   WHERE p.id = ANY(${ids}::int[])), '[]'::jsonb) AS ignored,
        COALESCE(tt.level, ct.level, 'normal') AS level,
        COALESCE(tt.last_read_number, 0) AS "lastRead",
        jsonb_build_object('version', t.version, 'state', t.state, 'author_id', t.author_id,
                           'see_level', ${threadSeeLevel('t')}) AS head
      FROM threads t
      LEFT JOIN thread_tracking tt ON tt.member_id = ${memberId} AND tt.thread_id = t.id
      LEFT JOIN category_tracking ct ON ct.member_id = ${memberId} AND ct.category_id = t.category_id
      WHERE t.id = ${threadId}`.execute(this.db);
    return result.rows[0];
  }
}
