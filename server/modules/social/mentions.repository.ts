import { sql } from 'kysely';
import type { Executor } from '../../db/kysely.ts';
import type { SeeLevel } from '../../db/types.ts';

/**
 * Whether a member meets a restricted category's see level, in SQL over `members` (as `canSeeCategory` decides);
 * undefined when every member does.
 */
function seesLevel(level: SeeLevel | undefined) {
  if (level === undefined || level === 'visitor' || level === 'member') return undefined;
  if (level === 'staff') return sql<boolean>`members.role <> 'member'`;
  return sql<boolean>`(members.role <> 'member' OR members.trust_level >= ${Number(level.slice('trust_'.length))})`;
}

/** Members who can be mentioned, found by prefix (indexed in migration 0034). */
export class MentionsRepository {
  constructor(private readonly db: Executor) {}

  /**
   * Up to `limit` members whose username, display name or username skeleton starts with the prefix; those who
   * may see the thread first (a restricted category), then those who wrote in it, then the most recently seen. Anonymised and banned accounts are never offered.
   */
  suggest(options: {
    prefix: string;
    skeleton: string;
    threadId?: number;
    /** The thread's category see level: who may see the thread comes first. */
    seeLevel?: SeeLevel;
    excludeId?: number;
    /**
     * Recipients of a private message from this member: those who ignore them (unless the sender is staff, whom
     * no one can refuse) and those they ignore are left out.
     */
    recipientsOf?: { senderId: number; staff: boolean };
    limit: number;
  }) {
    const like = `${options.prefix.toLowerCase().replace(/[\\%_]/gu, '\\$&')}%`;
    const skeletonLike = `${options.skeleton.replace(/[\\%_]/gu, '\\$&')}%`;
    const threadId = options.threadId ?? 0;
    return this.db
      .selectFrom('members')
      .select([
        'members.username',
        'members.display_name as displayName',
        sql<boolean>`EXISTS (SELECT 1 FROM posts p WHERE p.thread_id = ${threadId} AND p.author_id = members.id AND p.state = 'published')`.as(
          'participant',
        ),
      ])
      .where((eb) =>
        eb.or([
          eb(sql`lower(members.username::text)`, 'like', like),
          eb(sql`lower(members.display_name)`, 'like', like),
          eb('members.username_skeleton', 'like', skeletonLike),
        ]),
      )
      .where('members.anonymised_at', 'is', null)
      .where('members.banned_at', 'is', null)
      .$if(options.excludeId !== undefined, (q) => q.where('members.id', '!=', options.excludeId!))
      .$if(options.recipientsOf !== undefined, (q) =>
        q.where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('member_ignores as i')
                .select('i.member_id')
                .where((eb) =>
                  eb.or([
                    eb.and([
                      eb('i.member_id', '=', options.recipientsOf!.senderId),
                      eb('i.ignored_id', '=', eb.ref('members.id')),
                    ]),
                    ...(options.recipientsOf!.staff
                      ? []
                      : [
                          eb.and([
                            eb('i.member_id', '=', eb.ref('members.id')),
                            eb('i.ignored_id', '=', options.recipientsOf!.senderId),
                          ]),
                        ]),
                  ]),
                ),
            ),
          ),
        ),
      )
      .$if(seesLevel(options.seeLevel) !== undefined, (q) => q.orderBy(seesLevel(options.seeLevel)!, 'desc'))
      .orderBy(sql`participant`, 'desc')
      .orderBy(sql`members.last_seen_at DESC NULLS LAST`)
      .orderBy('members.username')
      .limit(options.limit)
      .execute();
  }
}
