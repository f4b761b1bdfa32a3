import { CategoriesRepository, MembersRepository } from '../../content/index.ts';
import type { Executor } from '../../db/kysely.ts';
import type { Post, Thread } from '../../db/types.ts';
import { notifier } from '../notifications/index.ts';
import type { ReputationService } from '../reputation/index.ts';

/**
 * What a new thread's publication brings, now or when its scheduled time comes (scheduler.ts): the author's
 * post count, reputation and badges, mentions, and the category's counters — last, because that one row is
 * shared by every post of the category and its lock is then held only until the commit.
 */
export async function threadWentPublic(
  trx: Executor,
  reputation: ReputationService,
  thread: Thread,
  post: Post,
): Promise<void> {
  await new MembersRepository(trx).addPostCount(thread.author_id, 1);
  await reputation.refresh(trx, [thread.author_id]);
  await notifier.postPublished(trx, post, thread);
  await new CategoriesRepository(trx).addCounts(thread.category_id, { threads: 1, posts: 1 });
}
