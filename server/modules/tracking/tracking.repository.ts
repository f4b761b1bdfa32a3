import { sql } from 'kysely';
import type { Executor } from '../../db/kysely.ts';
import { inSeenCategory } from '../../content/index.ts';
import { SEE_LEVELS } from '../../access/visibility.ts';
import type { SeeLevel, TrackingLevel } from '../../db/types.ts';

/** A thread is "new" to a member who never opened it for this long after it started (Discourse's default). */
export const NEW_FOR = '2 days';

export interface ThreadState {
  thread_id: number;
  level: TrackingLevel;
  last_read: number;
  unread: number;
  is_new: boolean;
}

/** Levels, read positions and the counts lists show, per member (migration 0032). */
export class TrackingRepository {
  constructor(private readonly db: Executor) {}

  /**
   * Moves the member's read position forward to `number` (never back, never past the thread's last post), in one
   * statement. Answers false when the thread does not exist or is not one the member may see (`anyState` for
   * staff): the caller answers 404.
   */
  async markRead(
    memberId: number,
    threadId: number,
    number: number,
    anyState: boolean,
    seeLevels: readonly SeeLevel[],
  ): Promise<boolean> {
    const result = await sql<{ found: number }>`
      WITH t AS (
        SELECT id, (SELECT max(p.number) FROM posts p WHERE p.thread_id = threads.id) AS top
          FROM threads
         WHERE id = ${threadId} AND (${anyState} OR state = 'published' OR (state = 'pending' AND author_id = ${memberId}))
           AND ${inSeenCategory('threads.category_id', seeLevels)}
      ), up AS (
        INSERT INTO thread_tracking (member_id, thread_id, last_read_number)
        SELECT ${memberId}, id, LEAST(${number}, COALESCE(top, 0)) FROM t
        ON CONFLICT (member_id, thread_id) DO UPDATE
          SET last_read_number = EXCLUDED.last_read_number, updated_at = now()
          WHERE thread_tracking.last_read_number < EXCLUDED.last_read_number
      )
      SELECT count(*)::int AS found FROM t`.execute(this.db);
    return (result.rows[0]?.found ?? 0) > 0;
  }

  /** Sets (or, with null, forgets) the member's level for a thread; the read position is kept. */
  async setThreadLevel(memberId: number, threadId: number, level: TrackingLevel | null): Promise<void> {
    await this.db
      .insertInto('thread_tracking')
      .values({ member_id: memberId, thread_id: threadId, level })
      .onConflict((oc) => oc.columns(['member_id', 'thread_id']).doUpdateSet({ level, updated_at: new Date() }))
      .execute();
  }

  async setCategoryLevel(memberId: number, categoryId: number, level: TrackingLevel): Promise<void> {
    if (level === 'normal') {
      await this.db
        .deleteFrom('category_tracking')
        .where('member_id', '=', memberId)
        .where('category_id', '=', categoryId)
        .execute();
      return;
    }
    await this.db
      .insertInto('category_tracking')
      .values({ member_id: memberId, category_id: categoryId, level })
      .onConflict((oc) => oc.columns(['member_id', 'category_id']).doUpdateSet({ level, updated_at: new Date() }))
      .execute();
  }

  /** The member's state for one thread: its own level, else its category's, else normal; and the read position. */
  async threadState(memberId: number, threadId: number) {
    return (await this.threadStates(memberId, [threadId], SEE_LEVELS))[0];
  }

  /**
   * For each listed thread the member may see in lists: the effective level, the read position, how many
   * posts are unread (only for threads tracked or watched, as Discourse counts them) and whether it is new
   * (never opened, started in the last two days, not muted). One query, by primary keys.
   */
  async threadStates(
    memberId: number,
    threadIds: readonly number[],
    seeLevels: readonly SeeLevel[],
  ): Promise<ThreadState[]> {
    if (threadIds.length === 0) return [];
    const result = await sql<ThreadState>`
      SELECT t.id AS thread_id,
             COALESCE(tt.level, ct.level, 'normal') AS level,
             COALESCE(tt.last_read_number, 0) AS last_read,
             CASE WHEN COALESCE(tt.level, ct.level) IN ('tracking', 'watching') AND tt.last_read_number > 0
                  THEN (SELECT count(*)::int FROM posts p
                         WHERE p.thread_id = t.id AND p.state = 'published' AND p.number > tt.last_read_number)
                  ELSE 0 END AS unread,
             (COALESCE(tt.last_read_number, 0) = 0 AND t.created_at > now() - ${sql.raw(`interval '${NEW_FOR}'`)}
               AND COALESCE(tt.level, ct.level, 'normal') <> 'muted') AS is_new
        FROM threads t
        LEFT JOIN thread_tracking tt ON tt.member_id = ${memberId} AND tt.thread_id = t.id
        LEFT JOIN category_tracking ct ON ct.member_id = ${memberId} AND ct.category_id = t.category_id
       WHERE t.id = ANY(${[...threadIds]}::int[]) AND t.state = 'published'
         AND ${inSeenCategory('t.category_id', seeLevels)}`.execute(this.db);
    return result.rows;
  }

  /**
   * Per category: the member's level, how many tracked threads have unread posts and how many threads are new
   * to them (a muted category counts none).
   */
  async categoryCounts(memberId: number, seeLevels: readonly SeeLevel[]) {
    const result = await sql<{ category_id: number; level: TrackingLevel; unread: number; new: number }>`
      SELECT c.id AS category_id, COALESCE(ct.level, 'normal') AS level,
             (SELECT count(*)::int FROM thread_tracking tt JOIN threads t ON t.id = tt.thread_id
               WHERE tt.member_id = ${memberId} AND t.category_id = c.id AND t.state = 'published'
                 AND tt.last_read_number > 0
                 AND COALESCE(tt.level, ct.level) IN ('tracking', 'watching')
                 AND EXISTS (SELECT 1 FROM posts p WHERE p.thread_id = t.id AND p.state = 'published'
                                AND p.number > tt.last_read_number)) AS unread,
             CASE WHEN ct.level = 'muted' THEN 0 ELSE
               (SELECT count(*)::int FROM threads t
                 WHERE t.category_id = c.id AND t.state = 'published'
                   AND t.created_at > now() - ${sql.raw(`interval '${NEW_FOR}'`)}
                   AND NOT EXISTS (SELECT 1 FROM thread_tracking tt WHERE tt.member_id = ${memberId}
                                     AND tt.thread_id = t.id AND (tt.last_read_number > 0 OR tt.level = 'muted')))
             END AS new
        FROM categories c
        LEFT JOIN category_tracking ct ON ct.member_id = ${memberId} AND ct.category_id = c.id
       WHERE ${inSeenCategory('c.id', seeLevels)}
       ORDER BY c.position, c.id`.execute(this.db);
    return result.rows;
  }

  async previousVisit(memberId: number): Promise<Date | null> {
    const row = await this.db
      .selectFrom('members')
      .select('previous_visit_at')
      .where('id', '=', memberId)
      .executeTakeFirst();
    return row?.previous_visit_at ?? null;
  }
}
