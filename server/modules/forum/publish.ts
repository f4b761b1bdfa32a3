import { type Actor, assertMayWrite, authorize, authorizeOwned, can } from '../../access/access.ts';
import type { Config } from '../../config.ts';
import type { Db, Executor } from '../../db/kysely.ts';
import type { Post, PostState, Thread, ThreadKind } from '../../db/schema.ts';
import { ForbiddenError, NotFoundError, UnprocessableError } from '../../lib/errors.ts';
import { findMentions, renderMarkdown } from '../../lib/markdown.ts';
import { assertLength } from '../../lib/text.ts';
import { MembersRepository } from '../members/members.repository.ts';
import { CategoriesRepository } from './categories.repository.ts';
import { canSeeThread } from './forum.service.ts';
import { PostsRepository } from './posts.repository.ts';
import { ThreadsRepository } from './threads.repository.ts';

/**
 * The publish pipeline of DESIGN §6: one path for new threads, replies and edits.
 *   1. validate the payload and the author's right to post here
 *   2. screen the text (netiquette rules, then the category's moderation mode)
 *   3. render Markdown once, mentions resolved
 *   4. one transaction: post (+ thread), counters, revision
 *   5. after commit: events for search, live updates and notifications
 * Each step is one call below, so the later capabilities slot into their step.
 */

export interface Verdict {
  state: PostState;
  hits: { ruleId: string; action: string; message: string; start: number; end: number }[];
}

export interface NewThreadInput {
  categoryId: number;
  title: string;
  body: string;
  kind: ThreadKind;
  pinned?: boolean;
  featured?: boolean;
  official?: boolean;
}

function repositories(db: Executor) {
  return {
    threads: new ThreadsRepository(db),
    posts: new PostsRepository(db),
    categories: new CategoriesRepository(db),
    members: new MembersRepository(db),
  };
}

export class Publisher {
  private readonly read: ReturnType<typeof repositories>;

  constructor(
    private readonly db: Db,
    private readonly limits: Config['limits'],
  ) {
    this.read = repositories(db);
  }

  async createThread(actorOrNull: Actor | null, input: NewThreadInput) {
    // 1. validate
    const actor = authorize(actorOrNull, 'thread.create');
    assertMayWrite(actor);
    if (input.kind === 'announcement') authorize(actor, 'thread.announce');
    if (input.pinned) authorize(actor, 'thread.pin');
    if (input.featured) authorize(actor, 'thread.feature');
    if (input.official) authorize(actor, 'thread.official');
    assertLength('title', input.title, this.limits.titleMin, this.limits.titleMax);
    this.validateBody(input.body);
    const category = await this.read.categories.getById(input.categoryId);
    if (!category) {
      throw new UnprocessableError('category.not_found', 'This category does not exist.', { field: 'categoryId' });
    }
    // 2. screen
    const verdict = this.screen(actor, `${input.title}\n\n${input.body}`);
    // 3. render
    const html = await this.render(input.body);
    // 4. persist
    const now = new Date();
    const published = verdict.state === 'published';
    const result = await this.db.transaction().execute(async (trx) => {
      const r = repositories(trx);
      const thread = await r.threads.create({
        category_id: category.id,
        author_id: actor.id,
        kind: input.kind,
        title: input.title,
        state: published ? 'published' : 'pending',
        pinned: input.pinned ?? false,
        featured: input.featured ?? false,
        official: input.official ?? false,
        post_count: 1,
        reply_count: 0,
        last_post_at: now,
        last_poster_id: actor.id,
      });
      const post = await r.posts.create({
        thread_id: thread.id,
        author_id: actor.id,
        number: 1,
        body_md: input.body,
        body_html: html,
        state: verdict.state,
      });
      if (published) {
        await r.categories.addCounts(category.id, { threads: 1, posts: 1 });
        await r.members.addPostCount(actor.id, 1);
      }
      return { thread, post };
    });
    // 5. after commit: nothing subscribes yet; search, live and notifications read from here.
    return { ...result, category, verdict };
  }

  async reply(actorOrNull: Actor | null, threadId: number, input: { body: string; replyTo?: number }) {
    const actor = authorize(actorOrNull, 'post.reply');
    const thread = await this.read.threads.getById(threadId);
    if (!thread || !canSeeThread(actor, thread)) throw new NotFoundError('thread.not_found', 'No such thread.');
    assertMayWrite(actor);
    this.assertOpen(actor, thread);
    this.validateBody(input.body);
    let replyTo: Post | undefined;
    if (input.replyTo !== undefined) {
      replyTo = await this.read.posts.getById(input.replyTo);
      if (!replyTo || replyTo.thread_id !== thread.id || replyTo.state === 'deleted') {
        throw new UnprocessableError('post.reply_to_invalid', 'The post you reply to is not in this thread.', {
          field: 'replyTo',
        });
      }
    }
    const verdict = this.screen(actor, input.body);
    const html = await this.render(input.body);
    const now = new Date();
    const published = verdict.state === 'published';
    const post = await this.db.transaction().execute(async (trx) => {
      const r = repositories(trx);
      const locked = await r.threads.lockForUpdate(thread.id);
      if (!locked || locked.state !== 'published') throw new NotFoundError('thread.not_found', 'No such thread.');
      this.assertOpen(actor, locked);
      const number = await r.threads.nextPostNumber(thread.id, actor.id, now);
      const created = await r.posts.create({
        thread_id: thread.id,
        author_id: actor.id,
        number,
        reply_to_id: replyTo?.id ?? null,
        body_md: input.body,
        body_html: html,
        state: verdict.state,
      });
      if (published) {
        await r.categories.addCounts(thread.category_id, { posts: 1 });
        await r.members.addPostCount(actor.id, 1);
      } else {
        await r.threads.addCounts(thread.id, { replies: -1 });
      }
      return created;
    });
    return { thread, post, verdict };
  }

  async edit(actorOrNull: Actor | null, postId: number, input: { body?: string; title?: string }) {
    const post = await this.read.posts.getById(postId);
    const thread = post && (await this.read.threads.getById(post.thread_id));
    if (!post || !thread || !canSeeThread(actorOrNull, thread) || post.state === 'deleted') {
      throw new NotFoundError('post.not_found', 'No such post.');
    }
    const actor = authorizeOwned(actorOrNull, post.author_id, 'post.edit.own', 'post.edit.any');
    assertMayWrite(actor);
    if (actor.id === post.author_id && !can(actor, 'post.edit.any')) this.assertOpen(actor, thread);
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
    this.validateBody(body);
    if (input.title !== undefined) assertLength('title', title, this.limits.titleMin, this.limits.titleMax);
    if (body === post.body_md && title === thread.title) {
      return { post, thread, verdict: { state: post.state, hits: [] } as Verdict };
    }
    const verdict = this.screen(actor, post.number === 1 ? `${title}\n\n${body}` : body);
    const html = await this.render(body);
    const result = await this.db.transaction().execute(async (trx) => {
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
        edited_at: new Date(),
        bumpEditCount: true,
      });
      let updatedThread = thread;
      if (title !== thread.title) updatedThread = (await r.threads.update(thread.id, { title })) ?? thread;
      else await r.threads.touch(thread.id);
      return { post: updated, thread: updatedThread };
    });
    return { ...result, verdict };
  }

  /** Soft delete: the text stays in the database (and in the revisions) but no longer shows. */
  async remove(actorOrNull: Actor | null, postId: number) {
    const post = await this.read.posts.getById(postId);
    const thread = post && (await this.read.threads.getById(post.thread_id));
    if (!post || !thread || !canSeeThread(actorOrNull, thread) || post.state === 'deleted') {
      throw new NotFoundError('post.not_found', 'No such post.');
    }
    const actor = authorizeOwned(actorOrNull, post.author_id, 'post.delete.own', 'post.delete.any');
    if (actor.id === post.author_id && !can(actor, 'post.delete.any')) assertMayWrite(actor);
    await this.db.transaction().execute(async (trx) => {
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
      }
      if (wasVisible) await r.members.addPostCount(post.author_id, -1);
      if (thread.accepted_post_id === post.id) await r.threads.update(thread.id, { accepted_post_id: null });
    });
    return { threadDeleted: post.number === 1 };
  }

  private validateBody(body: string): void {
    assertLength('body', body, this.limits.bodyMin, this.limits.bodyMax);
  }

  private assertOpen(actor: Actor, thread: Thread): void {
    if (thread.locked && !can(actor, 'thread.lock')) {
      throw new ForbiddenError('thread.locked', 'This thread is locked: no new replies.');
    }
  }

  /**
   * Step 2. The netiquette engine and the category moderation modes plug in here (DESIGN §6): they return
   * the strongest action among the hits. Until they exist every post is published as written.
   */
  private screen(_actor: Actor, _text: string): Verdict {
    return { state: 'published', hits: [] };
  }

  /** Step 3: Markdown → sanitized HTML, with @mentions linked only for members who exist. */
  private async render(body: string): Promise<string> {
    const names = findMentions(body).slice(0, 50);
    const existing = await this.read.members.existingUsernames(names);
    return renderMarkdown(body, existing);
  }
}
