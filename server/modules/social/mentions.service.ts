import { canSeeThread } from '../../access/visibility.ts';
import { ThreadsRepository } from '../../content/index.ts';
import { type Actor, assertMayWrite, authorize, can, requireActor } from '../../access/access.ts';
import type { Db } from '../../db/kysely.ts';
import { skeleton } from '../../lib/confusables.ts';
import { MentionsRepository } from './mentions.repository.ts';

/** @mention suggestions for the composer: public names only (what a profile shows), 8 at most. */
export class MentionsService {
  private readonly mentions: MentionsRepository;
  private readonly threads: ThreadsRepository;

  constructor(db: Db) {
    this.mentions = new MentionsRepository(db);
    this.threads = new ThreadsRepository(db);
  }

  /**
   * Members only (401 for visitors), so that the member list cannot be walked anonymously. `for: 'message'`
   * suggests recipients of a private message: only for who may send one (a suspended member gets 403), and
   * without the members who would refuse it or whom the sender ignores.
   */
  async suggest(actorOrNull: Actor | null, query: { q: string; threadId?: number; for?: 'message' }) {
    const actor = query.for === 'message' ? authorize(actorOrNull, 'message.send') : requireActor(actorOrNull);
    if (query.for === 'message') assertMayWrite(actor);
    const prefix = query.q.normalize('NFC').replace(/^@/u, '').trim();
    if (prefix === '') return { members: [] };
    // Who wrote in a thread the member may not see is not told: its participants are not put first.
    const thread = query.threadId === undefined ? undefined : await this.threads.getVisibility(query.threadId);
    const visible = thread && canSeeThread(actor, thread) ? thread : undefined;
    const threadId = visible ? query.threadId : undefined;
    const rows = await this.mentions.suggest({
      prefix,
      skeleton: skeleton(prefix),
      threadId,
      seeLevel: visible?.see_level,
      excludeId: actor.id,
      recipientsOf:
        query.for === 'message' ? { senderId: actor.id, staff: can(actor, 'message.staff_read') } : undefined,
      limit: 8,
    });
    return { members: rows };
  }
}
