import { sql } from 'kysely';
import { threadSeeLevel } from '../../content/index.ts';
import type { Executor } from '../../db/kysely.ts';

/** A member's bookmarked posts, each with an optional note (migration 0032). */
export class BookmarksRepository {
  constructor(private readonly db: Executor) {}

  /** Adds the bookmark or changes its note; answers the row and whether it is new. */
  async save(memberId: number, postId: number, note: string) {
    return this.db
      .insertInto('bookmarks')
      .values({ member_id: memberId, post_id: postId, note })
      .onConflict((oc) => oc.columns(['member_id', 'post_id']).doUpdateSet({ note, updated_at: new Date() }))
      .returning(['id', 'post_id', 'note', 'created_at', sql<boolean>`xmax = 0`.as('created')])
      .executeTakeFirstOrThrow();
  }

  async remove(memberId: number, postId: number): Promise<boolean> {
    const result = await this.db
      .deleteFrom('bookmarks')
      .where('member_id', '=', memberId)
      .where('post_id', '=', postId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** Newest first, keyset by id, with what the list shows of the post and its thread. */
  list(memberId: number, limit: number, before?: number) {
    return this.db
      .selectFrom('bookmarks as b')
      .innerJoin('posts as p', 'p.id', 'b.post_id')
      .innerJoin('threads as t', 't.id', 'p.thread_id')
      .innerJoin('members as a', 'a.id', 'p.author_id')
      .select([
        'b.id',
        'b.note',
        'b.created_at',
        'p.id as post_id',
        'p.number',
        'p.state as post_state',
        'p.author_id',
        'p.body_md',
        't.id as thread_id',
        't.title',
        't.state as thread_state',
        't.author_id as thread_author_id',
        'a.username',
        'a.display_name',
      ])
      .select(threadSeeLevel('t').as('thread_see_level'))
      .where('b.member_id', '=', memberId)
      .$if(before !== undefined, (q) => q.where('b.id', '<', before!))
      .orderBy('b.id', 'desc')
      .limit(limit)
      .execute();
  }
}
