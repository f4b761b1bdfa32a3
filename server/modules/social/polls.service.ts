import { type Actor, assertMayWrite, authorize, authorizeOwned, can } from '../../access/access.ts';
import { canSeePostContent, canSeeThread } from '../../access/visibility.ts';
import { PostsRepository, ThreadsRepository } from '../../content/index.ts';
import type { Db } from '../../db/kysely.ts';
import { AuditRepository } from '../../events/audit.repository.ts';
import { ConflictError, NotFoundError, UnprocessableError } from '../../lib/errors.ts';
import { type NewPoll, PollsRepository } from './polls.repository.ts';
import type { Forget } from './visitor-cache.ts';

type PollRow = NonNullable<Awaited<ReturnType<PollsRepository['getById']>>>;
type OptionRow = Awaited<ReturnType<PollsRepository['options']>>[number];

export const POLL_LIMITS = { minOptions: 2, maxOptions: 20, maxDays: 366 } as const;

const isClosed = (poll: PollRow, now: Date) =>
  poll.closed_at !== null || (poll.closes_at !== null && poll.closes_at <= now);

/**
 * Polls: one per post, written by the post's author. A member's ballot can change until the poll closes (its
 * date passes, or its author or a moderator closes it). Results show at once, after voting, or after closing, as
 * the author chose; staff always see them.
 */
export class PollsService {
  private readonly posts: PostsRepository;
  private readonly threads: ThreadsRepository;
  private readonly polls: PollsRepository;

  constructor(
    private readonly db: Db,
    private readonly visitors: Forget,
  ) {
    this.posts = new PostsRepository(db);
    this.threads = new ThreadsRepository(db);
    this.polls = new PollsRepository(db);
  }

  private async visiblePost(actor: Actor | null, postId: number) {
    const post = await this.posts.getById(postId);
    const thread = post && (await this.threads.getById(post.thread_id));
    if (!post || !thread || !canSeeThread(actor, thread) || !canSeePostContent(actor, post)) {
      throw new NotFoundError('post.not_found', 'No such post.');
    }
    return { post, thread };
  }

  private async visiblePoll(actor: Actor | null, pollId: number) {
    const poll = await this.polls.getById(pollId);
    if (!poll) throw new NotFoundError('poll.not_found', 'No such poll.');
    const { post, thread } = await this.visiblePost(actor, poll.post_id).catch(() => {
      throw new NotFoundError('poll.not_found', 'No such poll.');
    });
    return { poll, post, thread };
  }

  /** The API shape of some polls for one reader. */
  async present(actor: Actor | null, polls: PollRow[], authors: Map<number, number>, now = new Date()) {
    const options = await this.polls.options(
      polls.map((p) => p.id),
      actor?.id ?? null,
    );
    const byPoll = new Map<number, OptionRow[]>();
    for (const o of options) byPoll.set(o.pollId, [...(byPoll.get(o.pollId) ?? []), o]);
    return polls.map((poll) => {
      const own = byPoll.get(poll.id) ?? [];
      const closed = isClosed(poll, now);
      const voted = own.some((o) => o.mine);
      const showResults =
        poll.results === 'always' || closed || (poll.results === 'voted' && voted) || can(actor, 'post.view_hidden');
      const authorId = authors.get(poll.id);
      return {
        id: poll.id,
        postId: poll.post_id,
        question: poll.question,
        multiple: poll.multiple,
        results: poll.results,
        closesAt: poll.closes_at?.toISOString() ?? null,
        closed,
        voters: showResults ? poll.voters : null,
        voted,
        canClose: !closed && !!actor && (actor.id === authorId || can(actor, 'thread.lock')),
        options: own.map((o) => ({
          id: o.id,
          label: o.label,
          votes: showResults ? Number(o.votes) : null,
          mine: o.mine,
        })),
      };
    });
  }

  private async one(actor: Actor | null, pollId: number) {
    const { poll, post } = await this.visiblePoll(actor, pollId);
    return (await this.present(actor, [poll], new Map([[poll.id, post.author_id]])))[0]!;
  }

  get(actor: Actor | null, pollId: number) {
    return this.one(actor, pollId);
  }

  async forThread(actor: Actor | null, threadId: number) {
    const polls = await this.polls.listForThread(threadId);
    if (polls.length === 0) return [];
    const posts = await Promise.all(polls.map((p) => this.posts.getById(p.post_id)));
    return this.present(actor, polls, new Map(polls.map((p, i) => [p.id, posts[i]!.author_id])));
  }

  async create(actorOrNull: Actor | null, postId: number, input: Omit<NewPoll, 'postId'>, now = new Date()) {
    const { post } = await this.visiblePost(actorOrNull, postId);
    const actor = authorizeOwned(actorOrNull, post.author_id, 'post.edit.own', 'post.edit.any');
    assertMayWrite(actor);
    const question = input.question.trim();
    const options = input.options.map((o) => o.trim()).filter((o) => o !== '');
    if (question === '') throw new UnprocessableError('poll.question_empty', 'Ask a question.', { field: 'question' });
    if (options.length < POLL_LIMITS.minOptions || options.length > POLL_LIMITS.maxOptions) {
      throw new UnprocessableError(
        'poll.option_count',
        `A poll has ${POLL_LIMITS.minOptions} to ${POLL_LIMITS.maxOptions} options.`,
        { field: 'options' },
      );
    }
    if (new Set(options.map((o) => o.toLocaleLowerCase())).size !== options.length) {
      throw new UnprocessableError('poll.option_duplicate', 'Two options say the same thing.', { field: 'options' });
    }
    if (
      input.closesAt &&
      (input.closesAt <= now || input.closesAt.getTime() - now.getTime() > POLL_LIMITS.maxDays * 86_400_000)
    ) {
      throw new UnprocessableError('poll.close_date', 'The closing date must be in the coming year.', {
        field: 'closesAt',
      });
    }
    if (await this.polls.getByPost(post.id)) throw new ConflictError('poll.exists', 'This post already has a poll.');
    const id = await this.db
      .transaction()
      .execute((trx) => new PollsRepository(trx).create({ ...input, postId: post.id, question, options }));
    this.visitors.forget(post.thread_id);
    return this.one(actor, id);
  }

  /** Replaces the actor's ballot (an empty list withdraws it). */
  async vote(actorOrNull: Actor | null, pollId: number, optionIds: number[], now = new Date()) {
    const actor = authorize(actorOrNull, 'post.react');
    const { poll, post } = await this.visiblePoll(actor, pollId);
    assertMayWrite(actor);
    if (post.state !== 'published') throw new ConflictError('poll.not_open', 'This poll is not open yet.');
    const chosen = [...new Set(optionIds)];
    if (!poll.multiple && chosen.length > 1) {
      throw new UnprocessableError('poll.single_choice', 'Choose one option only.', { field: 'optionIds' });
    }
    const known = new Set((await this.polls.options([poll.id], null)).map((o) => o.id));
    if (chosen.some((id) => !known.has(id))) {
      throw new UnprocessableError('poll.option_unknown', 'This option is not one of the poll’s.', {
        field: 'optionIds',
      });
    }
    await this.db.transaction().execute(async (trx) => {
      const polls = new PollsRepository(trx);
      const current = (await polls.lockForUpdate(poll.id))!;
      if (isClosed(current, now)) throw new ConflictError('poll.closed', 'This poll is closed.');
      await polls.setVote(poll.id, actor.id, chosen);
    });
    this.visitors.forget(post.thread_id);
    return this.one(actor, poll.id);
  }

  /** The author or a moderator closes the poll before its date (a moderator's closing is audited). */
  async close(actorOrNull: Actor | null, pollId: number, now = new Date()) {
    const { poll, post } = await this.visiblePoll(actorOrNull, pollId);
    const actor = authorizeOwned(actorOrNull, post.author_id, 'post.edit.own', 'thread.lock');
    if (isClosed(poll, now)) throw new ConflictError('poll.closed', 'This poll is already closed.');
    await this.db.transaction().execute(async (trx) => {
      await new PollsRepository(trx).close(poll.id, actor.id);
      if (actor.id !== post.author_id) {
        await new AuditRepository(trx).record({
          actorId: actor.id,
          action: 'poll.closed',
          subjectType: 'poll',
          subjectId: poll.id,
          data: { postId: post.id },
        });
      }
    });
    this.visitors.forget(post.thread_id);
    return this.one(actor, poll.id);
  }
}
