import { sql } from 'kysely';
import { LISTED_THREAD_STATE } from '../../access/visibility.ts';
import type { Db } from '../../db/kysely.ts';
import type { SeeLevel } from '../../db/types.ts';
import { inSeenCategory } from '../../content/index.ts';

/** The home page's threads: featured ones, the latest announcement, and the announcements members dismissed. */
export class HomeRepository {
  constructor(private readonly db: Db) {}

  private base(seeLevels: readonly SeeLevel[]) {
    return this.db
      .selectFrom('threads as t')
      .innerJoin('categories as c', 'c.id', 't.category_id')
      .innerJoin('members as m', 'm.id', 't.author_id')
      .select([
        't.id',
        't.title',
        't.kind',
        't.official',
        't.reply_count',
        't.created_at',
        'c.slug',
        'c.name',
        'c.color',
        'm.username',
      ])
      .where('t.state', '=', LISTED_THREAD_STATE)
      .where(inSeenCategory('t.category_id', seeLevels));
  }

  featured(limit: number, seeLevels: readonly SeeLevel[]) {
    return this.base(seeLevels).where('t.featured', '=', true).orderBy('t.last_post_at', 'desc').limit(limit).execute();
  }

  /** The newest announcement of the last 30 days, unless this member dismissed it. */
  latestAnnouncement(memberId: number | undefined, seeLevels: readonly SeeLevel[]) {
    let announcement = this.base(seeLevels)
      .where('t.kind', '=', 'announcement')
      .where('t.created_at', '>=', sql<Date>`now() - interval '30 days'`);
    if (memberId !== undefined) {
      announcement = announcement.where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('announcement_dismissals as d')
              .select('d.thread_id')
              .whereRef('d.thread_id', '=', 't.id')
              .where('d.member_id', '=', memberId),
          ),
        ),
      );
    }
    return announcement.orderBy('t.created_at', 'desc').limit(1).executeTakeFirst();
  }

  async dismiss(memberId: number, threadId: number): Promise<void> {
    await this.db
      .insertInto('announcement_dismissals')
      .values({ member_id: memberId, thread_id: threadId })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

export type HomeThreadRow = Awaited<ReturnType<HomeRepository['featured']>>[number];
