import { type Actor, can } from '../../access/access.ts';
import { canSeeCategory, canSeeThread } from '../../access/visibility.ts';
import { CategoriesRepository, ThreadsRepository } from '../../content/index.ts';
import type { Db } from '../../db/kysely.ts';
import { mayFollowConversation } from '../messages/index.ts';

const TOPIC = /^(?:(thread|category|conversation):([1-9]\d{0,9})|queue|me)$/;
const MAX_ID = 2_147_483_647;

/** Who may follow which live topic. */
export class LiveTopics {
  private readonly categories: CategoriesRepository;
  private readonly threads: ThreadsRepository;

  constructor(private readonly db: Db) {
    this.categories = new CategoriesRepository(db);
    this.threads = new ThreadsRepository(db);
  }

  /** May this actor follow this topic? `me` becomes the member's own topic. */
  async resolve(actor: Actor | null, topic: string): Promise<{ topic: string } | { denied: string }> {
    // Checked in full before any query: an id past int32 would otherwise reach PostgreSQL and fail there.
    const parts = TOPIC.exec(topic);
    if (!parts || (parts[2] !== undefined && Number(parts[2]) > MAX_ID)) return { denied: 'topic.unknown' };
    if (topic === 'me') return actor ? { topic: `member:${actor.id}` } : { denied: 'auth.required' };
    if (topic === 'queue')
      return can(actor, 'moderation.queue') ? { topic } : { denied: actor ? 'access.denied' : 'auth.required' };
    const kind = parts[1] as 'thread' | 'category' | 'conversation';
    const id = Number(parts[2]);
    if (kind === 'conversation') {
      // Its participants (and the team for a conversation with the team); to anyone else it does not exist.
      return actor && (await mayFollowConversation(this.db, actor, id))
        ? { topic }
        : { denied: actor ? 'conversation.not_found' : 'auth.required' };
    }
    if (kind === 'category') {
      // A category the actor may not see does not exist for them, live or not.
      const category = await this.categories.getSettings(id);
      return category && canSeeCategory(actor, category) ? { topic } : { denied: 'category.not_found' };
    }
    const thread = await this.threads.getVisibility(id);
    // Whoever may open the thread (forum's GET /api/threads/:id) may follow it, and nobody else.
    return thread && canSeeThread(actor, thread) ? { topic } : { denied: 'thread.not_found' };
  }
}
