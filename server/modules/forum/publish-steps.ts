import { type Actor, can } from '../../access/access.ts';
import type { Config } from '../../config.ts';
import type { Db, Executor } from '../../db/kysely.ts';
import type { Category, Thread } from '../../db/types.ts';
import { ForbiddenError, UnprocessableError } from '../../lib/errors.ts';
import { renderOffLoop } from '../../lib/cpu-pool.ts';
import { assertRenderable, findMentions, type ImageMap, showsSomething } from '../../lib/markdown.ts';
import { assertLength } from '../../lib/text.ts';
import { CategoriesRepository, MembersRepository, PostsRepository, ThreadsRepository } from '../../content/index.ts';
import {
  ModerationRepository,
  type ModerationSettingsStore,
  place,
  type Placement,
  recordedHits,
  refuseIfRejected,
} from '../moderation/index.ts';
import { NetiquetteRepository, type NetiquetteService, type Verdict } from '../netiquette/index.ts';

/**
 * The publish pipeline's steps that new threads, replies and edits share (publish.ts, post-edits.ts): the
 * lengths, the screening (step 2), the rendering (step 3) and the moderation queue's item.
 */

export function repositories(db: Executor) {
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

export const outcome = (placement: Placement, verdict: Verdict): Outcome => ({
  state: placement.state,
  action: verdict.action,
  hits: verdict.hits,
});

/** Kept with a held post so that its author sees why (the hits, in both languages). */
export const moderationNote = (placement: Placement, verdict: Verdict) =>
  placement.state === 'published' && placement.reasons.length === 0
    ? null
    : JSON.stringify({ reasons: placement.reasons, hits: recordedHits(verdict.hits) });

export type Limits = Pick<Config['limits'], 'titleMin' | 'titleMax' | 'bodyMin' | 'bodyMax'>;
/**
 * The images a post names (server/modules/uploads, given by app.ts): made ours before rendering (external ones
 * downloaded), and linked to the post in its transaction (who may see an image follows its posts).
 */
export interface PostImages {
  resolve(actor: Actor, markdown: string): Promise<{ images: ImageMap; uploadIds: number[] }>;
  attach(trx: Executor, postId: number, uploadIds: readonly number[]): Promise<void>;
}

export class PublishSteps {
  readonly read: ReturnType<typeof repositories>;

  constructor(
    readonly db: Db,
    /** The lengths posts must keep: fixed (tests), or the community's live settings. */
    private readonly limits: Limits | { get(): Promise<Limits> },
    private readonly netiquette: NetiquetteService,
    private readonly moderationSettings: ModerationSettingsStore,
    private readonly random: () => number,
    readonly images?: PostImages,
  ) {
    this.read = repositories(db);
  }

  async currentLimits(): Promise<Limits> {
    return 'get' in this.limits ? this.limits.get() : this.limits;
  }

  validateBody(body: string, limits: Limits): void {
    assertLength('body', body, limits.bodyMin, limits.bodyMax);
    assertRenderable('body', body);
  }

  assertOpen(actor: Actor, thread: Thread): void {
    if (thread.locked && !can(actor, 'thread.lock')) {
      throw new ForbiddenError('thread.locked', 'This thread is locked: no new replies.');
    }
  }

  /**
   * Step 2: the netiquette's verdict (refused posts stop here, with their text), raised by the category's
   * moderation mode.
   */
  async screen(
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
  async queue(r: ReturnType<typeof repositories>, postId: number, placement: Placement, verdict: Verdict) {
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
  async render(actor: Actor, body: string, text: { title?: string; body: string }) {
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
