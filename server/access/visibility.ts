import type { PostState, Role, SeeLevel, ThreadState } from '../db/types.ts';
import { type Actor, can } from './access.ts';
import { meetsLevel } from './posting.ts';

/**
 * Who may see what: the one rule every read path applies (the thread page, its posts, live topics, the idea
 * panel, search, notifications, profiles, and the server-rendered pages to come). Pure functions: a repository
 * lists with `LISTED_THREAD_STATE`, a service decides with these.
 *
 * - A **thread** opens for everyone when published; a held one (`pending`) also for its author; every state
 *   (scheduled, hidden, deleted too) for staff holding `post.view_hidden`. Anyone else gets 404, as if it did
 *   not exist.
 * - **Lists** (category pages, latest, home, the ideas board, profiles) show published threads only, to
 *   everyone; **search** also finds held and hidden posts for staff, marked with their state.
 * - A **post**'s content shows when published; a held, refused or hidden one to its author and staff; a
 *   deleted one to nobody. Held and refused posts do not even take a place in the thread for others.
 * - A **category** says who may see it (`see_level`: visitors, members, trust level N, staff). Everything above
 *   applies only inside the categories the viewer may see: a thread of a category they may not see answers 404
 *   like one that does not exist, to its author too, and lists, search, feeds and live topics leave it out.
 *   Lists filter by the viewer's visible levels (`seeLevelsOf`): a handful of classes, so a list or page kept for
 *   visitors is still one entry, and one shared by every viewer of a class. Counts kept for everyone (a member's
 *   posts, a tag's threads, leaderboard points, the bell's unread count) subtract, per viewer, what lies in the
 *   categories they may not see (`inHiddenCategory` in content/seen.ts).
 * - A member's **private data** (e-mail, notification preferences, what a data export holds) is for
 *   themselves and for staff who manage members.
 */

/** Who looks: a visitor (null), or a member (only their id, role and trust level matter here). */
export type Viewer = Pick<Actor, 'id' | 'role' | 'trustLevel'> | null | undefined;

/** Every see level, from the widest (`visitor`) to the narrowest (`staff`). */
export const SEE_LEVELS = [
  'visitor',
  'member',
  'trust_1',
  'trust_2',
  'trust_3',
  'trust_4',
  'staff',
] as const satisfies readonly SeeLevel[];

/** A level's place, widest first: who may see at level N may see at every level below N too. */
export const levelRank = (level: SeeLevel): number => SEE_LEVELS.indexOf(level);

/** May this viewer see the category (its threads, posts and lists)? */
export function canSeeCategory(viewer: Viewer, category: { see_level: SeeLevel }): boolean {
  return category.see_level === 'visitor' || meetsLevel(viewer ?? null, category.see_level);
}

/** The see levels of the categories this viewer may see: what a list filters on, one array per viewer class. */
export function seeLevelsOf(viewer: Viewer): SeeLevel[] {
  return SEE_LEVELS.filter((level) => canSeeCategory(viewer, { see_level: level }));
}

/** Does the viewer see every category (so a list needs no filter)? */
export const seesEverything = (viewer: Viewer): boolean => canSeeCategory(viewer, { see_level: 'staff' });

/** The only state lists show. */
export const LISTED_THREAD_STATE = 'published' satisfies ThreadState;

/** Search documents carry one of these (migration 0007's `agora_search_visibility`; `gone` is never found). */
export type SearchVisibility = 'published' | 'pending' | 'hidden';

/** May this viewer open the thread? A thread they may not see answers 404, like one that does not exist. */
export function canSeeThread(
  viewer: Viewer,
  thread: { state: ThreadState; author_id: number; see_level: SeeLevel },
): boolean {
  if (!canSeeCategory(viewer, thread)) return false;
  if (thread.state === 'published') return true;
  if (can(viewer, 'post.view_hidden')) return true;
  return thread.state === 'pending' && viewer?.id === thread.author_id;
}

/** Is the thread shown in lists? The same for every viewer, so that lists can be cached and paged alike. */
export function isListed(thread: { state: ThreadState }): boolean {
  return thread.state === LISTED_THREAD_STATE;
}

/** May this viewer read the post's content (in a thread they may see)? */
export function canSeePostContent(viewer: Viewer, post: { state: PostState; author_id: number }): boolean {
  if (post.state === 'published') return true;
  return post.state !== 'deleted' && (can(viewer, 'post.view_hidden') || viewer?.id === post.author_id);
}

/** May this viewer read the post: its thread, then its content? */
export function canSeePost(
  viewer: Viewer,
  post: { state: PostState; author_id: number },
  thread: { state: ThreadState; author_id: number; see_level: SeeLevel },
): boolean {
  return canSeeThread(viewer, thread) && canSeePostContent(viewer, post);
}

/**
 * Does the post take its place in the thread page (its content shown or not, see `canSeePostContent`)? A post
 * waiting for review, or refused, exists only for its author and staff: no gap, no hint.
 */
export function hasPlaceInThread(viewer: Viewer, post: { state: PostState; author_id: number }): boolean {
  return (
    (post.state !== 'pending' && post.state !== 'rejected') ||
    can(viewer, 'post.view_hidden') ||
    viewer?.id === post.author_id
  );
}

/** Staff find held and hidden posts in search too (the search port's `includeHidden`). */
export function findsUnpublished(viewer: Viewer): boolean {
  return can(viewer, 'post.view_hidden');
}

/** The search documents a request finds, by its `includeHidden` (`findsUnpublished` of the viewer). */
export function searchVisibilities(includeHidden: boolean): SearchVisibility[] {
  return includeHidden ? ['published', 'pending', 'hidden'] : ['published'];
}

/** May this viewer see the member's private data (e-mail, notification preferences, a data export)? */
export function canSeeMemberPrivate(viewer: Viewer, memberId: number): boolean {
  return viewer?.id === memberId || can(viewer, 'members.manage');
}

/** A member as a viewer, from the row a recipient list reads (notifications go to who may see their cause). */
export const viewerOf = (member: { id: number; role: Role; trust_level: number }): Viewer => ({
  id: member.id,
  role: member.role,
  trustLevel: member.trust_level,
});
