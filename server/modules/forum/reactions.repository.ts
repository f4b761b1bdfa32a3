import type { Executor } from '../../db/kysely.ts';
import type { ReactionKind } from '../../db/types.ts';

export class ReactionsRepository {
  constructor(private readonly db: Executor) {}

  /** The new reaction's id, or undefined when it was already there. */
  async add(postId: number, memberId: number, kind: ReactionKind): Promise<number | undefined> {
    const row = await this.db
      .insertInto('reactions')
      .values({ post_id: postId, member_id: memberId, kind })
      .onConflict((oc) => oc.columns(['post_id', 'member_id', 'kind']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return row?.id;
  }

  /** The removed reaction's id, or undefined when there was none. */
  async remove(postId: number, memberId: number, kind: ReactionKind): Promise<number | undefined> {
    const row = await this.db
      .deleteFrom('reactions')
      .where('post_id', '=', postId)
      .where('member_id', '=', memberId)
      .where('kind', '=', kind)
      .returning('id')
      .executeTakeFirst();
    return row?.id;
  }
}
