import type { Insertable, Selectable, Updateable } from 'kysely';
import type {
  Badges,
  Categories,
  CategoryTracking,
  DB,
  Members,
  ModerationItems,
  NetiquetteRules,
  Posts,
  Threads,
} from './schema.ts';

/**
 * The names the code uses for the generated database types (server/db/schema.ts, `npm run generate`). The value
 * sets come from the columns' CHECK constraints, so a migration that changes one changes these.
 */
export type Database = DB;
export type { Categories as CategoriesTable, Members as MembersTable, Posts as PostsTable, Threads as ThreadsTable };

export type Role = Selectable<Members>['role'];
export type Locale = Selectable<Members>['locale'];
export type ThreadKind = Selectable<Threads>['kind'];
export type ThreadState = Selectable<Threads>['state'];
export type IdeaStatus = Selectable<Threads>['idea_status'];
export type PostState = Selectable<Posts>['state'];
export type ModerationMode = Selectable<Categories>['moderation_mode'];
export type ReactionKind = 'like' | 'helpful';
export type ModerationAction = Selectable<NetiquetteRules>['action'];
export type ModerationReason = Selectable<ModerationItems>['reasons'][number];
export type BadgeTier = Selectable<Badges>['tier'];
/** How closely a member follows a thread or category: watching > tracking > normal > muted. */
export type TrackingLevel = Selectable<CategoryTracking>['level'];

export type Member = Selectable<Members>;
export type NewMember = Insertable<Members>;
export type MemberUpdate = Updateable<Members>;
/** A category as the repository reads it: with its counts, summed over their shards. */
export type Category = Selectable<Categories> & { thread_count: number; post_count: number };
export type Thread = Selectable<Threads>;
export type Post = Selectable<Posts>;
/** Who may start threads or reply in a category: members, members from a trust level up, or staff. */
export type PostingLevel = Selectable<Categories>['start_level'];
/** Who may see a category: everyone (visitors), or one of the posting levels up. */
export type SeeLevel = Selectable<Categories>['see_level'];
