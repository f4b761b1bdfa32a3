import { sql } from 'kysely';
import type { Executor } from '../../db/kysely.ts';
import type { ReactionKind } from '../../db/types.ts';

export class ReactionsRepository {
  constructor(private readonly db: Executor) {}

  /**
   * Adds (`on`) or takes back a reaction and, when a row was really added or removed, moves the post's counter and
   * the thread's score (and version: cached pages show the new count), in ONE statement: the reaction's id
   * (undefined when nothing changed) and the post's counts after it.
   */
  async toggle(
    /** Without its thread's id, the statement reads it from the post. */
    post: { id: number; threadId?: number },
    memberId: number,
    kind: ReactionKind,
    on: boolean,
  ): Promise<{ reactionId: number | undefined; likeCount: number; helpfulCount: number }> {
    const changed = on
      ? sql`INSERT INTO reactions (post_id, member_id, kind) VALUES (${post.id}, ${memberId}, ${kind})
            ON CONFLICT (post_id, member_id, kind) DO NOTHING RETURNING id`
      : sql`DELETE FROM reactions WHERE post_id = ${post.id} AND member_id = ${memberId} AND kind = ${kind} RETURNING id`;
    const counter = sql.ref(kind === 'like' ? 'like_count' : 'helpful_count');
    const delta = on ? 1 : -1;
    const threadId = post.threadId ?? sql<number>`(SELECT thread_id FROM posts WHERE id = ${post.id})`;
    const { rows } = await sql<{ reaction_id: number | null; like_count: number; helpful_count: number }>`
      WITH changed AS (${changed}),
      counted AS (
        UPDATE posts SET ${counter} = ${counter} + ${delta}
         WHERE id = ${post.id} AND EXISTS (SELECT 1 FROM changed)
        RETURNING like_count, helpful_count),
      scored AS (
        UPDATE threads SET score = score + ${delta}, version = version + 1
         WHERE id = ${threadId} AND EXISTS (SELECT 1 FROM changed))
      SELECT (SELECT id FROM changed) AS reaction_id,
             COALESCE((SELECT like_count FROM counted), p.like_count) AS like_count,
             COALESCE((SELECT helpful_count FROM counted), p.helpful_count) AS helpful_count
        FROM posts p WHERE p.id = ${post.id}`.execute(this.db);
    const row = rows[0]!;
    return { reactionId: row.reaction_id ?? undefined, likeCount: row.like_count, helpfulCount: row.helpful_count };
  }
}
