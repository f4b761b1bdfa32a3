import { CategoriesRepository, MembersRepository } from '../../content/index.ts';
import type { Trx } from '../../db/kysely.ts';
import { sideBySide } from '../../db/side-by-side.ts';
import type { Post, Thread } from '../../db/types.ts';
import { notifier } from '../notifications/index.ts';
import type { ReputationService } from '../reputation/index.ts';

/**
 * What a new thread's publication brings, now or when its scheduled time comes (scheduler.ts): the author's
 * post count, reputation and badges, mentions, and the category's counters — last, because that one row is
 * shared by every post of the category and its lock is then held only until the commit.
 */
export async function threadWentPublic(
  trx: Trx,
  reputation: ReputationService,
  thread: Thread,
  post: Post,
): Promise<void> {
  // The author's figures (their post count, then trust and badges) beside the notifications (side-by-side.ts).
  await sideBySide(
    trx,
    async (t) => {
      await new MembersRepository(t).addPostCount(thread.author_id, 1);
      await reputation.refresh(t, [thread.author_id]);
    },
    (t) => notifier.postPublished(t, post, thread),
  );
  await new CategoriesRepository(trx).addCounts(thread.category_id, { threads: 1, posts: 1 });
}
