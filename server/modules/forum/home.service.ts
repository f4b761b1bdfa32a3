import { type Actor, authorize } from '../../access/access.ts';
import { canSeeThread, isListed, seeLevelsOf } from '../../access/visibility.ts';
import { ThreadsRepository } from '../../content/index.ts';
import type { Db } from '../../db/kysely.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { HomeRepository, type HomeThreadRow } from './home.repository.ts';

const toItem = (r: HomeThreadRow) => ({
  id: r.id,
  title: r.title,
  kind: r.kind,
  official: r.official,
  replyCount: r.reply_count,
  createdAt: r.created_at.toISOString(),
  category: { slug: r.slug, name: r.name, color: r.color },
  author: { username: r.username },
});

/**
 * What the home page puts first: threads community managers featured, and the latest announcement (30 days)
 * that the member has not dismissed. Visitors dismiss in their browser.
 */
export class HomeService {
  private readonly home: HomeRepository;
  private readonly threads: ThreadsRepository;

  constructor(db: Db) {
    this.home = new HomeRepository(db);
    this.threads = new ThreadsRepository(db);
  }

  async get(actor: Actor | null) {
    const seeLevels = seeLevelsOf(actor);
    const [featured, latest] = await Promise.all([
      this.home.featured(6, seeLevels),
      this.home.latestAnnouncement(actor?.id, seeLevels),
    ]);
    return { featured: featured.map(toItem), announcement: latest ? toItem(latest) : null };
  }

  async dismiss(actorOrNull: Actor | null, threadId: number) {
    const actor = authorize(actorOrNull, 'post.reply');
    const thread = await this.threads.getHead(threadId);
    if (!thread || thread.kind !== 'announcement' || !isListed(thread) || !canSeeThread(actor, thread))
      throw new NotFoundError('thread.not_found', 'No such announcement.');
    await this.home.dismiss(actor.id, threadId);
    return { dismissed: true };
  }
}
