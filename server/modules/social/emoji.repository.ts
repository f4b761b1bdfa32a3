import { sql } from 'kysely';
import type { Executor } from '../../db/kysely.ts';

export class EmojiReactionsRepository {
  constructor(private readonly db: Executor) {}

  /** True when the reaction was added (false: it was already there). */
  async add(postId: number, memberId: number, emoji: string): Promise<boolean> {
    const row = await this.db
      .insertInto('post_emoji_reactions')
      .values({ post_id: postId, member_id: memberId, emoji })
      .onConflict((oc) => oc.columns(['post_id', 'member_id', 'emoji']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  }

  async remove(postId: number, memberId: number, emoji: string): Promise<void> {
    await this.db
      .deleteFrom('post_emoji_reactions')
      .where('post_id', '=', postId)
      .where('member_id', '=', memberId)
      .where('emoji', '=', emoji)
      .execute();
  }

  async count(postId: number, emoji: string): Promise<number> {
    const row = await this.db
      .selectFrom('post_emoji_reactions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('post_id', '=', postId)
      .where('emoji', '=', emoji)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Grouped counts for the published posts of a thread, with whether the reader is among them, in first-use order. */
  forThread(threadId: number, readerId: number | null) {
    return this.db
      .selectFrom('post_emoji_reactions as r')
      .innerJoin('posts', 'posts.id', 'r.post_id')
      .select([
        'r.post_id as postId',
        'r.emoji',
        (eb) => eb.fn.countAll<number>().as('count'),
        sql<boolean>`coalesce(bool_or(r.member_id = ${readerId ?? 0}), false)`.as('mine'),
      ])
      .where('posts.thread_id', '=', threadId)
      .where('posts.state', '=', 'published')
      .groupBy(['r.post_id', 'r.emoji'])
      .orderBy('r.post_id')
      .orderBy(sql`min(r.id)`)
      .execute();
  }

  /** Who reacted with this emoji, first reactions first, anonymised accounts left out. */
  members(postId: number, emoji: string, limit: number) {
    return this.db
      .selectFrom('post_emoji_reactions as r')
      .innerJoin('members', 'members.id', 'r.member_id')
      .select(['members.username', 'members.display_name as displayName'])
      .where('r.post_id', '=', postId)
      .where('r.emoji', '=', emoji)
      .where('members.anonymised_at', 'is', null)
      .orderBy('r.id')
      .limit(limit)
      .execute();
  }
}
