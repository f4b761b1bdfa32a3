import { sql } from 'kysely';
import { inSeenCategory, memberSees, threadSeeLevel } from '../../content/index.ts';
import { LISTED_THREAD_STATE } from '../../access/visibility.ts';
import type { Executor } from '../../db/kysely.ts';
import type { IdeaStatus, SeeLevel } from '../../db/types.ts';

/** Ideas' columns of threads, their votes and follows (migrations 0010, 0016). */
export class IdeasRepository {
  constructor(private readonly db: Executor) {}

  getIdea(threadId: number) {
    return this.db
      .selectFrom('threads')
      .select(['id', 'kind', 'state', 'title', 'author_id', 'idea_status', 'idea_note', 'idea_status_at', 'vote_count'])
      .select(threadSeeLevel().as('see_level'))
      .where('id', '=', threadId)
      .executeTakeFirst();
  }

  async hasVoted(threadId: number, memberId: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('idea_votes')
      .select('member_id')
      .where('thread_id', '=', threadId)
      .where('member_id', '=', memberId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async isFollowing(threadId: number, memberId: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('thread_follows')
      .select('member_id')
      .where('thread_id', '=', threadId)
      .where('member_id', '=', memberId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Adds or takes back a vote; whether a row really changed. */
  async setVote(threadId: number, memberId: number, on: boolean): Promise<boolean> {
    const changed = on
      ? await this.db
          .insertInto('idea_votes')
          .values({ thread_id: threadId, member_id: memberId })
          .onConflict((oc) => oc.doNothing())
          .executeTakeFirst()
      : await this.db
          .deleteFrom('idea_votes')
          .where('thread_id', '=', threadId)
          .where('member_id', '=', memberId)
          .executeTakeFirst();
    return (
      Number('numInsertedOrUpdatedRows' in changed ? changed.numInsertedOrUpdatedRows : changed.numDeletedRows) > 0
    );
  }

  async addVoteCount(threadId: number, delta: number): Promise<void> {
    await this.db
      .updateTable('threads')
      .set((eb) => ({ vote_count: eb('vote_count', '+', delta) }))
      .where('id', '=', threadId)
      .execute();
  }

  async setFollow(threadId: number, memberId: number, on: boolean): Promise<void> {
    if (on)
      await this.db
        .insertInto('thread_follows')
        .values({ thread_id: threadId, member_id: memberId })
        .onConflict((oc) => oc.doNothing())
        .execute();
    else
      await this.db
        .deleteFrom('thread_follows')
        .where('thread_id', '=', threadId)
        .where('member_id', '=', memberId)
        .execute();
  }

  async setStatus(threadId: number, status: IdeaStatus, note: string): Promise<void> {
    await this.db
      .updateTable('threads')
      .set((eb) => ({
        idea_status: status,
        idea_note: note,
        idea_status_at: new Date(),
        version: eb('version', '+', 1),
      }))
      .where('id', '=', threadId)
      .execute();
  }

  /**
   * An `idea.status` notification to everyone who voted for the idea or follows it, and its author, but the one
   * who set it: one statement for every recipient, whatever their number; their mutes are respected, and only
   * those who still see the idea's category are told.
   */
  async notifyStatus(threadId: number, authorId: number, actorId: number, data: string): Promise<void> {
    await sql`
        INSERT INTO notifications (member_id, kind, data)
        SELECT m.id, 'idea.status', ${data}::jsonb FROM members m
         WHERE m.id IN (SELECT member_id FROM idea_votes WHERE thread_id = ${threadId}
                        UNION SELECT member_id FROM thread_follows WHERE thread_id = ${threadId}
                        UNION SELECT ${authorId}::integer)
           AND m.id <> ${actorId} AND m.banned_at IS NULL AND NOT ('idea.status' = ANY(m.notification_mutes))
           AND ${memberSees('m', sql<SeeLevel>`(SELECT c.see_level FROM threads t JOIN categories c ON c.id = t.category_id WHERE t.id = ${threadId})`)}`.execute(
      this.db,
    );
  }

  async setBugReport(threadId: number, on: boolean): Promise<void> {
    await this.db
      .updateTable('threads')
      .set((eb) => ({ bug_report: on, version: eb('version', '+', 1) }))
      .where('id', '=', threadId)
      .execute();
  }

  /** The board: published ideas by votes (or newest), optionally of one status. */
  board(options: {
    status?: IdeaStatus;
    sort: 'votes' | 'recent';
    offset: number;
    limit: number;
    seeLevels: readonly SeeLevel[];
  }) {
    let q = this.db
      .selectFrom('threads as t')
      .innerJoin('categories as c', 'c.id', 't.category_id')
      .innerJoin('members as m', 'm.id', 't.author_id')
      .select([
        't.id',
        't.title',
        't.idea_status',
        't.idea_note',
        't.vote_count',
        't.reply_count',
        't.created_at',
        'c.slug',
        'c.name',
        'c.color',
        'm.username',
      ])
      .where('t.kind', '=', 'idea')
      .where('t.state', '=', LISTED_THREAD_STATE)
      .where(inSeenCategory('t.category_id', options.seeLevels));
    if (options.status) q = q.where('t.idea_status', '=', options.status);
    q =
      options.sort === 'votes' ? q.orderBy('t.vote_count', 'desc').orderBy('t.id', 'desc') : q.orderBy('t.id', 'desc');
    return q.limit(options.limit).offset(options.offset).execute();
  }

  /** Which of these threads the member voted for. */
  async votedAmong(memberId: number, threadIds: number[]): Promise<Set<number>> {
    const rows = await this.db
      .selectFrom('idea_votes')
      .select('thread_id')
      .where('member_id', '=', memberId)
      .where('thread_id', 'in', threadIds)
      .execute();
    return new Set(rows.map((r) => r.thread_id));
  }

  /** Every published idea and bug report, for the export. */
  exportRows() {
    return this.db
      .selectFrom('threads as t')
      .innerJoin('categories as c', 'c.id', 't.category_id')
      .innerJoin('members as m', 'm.id', 't.author_id')
      .select([
        't.id',
        't.title',
        't.kind',
        't.idea_status',
        't.idea_note',
        't.vote_count',
        't.score',
        't.reply_count',
        't.created_at',
        't.idea_status_at',
        'c.name',
        'm.username',
      ])
      .where((eb) => eb.or([eb('t.kind', '=', 'idea'), eb('t.bug_report', '=', true)]))
      .where('t.state', '=', LISTED_THREAD_STATE)
      .orderBy('t.kind', 'desc')
      .orderBy('t.vote_count', 'desc')
      .orderBy('t.score', 'desc')
      .orderBy('t.id')
      .execute();
  }
}
