import { type Actor, assertMayWrite, authorize, can } from '../../access/access.ts';
import type { Db } from '../../db/kysely.ts';
import { afterLead, LeadWroteNothing } from '../../db/side-by-side.ts';
import type { ThreadKind } from '../../db/types.ts';
import { NotFoundError, UnprocessableError } from '../../lib/errors.ts';
import { postSentiment } from '../community/index.ts';
import { notifier } from '../notifications/index.ts';
import { threadWentPublic } from './went-public.ts';
import type { ModerationSettingsStore } from '../moderation/index.ts';
import { mask, type NetiquetteService } from '../netiquette/index.ts';
import type { ReputationService } from '../reputation/index.ts';
import { canSeeCategory, canSeeThread } from '../../access/visibility.ts';
import { textLanguage } from '../../lib/language.ts';
import { assertLength } from '../../lib/text.ts';
import { assertMayReply, assertMayStart } from '../../access/posting.ts';
import { assertTemplateFilled } from './template-placeholders.ts';
import { TemplatesRepository } from './templates.repository.ts';
import { PostEdits } from './post-edits.ts';
import { readReplyContext } from './reply-context.ts';
import { type Limits, moderationNote, outcome, type PostImages, PublishSteps, repositories } from './publish-steps.ts';

export type { Outcome, PostImages } from './publish-steps.ts';

/**
 * The publish pipeline (docs/ARCHITECTURE.md): one path for new threads, replies and edits.
 *   1. validate the payload and the author's right to post here
 *   2. screen the text (netiquette rules, then the category's moderation mode)
 *   3. render Markdown once, mentions resolved
 *   4. one transaction: post (+ thread), counters, revision
 *   5. after commit: events for search, live updates and notifications
 * New threads and replies here; edits and removals in post-edits.ts; the steps they share (lengths, screening,
 * rendering, the moderation queue) in publish-steps.ts, one call each, so later capabilities slot into their step.
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

type ReplyInput = { body: string; replyTo?: number };

export class Publisher {
  private readonly steps: PublishSteps;
  private readonly edits: PostEdits;

  constructor(
    private readonly db: Db,
    /** The lengths posts must keep: fixed (tests), or the community's live settings. */
    limits: Limits | { get(): Promise<Limits> },
    netiquette: NetiquetteService,
    moderationSettings: ModerationSettingsStore,
    private readonly reputation: ReputationService,
    random: () => number = Math.random,
    /** Account rules on posting (a confirmed e-mail address, when the community requires one). */
    private readonly accounts?: { assertMayPost(actor: Actor): Promise<void> },
    images?: PostImages,
  ) {
    this.steps = new PublishSteps(db, limits, netiquette, moderationSettings, random, images);
    this.edits = new PostEdits(this.steps);
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
    const limits = await this.steps.currentLimits();
    assertLength('title', input.title, limits.titleMin, limits.titleMax);
    this.steps.validateBody(input.body, limits);
    if (input.templateId !== undefined)
      await assertTemplateFilled(new TemplatesRepository(this.db), input.templateId, input);
    const category = await this.steps.read.categories.getSettings(input.categoryId);
    // A category the member may not see answers as one that does not exist.
    if (!category || !canSeeCategory(actor, category)) {
      throw new UnprocessableError('category.not_found', 'This category does not exist.', { field: 'categoryId' });
    }
    assertMayStart(actor, category, input.kind);
    // 2. screen
    const { verdict, placement } = await this.steps.screen(actor, { title: input.title, body: input.body }, category);
    // 3. render
    const { html, uploadIds } = await this.steps.render(
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
      await this.steps.queue(r, post.id, placement, verdict);
      if (uploadIds.length > 0) await this.steps.images?.attach(trx, post.id, uploadIds);
      if (published) await threadWentPublic(trx, this.reputation, thread, post);
      return { thread, post };
    });
    // 5. after commit: the triggers' search outbox rows and live events (written in the transaction) go out.
    return { ...result, category, outcome: outcome(placement, verdict) };
  }

  /**
   * `admitted`: the posting limit's verdict, counted beside the first reads (rate-limit.plugin.ts, `admission`).
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
    // The thread, its category, the post replied to, who hears of a reply (their notification settings, read
    // before the transaction rather than in it) and the post's reserved id in one statement, side by side with
    // the posting limit's count and the session's check: one round trip.
    const [context, , author] = await Promise.all([
      readReplyContext(this.db, threadId, input.replyTo, cached.id),
      admitted,
      checked,
    ]);
    const actor = authorize(author, 'post.reply');
    if (!context || !canSeeThread(actor, context.thread))
      throw new NotFoundError('thread.not_found', 'No such thread.');
    const { thread, category, replyTo, audience, reserved } = context;
    assertMayWrite(actor);
    await this.accounts?.assertMayPost(actor);
    this.steps.assertOpen(actor, thread);
    this.steps.validateBody(input.body, await this.steps.currentLimits());
    if (input.replyTo !== undefined && (!replyTo || replyTo.thread_id !== thread.id || replyTo.state === 'deleted')) {
      throw new UnprocessableError('post.reply_to_invalid', 'The post you reply to is not in this thread.', {
        field: 'replyTo',
      });
    }
    assertMayReply(actor, category);
    const { verdict, placement } = await this.steps.screen(actor, { body: input.body }, category);
    const { html, uploadIds } = await this.steps.render(
      actor,
      placement.masked ? mask(input.body, verdict.hits, 'body') : input.body,
      input,
    );
    const now = new Date();
    const published = placement.state === 'published';
    const sentiment = postSentiment(input.body);
    const values = {
      reply_to_id: replyTo?.id ?? null,
      body_md: input.body,
      body_html: html,
      sentiment,
      lang: textLanguage(input.body),
      state: placement.state,
      moderation: moderationNote(placement, verdict),
    };
    const claim = {
      id: reserved.id,
      threadId: thread.id,
      authorId: actor.id,
      at: now,
      visible: published,
      openOnly: !can(actor, 'thread.lock'),
    };
    const post = await this.db
      .transaction()
      .execute(async (trx) => {
        const r = repositories(trx);
        // Numbering the post takes the thread's row lock, on condition that the thread is still published (and
        // open, for whoever may not write in a locked thread). The author's reputation and who hears of the reply
        // follow it in the same round trip, naming the post by its reserved id (its number is the database's).
        // When the thread refuses the post, no row comes back (afterLead throws LeadWroteNothing) and what
        // followed is rolled back with it.
        const pending = { id: reserved.id, author_id: actor.id, number: null, reply_to_id: values.reply_to_id };
        const [claimed] = await afterLead(
          trx,
          r.posts.replyStatement(claim, values),
          (t) =>
            published
              ? this.reputation.replyPublished(t, pending, thread, {
                  countPost: true,
                  welcomes: reserved.authorsFirst && thread.author_id !== actor.id,
                })
              : Promise.resolve(),
          (t) =>
            published
              ? notifier.postPublished(t, { ...pending, body_md: values.body_md }, thread, {
                  parentAuthorId: replyTo?.author_id,
                  audience,
                })
              : Promise.resolve(),
        );
        const created = claimed.rows[0]!;
        await this.steps.queue(r, created.id, placement, verdict);
        if (uploadIds.length > 0) await this.steps.images?.attach(trx, created.id, uploadIds);
        return created;
      })
      .catch(async (err: unknown) => {
        if (!(err instanceof LeadWroteNothing)) throw err;
        const current = await this.steps.read.threads.getById(thread.id);
        if (current?.state === 'published') this.steps.assertOpen(actor, current);
        throw new NotFoundError('thread.not_found', 'No such thread.');
      });
    return { thread, post, outcome: outcome(placement, verdict) };
  }

  edit(actorOrNull: Actor | null, postId: number, input: { body?: string; title?: string }) {
    return this.edits.edit(actorOrNull, postId, input);
  }

  /** Soft delete: the text stays in the database (and in the revisions) but no longer shows. */
  remove(actorOrNull: Actor | null, postId: number) {
    return this.edits.remove(actorOrNull, postId);
  }
}
