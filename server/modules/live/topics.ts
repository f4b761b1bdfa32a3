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

  /**
   * Who may still follow the thread and category topics followed now (rights change: a category becomes
   * private, a thread moves, is hidden): two statements for every topic of the node, then a check per socket.
   */
  async recheck(topics: ReadonlySet<string>): Promise<(actor: Actor | null, topic: string) => boolean> {
    const ids = (kind: string) =>
      [...topics].filter((t) => t.startsWith(`${kind}:`)).map((t) => Number(t.slice(kind.length + 1)));
    const threadIds = ids('thread');
    const [heads, categories] = await Promise.all([
      threadIds.length ? this.threads.getHeads(threadIds) : Promise.resolve([]),
      ids('category').length ? this.categories.list() : Promise.resolve([]),
    ]);
    const thread = new Map(heads.map((h) => [`thread:${h.id}`, h]));
    const category = new Map(categories.map((c) => [`category:${c.id}`, c]));
    return (actor, topic) => {
      if (topic.startsWith('thread:')) {
        const head = thread.get(topic);
        return head !== undefined && canSeeThread(actor, head);
      }
      if (topic.startsWith('category:')) {
        const c = category.get(topic);
        return c !== undefined && canSeeCategory(actor, c);
      }
      return true;
    };
  }
}
