import { type Actor, assertMayWrite, authorize } from '../../access/access.ts';
import { canSeeThread } from '../../access/visibility.ts';
import { PostsRepository, ThreadsRepository } from '../../content/index.ts';
import type { Db } from '../../db/kysely.ts';
import { ForbiddenError, NotFoundError, UnprocessableError } from '../../lib/errors.ts';
import { EmojiReactionsRepository } from './emoji.repository.ts';
import type { SocialSettingsStore } from './social.settings.ts';
import type { Forget } from './visitor-cache.ts';

/**
 * Emoji reactions: a member's quick answer to a post, from the set community managers choose. Unlike likes and
 * helpful marks (forum's ReactionsService) they earn no reputation, so they cannot be farmed for trust levels.
 */
export class EmojiReactionsService {
  private readonly posts: PostsRepository;
  private readonly threads: ThreadsRepository;
  private readonly reactions: EmojiReactionsRepository;

  constructor(
    private readonly db: Db,
    private readonly settings: SocialSettingsStore,
    private readonly visitors: Forget,
  ) {
    this.posts = new PostsRepository(db);
    this.threads = new ThreadsRepository(db);
    this.reactions = new EmojiReactionsRepository(db);
  }

  private async visiblePost(actor: Actor | null, postId: number) {
    const post = await this.posts.getById(postId);
    const thread = post && (await this.threads.getById(post.thread_id));
    if (!post || !thread || !canSeeThread(actor, thread) || post.state !== 'published') {
      throw new NotFoundError('post.not_found', 'No such post.');
    }
    return post;
  }

  /** Adds or removes the actor's reaction (idempotent both ways); answers the emoji's new count. */
  async react(actorOrNull: Actor | null, postId: number, emoji: string, on: boolean) {
    const actor = authorize(actorOrNull, 'post.react');
    const post = await this.visiblePost(actor, postId);
    assertMayWrite(actor);
    if (on) {
      const { reactions } = await this.settings.get();
      if (!reactions.includes(emoji)) {
        throw new UnprocessableError('reaction.emoji_not_allowed', 'This emoji is not one of the reactions offered.', {
          allowed: reactions,
        });
      }
      if (post.author_id === actor.id) {
        throw new ForbiddenError('reaction.own_post', 'You cannot react to your own post.');
      }
      await this.reactions.add(post.id, actor.id, emoji);
    } else {
      await this.reactions.remove(post.id, actor.id, emoji);
    }
    this.visitors.forget(post.thread_id);
    return { postId: post.id, emoji, count: await this.reactions.count(post.id, emoji), mine: on };
  }

  async forThread(actor: Actor | null, threadId: number) {
    const rows = await this.reactions.forThread(threadId, actor?.id ?? null);
    return rows.map((r) => ({ postId: r.postId, emoji: r.emoji, count: Number(r.count), mine: r.mine }));
  }

  /** Who reacted: names as profiles show them, at most 100. */
  async members(actor: Actor | null, postId: number, emoji: string) {
    const post = await this.visiblePost(actor, postId);
    return { members: await this.reactions.members(post.id, emoji, 100) };
  }
}
