import { type Actor, assertMayWrite, authorize } from '../../access/access.ts';
import { canSeeThread, isListed, seeLevelsOf } from '../../access/visibility.ts';
import type { Db } from '../../db/kysely.ts';
import type { IdeaStatus } from '../../db/types.ts';
import { AuditRepository } from '../../events/audit.repository.ts';
import { NotFoundError, UnprocessableError } from '../../lib/errors.ts';
import { IdeasRepository } from './ideas.repository.ts';
import { type ExportLocale, type ExportRow, ideasCsv } from './ideas-export.ts';

export const IDEA_STATUSES: IdeaStatus[] = ['new', 'under_review', 'planned', 'shipped', 'declined'];
const BOARD_PAGE = 30;

/**
 * The ideas loop: votes, follows, statuses with a public note, the board, and the export for product teams.
 * A status change tells everyone who voted for the idea or follows it (and its author), in the same
 * transaction, through notifications that also go out live.
 */
export class IdeasService {
  private readonly ideas: IdeasRepository;

  constructor(
    private readonly db: Db,
    private readonly publicUrl: string | undefined,
  ) {
    this.ideas = new IdeasRepository(db);
  }

  /**
   * The thread, for a viewer who may see it (404 otherwise, as the thread page answers); votes, follows, tags
   * and statuses (`listed`) also need it published.
   */
  private async idea(actor: Actor | null, threadId: number, need: 'visible' | 'listed' = 'listed') {
    const thread = await this.ideas.getIdea(threadId);
    if (!thread || !canSeeThread(actor, thread) || (need === 'listed' && !isListed(thread))) {
      throw new NotFoundError('thread.not_found', 'No such thread.');
    }
    return thread;
  }

  private async assertIdea(actor: Actor | null, threadId: number, need: 'visible' | 'listed' = 'listed') {
    const thread = await this.idea(actor, threadId, need);
    if (thread.kind !== 'idea')
      throw new UnprocessableError('thread.not_an_idea', 'Only ideas have votes and a status.');
    return thread;
  }

  /** What the idea panel of a thread shows, to whoever may open the thread. */
  async get(actor: Actor | null, threadId: number) {
    const thread = await this.assertIdea(actor, threadId, 'visible');
    const [voted, following] = actor
      ? await Promise.all([this.ideas.hasVoted(threadId, actor.id), this.ideas.isFollowing(threadId, actor.id)])
      : [false, false];
    return {
      status: thread.idea_status,
      note: thread.idea_note,
      statusAt: thread.idea_status_at?.toISOString() ?? null,
      votes: thread.vote_count,
      voted,
      following,
    };
  }

  /** One vote per member, idempotent; the count moves only when a vote was really added or removed. */
  async vote(actorOrNull: Actor | null, threadId: number, on: boolean) {
    const actor = authorize(actorOrNull, 'idea.vote');
    assertMayWrite(actor);
    await this.assertIdea(actor, threadId);
    await this.db.transaction().execute(async (trx) => {
      const ideas = new IdeasRepository(trx);
      if (await ideas.setVote(threadId, actor.id, on)) await ideas.addVoteCount(threadId, on ? 1 : -1);
    });
    return this.get(actor, threadId);
  }

  async follow(actorOrNull: Actor | null, threadId: number, on: boolean) {
    const actor = authorize(actorOrNull, 'thread.follow');
    await this.idea(actor, threadId);
    await this.ideas.setFollow(threadId, actor.id, on);
    return { following: on };
  }

  /** A new status and its public note; voters, followers and the author are told (not the manager who set it). */
  async setStatus(actorOrNull: Actor | null, threadId: number, input: { status: IdeaStatus; note?: string }) {
    const actor = authorize(actorOrNull, 'idea.status');
    const thread = await this.assertIdea(actor, threadId);
    const note = (input.note ?? '').trim();
    if (thread.idea_status === input.status && thread.idea_note === note) return this.get(actor, threadId);
    await this.db.transaction().execute(async (trx) => {
      const ideas = new IdeasRepository(trx);
      await ideas.setStatus(threadId, input.status, note);
      const data = JSON.stringify({
        threadId,
        threadTitle: thread.title,
        status: input.status,
        previous: thread.idea_status,
        note,
      });
      await ideas.notifyStatus(threadId, thread.author_id, actor.id, data);
      await new AuditRepository(trx).record({
        actorId: actor.id,
        action: 'idea.status',
        subjectType: 'thread',
        subjectId: threadId,
        data: { from: thread.idea_status, to: input.status },
      });
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
    await this.ideas.setBugReport(threadId, on);
    return { bugReport: on };
  }

  /** The board: published ideas by votes (or newest), optionally of one status. */
  async board(actor: Actor | null, options: { status?: IdeaStatus; sort: 'votes' | 'recent'; offset: number }) {
    const rows = await this.ideas.board({ ...options, limit: BOARD_PAGE + 1, seeLevels: seeLevelsOf(actor) });
    const page = rows.slice(0, BOARD_PAGE);
    const voted =
      actor && page.length
        ? await this.ideas.votedAmong(
            actor.id,
            page.map((r) => r.id),
          )
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
   * for the product teams, as a spreadsheet in `locale` reads it (ideas-export.ts).
   */
  async exportCsv(
    actorOrNull: Actor | null,
    options: { locale: ExportLocale; requestOrigin: string },
  ): Promise<string> {
    authorize(actorOrNull, 'idea.export');
    const rows = await this.ideas.exportRows();
    return ideasCsv(rows as ExportRow[], { locale: options.locale, baseUrl: this.publicUrl ?? options.requestOrigin });
  }
}
