import { type Actor, assertMayWrite, authorize, can } from '../../access/access.ts';
import type { Db, Executor } from '../../db/kysely.ts';
import { sideBySide } from '../../db/side-by-side.ts';
import type { ReactionKind } from '../../db/types.ts';
import { ForbiddenError, NotFoundError, UnprocessableError } from '../../lib/errors.ts';
import { canSeeThread } from '../../access/visibility.ts';
import { PostsRepository, ThreadsRepository } from '../../content/index.ts';
import { ReactionsRepository } from './reactions.repository.ts';
import { notifier } from '../notifications/index.ts';
import type { ReputationService } from '../reputation/index.ts';

function repositories(db: Executor) {
  return { posts: new PostsRepository(db), threads: new ThreadsRepository(db), reactions: new ReactionsRepository(db) };
}

/** Likes, "helpful" marks and accepted answers. */
export class ReactionsService {
  private readonly read: ReturnType<typeof repositories>;

  constructor(
    private readonly db: Db,
    private readonly reputation: ReputationService,
  ) {
    this.read = repositories(db);
  }

  /**
   * One reaction of each kind per member per post: a second click changes nothing (idempotent), and the
   * counters move only when a row was really added or removed.
   *
   * Three round trips (issue 20): the post, its thread and the reaction go out together with the transaction's
   * BEGIN, so the reaction is written before the checks on what was read; a refusal rolls it back, and nobody saw
   * it (its pages' notices and live events are sent at commit). Then the author's reputation and notification,
   * then COMMIT.
   */
  /**
   * `checked`: the database's word on the actor, read beside the transaction's first statements (session.plugin's
   * `sessionCheck`); `actorOrNull`, the node's cached actor, only sends those (the reaction's toggle is rolled back
   * when the checked actor may not react). Without it, `actorOrNull` is the database's word already.
   */
  async react(
    actorOrNull: Actor | null,
    postId: number,
    kind: ReactionKind,
    on: boolean,
    checked: Promise<Actor | null> = Promise.resolve(actorOrNull),
  ) {
    const cached = authorize(actorOrNull, 'post.react');
    assertMayWrite(cached); // a suspended or banned member's click writes nothing, not even to roll it back
    return this.db.transaction().execute(async (trx) => {
      const [post, thread, toggled] = await sideBySide(
        trx,
        (t) => new PostsRepository(t).getById(postId),
        (t) => new ThreadsRepository(t).getByPostId(postId),
        // Its failure (no such post) is the checks' to report: kept as a value until they have run.
        (t) =>
          new ReactionsRepository(t).toggle({ id: postId }, cached.id, kind, on).then(
            (counts) => ({ counts }),
            (error: unknown) => ({ error }),
          ),
      );
      // Read beside those statements on another connection (started with the request): here by now.
      const actor = authorize(await checked, 'post.react');
      assertMayWrite(actor);
      if (!post || !thread || !canSeeThread(actor, thread) || post.state !== 'published') {
        throw new NotFoundError('post.not_found', 'No such post.');
      }
      if (post.author_id === actor.id) {
        throw new ForbiddenError('reaction.own_post', 'You cannot react to your own post.');
      }
      if (kind === 'helpful' && thread.kind !== 'tip' && thread.kind !== 'question') {
        throw new UnprocessableError('reaction.helpful_not_allowed', 'Only tips and answers can be marked helpful.');
      }
      if ('error' in toggled) throw toggled.error;
      const { reactionId, likeCount, helpfulCount } = toggled.counts;
      if (reactionId !== undefined) {
        // The author's reputation and their notification, side by side: one round trip for both.
        await sideBySide(
          trx,
          (t) => this.reputation.reacted(t, { id: reactionId, kind, memberId: actor.id }, post, thread, on),
          (t) => (on ? notifier.reacted(t, post, thread, kind, actor.id) : Promise.resolve()),
        );
      }
      return { likeCount, helpfulCount, active: on };
    });
  }

  /** The question's author (or a moderator) accepts one reply as the answer; null clears it. */
  async accept(actorOrNull: Actor | null, threadId: number, postId: number | null) {
    const thread = await this.read.threads.getById(threadId);
    if (!thread || !canSeeThread(actorOrNull, thread)) throw new NotFoundError('thread.not_found', 'No such thread.');
    const actor = authorize(
      actorOrNull,
      actorOrNull?.id === thread.author_id ? 'thread.accept.own' : 'thread.accept.any',
    );
    if (actor.id === thread.author_id && !can(actor, 'thread.accept.any')) assertMayWrite(actor);
    if (thread.kind !== 'question') {
      throw new UnprocessableError('thread.not_a_question', 'Only questions have an accepted answer.');
    }
    if (postId !== null) {
      const post = await this.read.posts.getById(postId);
      if (!post || post.thread_id !== thread.id || post.state !== 'published' || post.number === 1) {
        throw new UnprocessableError('post.not_an_answer', 'Choose a published reply of this thread.', {
          field: 'postId',
        });
      }
    }
    return this.db.transaction().execute(async (trx) => {
      const r = repositories(trx);
      const current = (await r.threads.lockForUpdate(thread.id))!;
      if (current.accepted_post_id === postId) return { acceptedPostId: postId };
      const previous = current.accepted_post_id === null ? undefined : await r.posts.getById(current.accepted_post_id);
      const updated = (await r.threads.update(thread.id, { accepted_post_id: postId }))!;
      const next = postId === null ? undefined : await r.posts.getById(postId);
      await this.reputation.accepted(trx, updated, previous, next);
      if (next) await notifier.accepted(trx, next, updated, actor.id);
      return { acceptedPostId: updated.accepted_post_id };
    });
  }
}
