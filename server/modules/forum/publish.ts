import { type Actor, assertMayWrite, authorize, authorizeOwned, can, hasRole } from '../../access/access.ts';
import type { Config } from '../../config.ts';
import type { Db, Executor } from '../../db/kysely.ts';
import { sideBySide } from '../../db/side-by-side.ts';
import type { Category, Thread, ThreadKind } from '../../db/types.ts';
import { ForbiddenError, NotFoundError, UnprocessableError } from '../../lib/errors.ts';
import { renderOffLoop } from '../../lib/cpu-pool.ts';
import { assertRenderable, findMentions, type ImageMap, showsSomething } from '../../lib/markdown.ts';
import { postSentiment } from '../community/index.ts';
import { notifier } from '../notifications/index.ts';
import { assertLength } from '../../lib/text.ts';
import { CategoriesRepository, MembersRepository, PostsRepository, ThreadsRepository } from '../../content/index.ts';
import { threadWentPublic } from './went-public.ts';
import {
  ModerationRepository,
  type ModerationSettingsStore,
  place,
  type Placement,
  recordedHits,
  refuseIfRejected,
} from '../moderation/index.ts';
import { mask, NetiquetteRepository, type NetiquetteService, type Verdict } from '../netiquette/index.ts';
import type { ReputationService } from '../reputation/index.ts';
import { canSeeCategory, canSeeThread } from '../../access/visibility.ts';
import { textLanguage } from '../../lib/language.ts';
import { assertMayReply, assertMayStart } from '../../access/posting.ts';
import { assertTemplateFilled } from './template-placeholders.ts';
import { TemplatesRepository } from './templates.repository.ts';

/**
 * The publish pipeline (docs/ARCHITECTURE.md): one path for new threads, replies and edits.
 *   1. validate the payload and the author's right to post here
 *   2. screen the text (netiquette rules, then the category's moderation mode)
 *   3. render Markdown once, mentions resolved
 *   4. one transaction: post (+ thread), counters, revision
 *   5. after commit: events for search, live updates and notifications
 * Each step is one call below, so the later capabilities slot into their step.
 */

export interface NewThreadInput {
  categoryId: number;
  title: string;
  body: string;
  kind: ThreadKind;
  pinned?: boolean;
  featured?: boolean;
  official?: boolean;
  /** ISO date-time; a thread due later is kept `scheduled` and published by the scheduler. */
  publishAt?: string;
  bugReport?: boolean;
  pinnedGlobal?: boolean;
  /** The topic template it was started from: its blanks must be filled in. */
  templateId?: number;
}

function repositories(db: Executor) {
  return {
    threads: new ThreadsRepository(db),
    posts: new PostsRepository(db),
    categories: new CategoriesRepository(db),
    members: new MembersRepository(db),
    moderation: new ModerationRepository(db),
    rules: new NetiquetteRepository(db),
  };
}

/** What the API answers about moderation: where the post went, and why. */
export interface Outcome {
  state: string;
  action: Verdict['action'];
  hits: Verdict['hits'];
}

const outcome = (placement: Placement, verdict: Verdict): Outcome => ({
  state: placement.state,
  action: verdict.action,
  hits: verdict.hits,
});

/** Kept with a held post so that its author sees why (the hits, in both languages). */
const moderationNote = (placement: Placement, verdict: Verdict) =>
  placement.state === 'published' && placement.reasons.length === 0
    ? null
    : JSON.stringify({ reasons: placement.reasons, hits: recordedHits(verdict.hits) });

type Limits = Pick<Config['limits'], 'titleMin' | 'titleMax' | 'bodyMin' | 'bodyMax'>;
/**
 * The images a post names (server/modules/uploads, given by app.ts): made ours before rendering (external ones
 * downloaded), and linked to the post in its transaction (who may see an image follows its posts).
 */
export interface PostImages {
  resolve(actor: Actor, markdown: string): Promise<{ images: ImageMap; uploadIds: number[] }>;
  attach(trx: Executor, postId: number, uploadIds: readonly number[]): Promise<void>;
}

type ReplyInput = { body: string; replyTo?: number };

export class Publisher {
  private readonly read: ReturnType<typeof repositories>;

  constructor(
    private readonly db: Db,
    /** The lengths posts must keep: fixed (tests), or the community's live settings. */
    private readonly limits: Limits | { get(): Promise<Limits> },
    private readonly netiquette: NetiquetteService,
    private readonly moderationSettings: ModerationSettingsStore,
    private readonly reputation: ReputationService,
    private readonly random: () => number = Math.random,
    /** Account rules on posting (a confirmed e-mail address, when the community requires one). */
    private readonly accounts?: { assertMayPost(actor: Actor): Promise<void> },
    private readonly images?: PostImages,
  ) {
    this.read = repositories(db);
  }

  async createThread(actorOrNull: Actor | null, input: NewThreadInput) {
    // 1. validate
    const actor = authorize(actorOrNull, 'thread.create');
    assertMayWrite(actor);
    await this.accounts?.assertMayPost(actor);
    if (input.kind === 'announcement') authorize(actor, 'thread.announce');
    if (input.pinned || input.pinnedGlobal) authorize(actor, 'thread.pin');
    if (input.featured) authorize(actor, 'thread.feature');
    if (input.official) authorize(actor, 'thread.official');
    const publishAt = input.publishAt === undefined ? null : new Date(input.publishAt);
    if (publishAt) {
      authorize(actor, 'thread.schedule');
      if (Number.isNaN(publishAt.getTime()) || publishAt.getTime() > Date.now() + 366 * 86_400_000) {
        throw new UnprocessableError('thread.publish_at_invalid', 'Choose a publication time within the next year.', {
          field: 'publishAt',
        });
      }
    }
    // A time already past publishes now.
    const scheduled = publishAt !== null && publishAt.getTime() > Date.now();
    const limits = await this.currentLimits();
    assertLength('title', input.title, limits.titleMin, limits.titleMax);
    this.validateBody(input.body, limits);
    if (input.templateId !== undefined)
      await assertTemplateFilled(new TemplatesRepository(this.db), input.templateId, input);
    const category = await this.read.categories.getSettings(input.categoryId);
    // A category the member may not see answers as one that does not exist.
    if (!category || !canSeeCategory(actor, category)) {
      throw new UnprocessableError('category.not_found', 'This category does not exist.', { field: 'categoryId' });
    }
    assertMayStart(actor, category, input.kind);
    // 2. screen
    const { verdict, placement } = await this.screen(actor, { title: input.title, body: input.body }, category);
    // 3. render
    const { html, uploadIds } = await this.render(
      actor,
      placement.masked ? mask(input.body, verdict.hits, 'body') : input.body,
      input,
    );
    const title = placement.masked ? mask(input.title, verdict.hits, 'title') : input.title;
    // 4. persist
    const now = new Date();
    const published = placement.state === 'published' && !scheduled;
    const sentiment = postSentiment(input.body, input.title);
    const result = await this.db.transaction().execute(async (trx) => {
      const r = repositories(trx);
      const thread = await r.threads.create({
        category_id: category.id,
        author_id: actor.id,
        kind: input.kind,
        title,
        state: scheduled && placement.state === 'published' ? 'scheduled' : published ? 'published' : 'pending',
        publish_at: scheduled ? publishAt : null,
        pinned: input.pinned ?? false,
        featured: input.featured ?? false,
        official: input.official ?? false,
        pinned_global: input.pinnedGlobal ?? false,
        bug_report: (input.bugReport ?? false) && (input.kind === 'question' || input.kind === 'discussion'),
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
        sentiment,
        lang: textLanguage(`${input.title}\n\n${input.body}`),
        state: placement.state,
        moderation: moderationNote(placement, verdict),
      });
      await this.queue(r, post.id, placement, verdict);
      if (uploadIds.length > 0) await this.images?.attach(trx, post.id, uploadIds);
      if (published) await threadWentPublic(trx, this.reputation, thread, post);
      return { thread, post };
    });
    // 5. after commit: the triggers' search outbox rows and live events (written in the transaction) go out.
    return { ...result, category, outcome: outcome(placement, verdict) };
  }

  /** `admitted`: the posting limit's verdict, counted beside the first reads (rate-limit.plugin.ts, `admission`). */
  /**
   * `checked`: the database's word on the author, read beside the first reads (session.plugin's `sessionCheck`);
   * `actorOrNull`, the node's cached actor, only names whose audience to read. Without it, `actorOrNull` is the
   * database's word already.
   */
  async reply(
    actorOrNull: Actor | null,
    threadId: number,
    input: ReplyInput,
    admitted?: Promise<void>,
    checked: Promise<Actor | null> = Promise.resolve(actorOrNull),
  ) {
    const cached = authorize(actorOrNull, 'post.reply');
    // The thread, its category, the post replied to and who hears of a reply (their notification settings, read
    // before the transaction rather than in it), side by side with the posting limit's count and the session's
    // check: one round trip.
    const [thread, category, replyTo, audience, , author] = await Promise.all([
      this.read.threads.getById(threadId),
      this.read.categories.getSettingsOfThread(threadId),
      input.replyTo === undefined ? undefined : this.read.posts.getById(input.replyTo),
      notifier.audience(this.db, threadId, cached.id),
      admitted,
      checked,
    ]);
    const actor = authorize(author, 'post.reply');
    if (!thread || !category || !canSeeThread(actor, thread))
      throw new NotFoundError('thread.not_found', 'No such thread.');
    assertMayWrite(actor);
    await this.accounts?.assertMayPost(actor);
    this.assertOpen(actor, thread);
    this.validateBody(input.body, await this.currentLimits());
    if (input.replyTo !== undefined && (!replyTo || replyTo.thread_id !== thread.id || replyTo.state === 'deleted')) {
      throw new UnprocessableError('post.reply_to_invalid', 'The post you reply to is not in this thread.', {
        field: 'replyTo',
      });
    }
    assertMayReply(actor, category);
    const { verdict, placement } = await this.screen(actor, { body: input.body }, category);
    const { html, uploadIds } = await this.render(
      actor,
      placement.masked ? mask(input.body, verdict.hits, 'body') : input.body,
      input,
    );
    const now = new Date();
    const published = placement.state === 'published';
    const sentiment = postSentiment(input.body);
    const post = await this.db.transaction().execute(async (trx) => {
      const r = repositories(trx);
      // Numbering the post takes the thread's row lock, on condition that the thread is still published (and
      // open, for whoever may not write in a locked thread); when it is not, find out which, to say so.
      const claimed = await r.posts.createReply(
        { threadId: thread.id, authorId: actor.id, at: now, visible: published, openOnly: !can(actor, 'thread.lock') },
        {
          reply_to_id: replyTo?.id ?? null,
          body_md: input.body,
          body_html: html,
          sentiment,
          lang: textLanguage(input.body),
          state: placement.state,
          moderation: moderationNote(placement, verdict),
        },
      );
      if (claimed === undefined) {
        const current = await r.threads.getById(thread.id);
        if (current?.state === 'published') this.assertOpen(actor, current);
        throw new NotFoundError('thread.not_found', 'No such thread.');
      }
      const created = claimed.post;
      if (published) {
        // The author's reputation and who hears of the reply, side by side: one round trip for both.
        await sideBySide(
          trx,
          (t) =>
            this.reputation.replyPublished(t, created, thread, {
              countPost: true,
              welcomes: claimed.authorsFirst && thread.author_id !== actor.id,
            }),
          (t) => notifier.postPublished(t, created, thread, { parentAuthorId: replyTo?.author_id, audience }),
        );
      }
      await this.queue(r, created.id, placement, verdict);
      if (uploadIds.length > 0) await this.images?.attach(trx, created.id, uploadIds);
      return created;
    });
    return { thread, post, outcome: outcome(placement, verdict) };
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
    const limits = await this.currentLimits();
    this.validateBody(body, limits);
    if (input.title !== undefined) assertLength('title', title, limits.titleMin, limits.titleMax);
    if (body === post.body_md && title === thread.title) {
      return { post, thread, outcome: { state: post.state, action: 'allow', hits: [] } as Outcome };
    }
    // Edits go through the rules too. A refused edit changes nothing; one the rules would hold stays
    // visible but is queued for review (hiding a published post on an edit would punish the readers).
    const category = (await this.read.categories.getSettings(thread.category_id))!;
    const { verdict, placement: initial } = await this.screen(
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
    const { html, uploadIds } = await this.render(actor, placement.masked ? mask(body, verdict.hits, 'body') : body, {
      title: post.number === 1 ? title : undefined,
      body,
    });
    const storedTitle = placement.masked && post.number === 1 ? mask(title, verdict.hits, 'title') : title;
    const sentiment = postSentiment(body, post.number === 1 ? title : null);
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
        sentiment,
        lang: textLanguage(post.number === 1 ? `${title}\n\n${body}` : body),
        edited_at: new Date(),
        bumpEditCount: true,
        ...(resubmit && { state: 'pending' as const }),
      });
      if (resubmit || post.state === 'pending')
        await r.posts.setModeration(post.id, moderationNote(placement, verdict));
      await this.images?.attach(trx, post.id, uploadIds);
      let updatedThread = thread;
      if (storedTitle !== thread.title)
        updatedThread = { ...thread, ...(await r.threads.update(thread.id, { title: storedTitle })) };
      else await r.threads.touch(thread.id);
      if (!hasRole(actor, 'moderator')) await this.queue(r, post.id, placement, verdict);
      return { post: updated, thread: updatedThread };
    });
    return { ...result, outcome: outcome(placement, verdict) };
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
      } else {
        await r.threads.touch(thread.id); // a held or hidden reply's place in the page changes too
      }
      if (wasVisible) await r.members.addPostCount(post.author_id, -1);
      if (thread.accepted_post_id === post.id) await r.threads.update(thread.id, { accepted_post_id: null });
    });
    return { threadDeleted: post.number === 1 };
  }

  private async currentLimits(): Promise<Limits> {
    return 'get' in this.limits ? this.limits.get() : this.limits;
  }

  private validateBody(body: string, limits: Limits): void {
    assertLength('body', body, limits.bodyMin, limits.bodyMax);
    assertRenderable('body', body);
  }

  private assertOpen(actor: Actor, thread: Thread): void {
    if (thread.locked && !can(actor, 'thread.lock')) {
      throw new ForbiddenError('thread.locked', 'This thread is locked: no new replies.');
    }
  }

  /**
   * Step 2: the netiquette's verdict (refused posts stop here, with their text), raised by the category's
   * moderation mode.
   */
  private async screen(
    actor: Actor,
    text: { title?: string; body: string },
    category: Pick<Category, 'id' | 'moderation_mode' | 'bypass_trust_level'>,
  ) {
    const [verdict, settings] = await Promise.all([
      this.netiquette.screen(actor, { ...text, categoryId: category.id }),
      this.moderationSettings.get(),
    ]);
    refuseIfRejected(verdict, text);
    const rate = settings.postSampling[Math.min(actor.trustLevel, settings.postSampling.length - 1)] ?? 1;
    return { verdict, placement: place(verdict, actor, category, () => this.random() < rate) };
  }

  /** In the post's transaction: its moderation item (if it needs one) and the rule hits, for statistics. */
  private async queue(r: ReturnType<typeof repositories>, postId: number, placement: Placement, verdict: Verdict) {
    const hits = recordedHits(verdict.hits);
    if (placement.reasons.length > 0) {
      await r.moderation.openOrMerge({ postId, reasons: placement.reasons, hits, priority: placement.priority });
    }
    await r.rules.recordHits(postId, hits);
  }

  /**
   * Step 3: Markdown → sanitized HTML, with @mentions linked only for members who exist. A post that shows
   * nothing once sanitized (only a comment, an image refused) is refused with the member's text: published
   * empty, it would read as a post the moderators hid.
   */
  private async render(actor: Actor, body: string, text: { title?: string; body: string }) {
    const names = findMentions(body).slice(0, 50);
    const [existing, images] = await Promise.all([
      this.read.members.existingUsernames(names),
      this.images?.resolve(actor, body),
    ]);
    const html = await renderOffLoop(body, existing, images?.images);
    if (!showsSomething(html)) {
      throw new UnprocessableError('post.empty', 'This post shows nothing once formatted: write some text.', {
        field: 'body',
        title: text.title ?? null,
        body: text.body,
      });
    }
    return { html, uploadIds: images?.uploadIds ?? [] };
  }
}
