import { sql } from 'kysely';
import type { Executor } from '../../db/kysely.ts';

export interface NewPoll {
  postId: number;
  question: string;
  options: string[];
  multiple: boolean;
  results: 'always' | 'voted' | 'closed';
  closesAt: Date | null;
}

export class PollsRepository {
  constructor(private readonly db: Executor) {}

  async create(poll: NewPoll): Promise<number> {
    const { id } = await this.db
      .insertInto('polls')
      .values({
        post_id: poll.postId,
        question: poll.question,
        multiple: poll.multiple,
        results: poll.results,
        closes_at: poll.closesAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await this.db
      .insertInto('poll_options')
      .values(poll.options.map((label, position) => ({ poll_id: id, position, label })))
      .execute();
    return id;
  }

  getById(id: number) {
    return this.db.selectFrom('polls').selectAll().where('id', '=', id).executeTakeFirst();
  }

  getByPost(postId: number) {
    return this.db.selectFrom('polls').selectAll().where('post_id', '=', postId).executeTakeFirst();
  }

  lockForUpdate(id: number) {
    return this.db.selectFrom('polls').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  }

  /** The polls of a thread's published posts. */
  listForThread(threadId: number) {
    return this.db
      .selectFrom('polls')
      .innerJoin('posts', 'posts.id', 'polls.post_id')
      .selectAll('polls')
      .where('posts.thread_id', '=', threadId)
      .where('posts.state', '=', 'published')
      .orderBy('polls.id')
      .execute();
  }

  /** Options with their vote counts, and the reader's own choices, for these polls. */
  options(pollIds: readonly number[], readerId: number | null) {
    if (pollIds.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('poll_options as o')
      .leftJoin('poll_votes as v', 'v.option_id', 'o.id')
      .select([
        'o.id',
        'o.poll_id as pollId',
        'o.label',
        (eb) => eb.fn.count<number>('v.member_id').as('votes'),
        sql<boolean>`coalesce(bool_or(v.member_id = ${readerId ?? 0}), false)`.as('mine'),
      ])
      .where('o.poll_id', 'in', pollIds)
      .groupBy('o.id')
      .orderBy('o.poll_id')
      .orderBy('o.position')
      .execute();
  }

  /** Replaces a member's ballot; answers the poll's number of distinct voters after it. */
  async setVote(pollId: number, memberId: number, optionIds: readonly number[]): Promise<number> {
    await this.db.deleteFrom('poll_votes').where('poll_id', '=', pollId).where('member_id', '=', memberId).execute();
    if (optionIds.length > 0) {
      await this.db
        .insertInto('poll_votes')
        .values(optionIds.map((option_id) => ({ poll_id: pollId, option_id, member_id: memberId })))
        .execute();
    }
    const { n } = await this.db
      .selectFrom('poll_votes')
      .select(sql<number>`count(DISTINCT member_id)`.as('n'))
      .where('poll_id', '=', pollId)
      .executeTakeFirstOrThrow();
    await this.db
      .updateTable('polls')
      .set({ voters: Number(n), updated_at: new Date() })
      .where('id', '=', pollId)
      .execute();
    return Number(n);
  }

  close(id: number, by: number) {
    return this.db
      .updateTable('polls')
      .set({ closed_at: new Date(), closed_by: by, updated_at: new Date() })
      .where('id', '=', id)
      .execute();
  }
}
