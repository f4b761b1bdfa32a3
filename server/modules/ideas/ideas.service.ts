import { sql } from 'kysely';
import { stringify } from 'csv-stringify/sync';
import { type Actor, assertMayWrite, authorize } from '../../access/access.ts';
import { canSeeThread, isListed, LISTED_THREAD_STATE } from '../../access/visibility.ts';
import type { Db } from '../../db/kysely.ts';
import type { IdeaStatus } from '../../db/schema.ts';
import { AuditRepository } from '../../events/audit.repository.ts';
import { NotFoundError, UnprocessableError } from '../../lib/errors.ts';

export const IDEA_STATUSES: IdeaStatus[] = ['new', 'under_review', 'planned', 'shipped', 'declined'];
const BOARD_PAGE = 30;

/**
 * The ideas loop: votes, follows, statuses with a public note, the board, and the export for product teams.
 * A status change tells everyone who voted for the idea or follows it (and its author), in the same
 * transaction, through notifications that also go out live.
 */
export class IdeasService {
  constructor(
    private readonly db: Db,
    private readonly publicUrl: string | undefined,
  ) {}

  /**
   * The thread, for a viewer who may see it (404 otherwise, as the thread page answers); votes, follows, tags
   * and statuses (`listed`) also need it published.
   */
  private async idea(actor: Actor | null, threadId: number, need: 'visible' | 'listed' = 'listed') {
    const thread = await this.db
      .selectFrom('threads')
      .select(['id', 'kind', 'state', 'title', 'author_id', 'idea_status', 'idea_note', 'idea_status_at', 'vote_count'])
      .where('id', '=', threadId)
      .executeTakeFirst();
    if (!thread || !canSeeThread(actor, thread) || (need === 'listed' && !isListed(thread))) {
      throw new NotFoundError('thread.not_found', 'No such thread.');
    }
    return thread;
  }

  private async assertIdea(actor: Actor | null, threadId: number, need: 'visible' | 'listed' = 'listed') {
    const thread = await this.idea(actor, threadId, need);
    if (thread.kind !== 'idea') throw new UnprocessableError('thread.not_an_idea', 'Only ideas have votes and a status.');
    return thread;
  }

  /** What the idea panel of a thread shows, to whoever may open the thread. */
  async get(actor: Actor | null, threadId: number) {
    const thread = await this.assertIdea(actor, threadId, 'visible');
    const [voted, following] = actor
      ? await Promise.all([
          this.db.selectFrom('idea_votes').select('member_id').where('thread_id', '=', threadId).where('member_id', '=', actor.id).executeTakeFirst(),
          this.db.selectFrom('thread_follows').select('member_id').where('thread_id', '=', threadId).where('member_id', '=', actor.id).executeTakeFirst(),
        ])
      : [undefined, undefined];
    return {
      status: thread.idea_status,
      note: thread.idea_note,
      statusAt: thread.idea_status_at?.toISOString() ?? null,
      votes: thread.vote_count,
      voted: voted !== undefined,
      following: following !== undefined,
    };
  }

  /** One vote per member, idempotent; the count moves only when a vote was really added or removed. */
  async vote(actorOrNull: Actor | null, threadId: number, on: boolean) {
    const actor = authorize(actorOrNull, 'idea.vote');
    assertMayWrite(actor);
    await this.assertIdea(actor, threadId);
    await this.db.transaction().execute(async (trx) => {
      const changed = on
        ? await trx.insertInto('idea_votes').values({ thread_id: threadId, member_id: actor.id }).onConflict((oc) => oc.doNothing()).executeTakeFirst()
        : await trx.deleteFrom('idea_votes').where('thread_id', '=', threadId).where('member_id', '=', actor.id).executeTakeFirst();
      const rows = Number('numInsertedOrUpdatedRows' in changed ? changed.numInsertedOrUpdatedRows : changed.numDeletedRows);
      if (rows > 0) {
        await trx
          .updateTable('threads')
          .set((eb) => ({ vote_count: eb('vote_count', '+', on ? 1 : -1) }))
          .where('id', '=', threadId)
          .execute();
      }
    });
    return this.get(actor, threadId);
  }

  async follow(actorOrNull: Actor | null, threadId: number, on: boolean) {
    const actor = authorize(actorOrNull, 'thread.follow');
    await this.idea(actor, threadId);
    if (on) await this.db.insertInto('thread_follows').values({ thread_id: threadId, member_id: actor.id }).onConflict((oc) => oc.doNothing()).execute();
    else await this.db.deleteFrom('thread_follows').where('thread_id', '=', threadId).where('member_id', '=', actor.id).execute();
    return { following: on };
  }

  /** A new status and its public note; voters, followers and the author are told (not the manager who set it). */
  async setStatus(actorOrNull: Actor | null, threadId: number, input: { status: IdeaStatus; note?: string }) {
    const actor = authorize(actorOrNull, 'idea.status');
    const thread = await this.assertIdea(actor, threadId);
    const note = (input.note ?? '').trim();
    if (thread.idea_status === input.status && thread.idea_note === note) return this.get(actor, threadId);
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('threads')
        .set((eb) => ({ idea_status: input.status, idea_note: note, idea_status_at: new Date(), version: eb('version', '+', 1) }))
        .where('id', '=', threadId)
        .execute();
      const data = JSON.stringify({ threadId, threadTitle: thread.title, status: input.status, previous: thread.idea_status, note });
      // One statement for every recipient, whatever their number; their mutes are respected.
      await sql`
        INSERT INTO notifications (member_id, kind, data)
        SELECT m.id, 'idea.status', ${data}::jsonb FROM members m
         WHERE m.id IN (SELECT member_id FROM idea_votes WHERE thread_id = ${threadId}
                        UNION SELECT member_id FROM thread_follows WHERE thread_id = ${threadId}
                        UNION SELECT ${thread.author_id}::integer)
           AND m.id <> ${actor.id} AND m.banned_at IS NULL AND NOT ('idea.status' = ANY(m.notification_mutes))`.execute(trx);
      await new AuditRepository(trx).record({ actorId: actor.id, action: 'idea.status', subjectType: 'thread', subjectId: threadId, data: { from: thread.idea_status, to: input.status } });
    });
    return this.get(actor, threadId);
  }

  /** Tags a question or discussion as a product problem (its author, or a moderator), or removes the tag. */
  async setBugReport(actorOrNull: Actor | null, threadId: number, on: boolean) {
    const thread = await this.idea(actorOrNull, threadId);
    authorize(actorOrNull, actorOrNull?.id === thread.author_id ? 'thread.tag.own' : 'thread.tag.any');
    if (thread.kind !== 'question' && thread.kind !== 'discussion') {
      throw new UnprocessableError('thread.not_taggable', 'Only questions and discussions can be bug reports.');
    }
    await this.db
      .updateTable('threads')
      .set((eb) => ({ bug_report: on, version: eb('version', '+', 1) }))
      .where('id', '=', threadId)
      .execute();
    return { bugReport: on };
  }

  /** The board: published ideas by votes (or newest), optionally of one status. */
  async board(actor: Actor | null, options: { status?: IdeaStatus; sort: 'votes' | 'recent'; offset: number }) {
    let q = this.db
      .selectFrom('threads as t')
      .innerJoin('categories as c', 'c.id', 't.category_id')
      .innerJoin('members as m', 'm.id', 't.author_id')
      .select(['t.id', 't.title', 't.idea_status', 't.idea_note', 't.vote_count', 't.reply_count', 't.created_at', 'c.slug', 'c.name', 'c.color', 'm.username'])
      .where('t.kind', '=', 'idea')
      .where('t.state', '=', LISTED_THREAD_STATE);
    if (options.status) q = q.where('t.idea_status', '=', options.status);
    q = options.sort === 'votes' ? q.orderBy('t.vote_count', 'desc').orderBy('t.id', 'desc') : q.orderBy('t.id', 'desc');
    const rows = await q.limit(BOARD_PAGE + 1).offset(options.offset).execute();
    const page = rows.slice(0, BOARD_PAGE);
    const voted = actor && page.length
      ? new Set((await this.db.selectFrom('idea_votes').select('thread_id').where('member_id', '=', actor.id).where('thread_id', 'in', page.map((r) => r.id)).execute()).map((r) => r.thread_id))
      : new Set<number>();
    return {
      ideas: page.map((r) => ({
        id: r.id,
        title: r.title,
        status: r.idea_status,
        note: r.idea_note,
        votes: r.vote_count,
        replies: r.reply_count,
        voted: voted.has(r.id),
        createdAt: r.created_at.toISOString(),
        category: { slug: r.slug, name: r.name, color: r.color },
        author: { username: r.username },
      })),
      nextOffset: rows.length > BOARD_PAGE ? options.offset + BOARD_PAGE : null,
    };
  }

  /**
   * Every published idea with its votes and status, and every bug report with its likes, each with its link,
   * for the product teams (CSV, UTF-8 with a BOM).
   */
  async exportCsv(actorOrNull: Actor | null, delimiter: ',' | ';'): Promise<string> {
    authorize(actorOrNull, 'idea.export');
    const rows = await this.db
      .selectFrom('threads as t')
      .innerJoin('categories as c', 'c.id', 't.category_id')
      .innerJoin('members as m', 'm.id', 't.author_id')
      .select(['t.id', 't.title', 't.kind', 't.idea_status', 't.idea_note', 't.vote_count', 't.score', 't.reply_count', 't.created_at', 't.idea_status_at', 'c.name', 'm.username'])
      .where((eb) => eb.or([eb('t.kind', '=', 'idea'), eb('t.bug_report', '=', true)]))
      .where('t.state', '=', LISTED_THREAD_STATE)
      .orderBy('t.kind', 'desc')
      .orderBy('t.vote_count', 'desc')
      .orderBy('t.score', 'desc')
      .orderBy('t.id')
      .execute();
    const base = (this.publicUrl ?? '').replace(/\/$/, '');
    const csv = stringify(
      rows.map((r) => [
        r.id,
        r.kind === 'idea' ? 'idea' : 'bug',
        csvSafe(r.title),
        r.kind === 'idea' ? r.idea_status : '',
        r.kind === 'idea' ? r.vote_count : r.score,
        r.reply_count,
        csvSafe(r.name),
        r.username,
        r.created_at.toISOString(),
        r.kind === 'idea' ? (r.idea_status_at?.toISOString() ?? '') : '',
        r.kind === 'idea' ? csvSafe(r.idea_note) : '',
        `${base}/t/${r.id}`,
      ]),
      { header: true, delimiter, columns: ['id', 'type', 'title', 'status', 'votes', 'replies', 'category', 'author', 'created_at', 'status_changed_at', 'status_note', 'url'] },
    );
    return `\uFEFF${csv}`;
  }
}

/** A cell a spreadsheet would run as a formula (=, +, -, @ first) is prefixed with an apostrophe (CSV injection). */
function csvSafe(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}
