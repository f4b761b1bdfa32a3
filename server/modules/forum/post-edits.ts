import { type Actor, assertMayWrite, authorizeOwned, can, hasRole } from '../../access/access.ts';
import { NotFoundError, UnprocessableError } from '../../lib/errors.ts';
import { postSentiment } from '../community/index.ts';
import { assertLength } from '../../lib/text.ts';
import type { Placement } from '../moderation/index.ts';
import { mask } from '../netiquette/index.ts';
import { canSeeThread } from '../../access/visibility.ts';
import { textLanguage } from '../../lib/language.ts';
import { moderationNote, type Outcome, outcome, type PublishSteps, repositories } from './publish-steps.ts';

/** The publish pipeline for a post that exists (docs/ARCHITECTURE.md): its edits and its removal. */
export class PostEdits {
  constructor(private readonly steps: PublishSteps) {}

  async edit(actorOrNull: Actor | null, postId: number, input: { body?: string; title?: string }) {
    const post = await this.steps.read.posts.getById(postId);
    const thread = post && (await this.steps.read.threads.getById(post.thread_id));
    if (!post || !thread || !canSeeThread(actorOrNull, thread) || post.state === 'deleted') {
      throw new NotFoundError('post.not_found', 'No such post.');
    }
    const actor = authorizeOwned(actorOrNull, post.author_id, 'post.edit.own', 'post.edit.any');
    assertMayWrite(actor);
    if (actor.id === post.author_id && !can(actor, 'post.edit.any')) this.steps.assertOpen(actor, thread);
    if (input.title !== undefined && post.number !== 1) {
      throw new UnprocessableError('post.title_not_editable', 'Only the first post of a thread carries the title.', {
        field: 'title',
      });
    }
    if (input.body === undefined && input.title === undefined) {
      throw new UnprocessableError('post.nothing_to_change', 'Send a new body or title.');
    }
    const body = input.body ?? post.body_md;
    const title = input.title ?? thread.title;
    const limits = await this.steps.currentLimits();
    this.steps.validateBody(body, limits);
    if (input.title !== undefined) assertLength('title', title, limits.titleMin, limits.titleMax);
    if (body === post.body_md && title === thread.title) {
      return { post, thread, outcome: { state: post.state, action: 'allow', hits: [] } as Outcome };
    }
    // Edits go through the rules too. A refused edit changes nothing; one the rules would hold stays
    // visible but is queued for review (hiding a published post on an edit would punish the readers).
    const category = (await this.steps.read.categories.getSettings(thread.category_id))!;
    const { verdict, placement: initial } = await this.steps.screen(
      actor,
      { title: post.number === 1 ? title : undefined, body },
      category,
    );
    // A refused post fixed by its author goes back to the moderators; other edits keep the post's state.
    const resubmit = post.state === 'rejected' && actor.id === post.author_id;
    const placement: Placement = resubmit
      ? {
          ...initial,
          state: 'pending',
          reasons: [...new Set([...initial.reasons, 'resubmit' as const])],
          priority: Math.max(initial.priority, 15),
        }
      : { ...initial, state: post.state === 'pending' ? 'pending' : 'published' };
    const { html, uploadIds } = await this.steps.render(
      actor,
      placement.masked ? mask(body, verdict.hits, 'body') : body,
      {
        title: post.number === 1 ? title : undefined,
        body,
      },
    );
    const storedTitle = placement.masked && post.number === 1 ? mask(title, verdict.hits, 'title') : title;
    const sentiment = postSentiment(body, post.number === 1 ? title : null);
    const result = await this.steps.db.transaction().execute(async (trx) => {
      const r = repositories(trx);
      const current = await r.posts.lockForUpdate(post.id);
      if (!current || current.state === 'deleted') throw new NotFoundError('post.not_found', 'No such post.');
      // The previous version is kept as a revision; revision 1 is the original text.
      await r.posts.addRevision({
        postId: post.id,
        revision: current.edit_count + 1,
        title: post.number === 1 ? thread.title : null,
        bodyMd: current.body_md,
        editorId: actor.id,
      });
      const updated = await r.posts.update(post.id, {
        body_md: body,
        body_html: html,
        sentiment,
        lang: textLanguage(post.number === 1 ? `${title}\n\n${body}` : body),
        edited_at: new Date(),
        bumpEditCount: true,
        ...(resubmit && { state: 'pending' as const }),
      });
      if (resubmit || post.state === 'pending')
        await r.posts.setModeration(post.id, moderationNote(placement, verdict));
      await this.steps.images?.attach(trx, post.id, uploadIds);
      let updatedThread = thread;
      if (storedTitle !== thread.title)
        updatedThread = { ...thread, ...(await r.threads.update(thread.id, { title: storedTitle })) };
      else await r.threads.touch(thread.id);
      if (!hasRole(actor, 'moderator')) await this.steps.queue(r, post.id, placement, verdict);
      return { post: updated, thread: updatedThread };
    });
    return { ...result, outcome: outcome(placement, verdict) };
  }

  /** Soft delete: the text stays in the database (and in the revisions) but no longer shows. */
  async remove(actorOrNull: Actor | null, postId: number) {
    const post = await this.steps.read.posts.getById(postId);
    const thread = post && (await this.steps.read.threads.getById(post.thread_id));
    if (!post || !thread || !canSeeThread(actorOrNull, thread) || post.state === 'deleted') {
      throw new NotFoundError('post.not_found', 'No such post.');
    }
    const actor = authorizeOwned(actorOrNull, post.author_id, 'post.delete.own', 'post.delete.any');
    if (actor.id === post.author_id && !can(actor, 'post.delete.any')) assertMayWrite(actor);
    await this.steps.db.transaction().execute(async (trx) => {
      const r = repositories(trx);
      const current = await r.posts.lockForUpdate(post.id);
      if (!current || current.state === 'deleted') throw new NotFoundError('post.not_found', 'No such post.');
      const wasVisible = current.state === 'published';
      await r.posts.update(post.id, { state: 'deleted', deleted_at: new Date(), deleted_by: actor.id });
      if (post.number === 1) {
        await r.threads.update(thread.id, { state: 'deleted' });
        if (thread.state === 'published') {
          await r.categories.addCounts(thread.category_id, { threads: -1, posts: -thread.reply_count - 1 });
        }
      } else if (wasVisible) {
        await r.threads.addCounts(thread.id, { replies: -1, score: -(current.like_count + current.helpful_count) });
        await r.categories.addCounts(thread.category_id, { posts: -1 });
      } else {
        await r.threads.touch(thread.id); // a held or hidden reply's place in the page changes too
      }
      if (wasVisible) await r.members.addPostCount(post.author_id, -1);
      if (thread.accepted_post_id === post.id) await r.threads.update(thread.id, { accepted_post_id: null });
    });
    return { threadDeleted: post.number === 1 };
  }
}
