import { type Actor, authorize } from '../../access/access.ts';
import { canSeeThread } from '../../access/visibility.ts';
import { ThreadsRepository } from '../../content/index.ts';
import type { Db } from '../../db/kysely.ts';
import { AuditRepository } from '../../events/audit.repository.ts';
import { NotFoundError, UnprocessableError } from '../../lib/errors.ts';
import type { EmojiReactionsService } from './emoji.service.ts';
import type { PollsService } from './polls.service.ts';
import { isEmoji, type SocialSettings, type SocialSettingsStore } from './social.settings.ts';
import type { TagsService } from './tags.service.ts';
import type { VisitorCache } from './visitor-cache.ts';

/**
 * What the thread page adds to its posts, in one request after the page itself: emoji reactions, polls and tags
 * (kept out of the cached thread read, so that the read budget does not move).
 */
export class SocialService {
  private readonly threads: ThreadsRepository;

  constructor(
    private readonly db: Db,
    private readonly settings: SocialSettingsStore,
    private readonly emoji: EmojiReactionsService,
    private readonly polls: PollsService,
    private readonly tags: TagsService,
    private readonly visitors: VisitorCache<Awaited<ReturnType<SocialService['read']>>>,
  ) {
    this.threads = new ThreadsRepository(db);
  }

  async forThread(actor: Actor | null, threadId: number) {
    const thread = await this.threads.getById(threadId);
    if (!thread || !canSeeThread(actor, thread)) throw new NotFoundError('thread.not_found', 'No such thread.');
    // Visitors all see the same summary: kept briefly per node (see VisitorCache).
    return actor ? this.read(actor, thread.id) : this.visitors.get(thread.id, () => this.read(null, thread.id));
  }

  private async read(actor: Actor | null, threadId: number) {
    const thread = { id: threadId };
    const [settings, reactions, polls, tags] = await Promise.all([
      this.settings.get(),
      this.emoji.forThread(actor, thread.id),
      this.polls.forThread(actor, thread.id),
      this.tags.forThread(thread.id),
    ]);
    return { reactionSet: settings.reactions, reactions, polls, tags };
  }

  getSettings() {
    return this.settings.get();
  }

  /** Community managers change the emoji set and the tag limits (audited with the values before). */
  async updateSettings(actorOrNull: Actor | null, patch: Partial<SocialSettings>) {
    const actor = authorize(actorOrNull, 'social.settings');
    if (patch.reactions) {
      const bad = patch.reactions.filter((e) => !isEmoji(e));
      if (bad.length > 0 || new Set(patch.reactions).size !== patch.reactions.length) {
        throw new UnprocessableError('settings.reactions', 'Each reaction is one emoji, each once.', {
          field: 'reactions',
          invalid: bad,
        });
      }
    }
    const before = await this.settings.get();
    const after = await this.db.transaction().execute(async (trx) => {
      await new AuditRepository(trx).record({
        actorId: actor.id,
        action: 'social.settings_changed',
        subjectType: 'site',
        subjectId: 'social',
        data: { from: before, to: { ...before, ...patch } },
      });
      return this.settings.set(patch);
    });
    this.visitors.forget();
    return after;
  }
}
