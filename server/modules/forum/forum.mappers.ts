import { type Actor, can } from '../../access/access.ts';
import { canStartIn } from '../../access/posting.ts';
import { canSeePostContent, type Viewer } from '../../access/visibility.ts';
import type { Category, Thread, ThreadKind } from '../../db/types.ts';
import type { PostPageRow, ThreadDetailRow, ThreadListRow } from '../../content/index.ts';
import { avatarUrl, MEDIA_PREFIX } from '../../lib/media.ts';

/** Database rows → the JSON the API promises (camelCase, ISO dates). */

/** A category as the API shows it; `canStart` says whether the reader may start a thread there. */
export function toCategory(c: Category, viewer: Pick<Actor, 'role' | 'trustLevel'> | null = null) {
  return {
    id: c.id,
    slug: c.slug,
    name: c.name,
    description: c.description,
    nameEn: c.name_en,
    descriptionEn: c.description_en,
    icon: c.icon,
    parentId: c.parent_id,
    color: c.color,
    position: c.position,
    moderationMode: c.moderation_mode,
    bypassTrustLevel: c.bypass_trust_level,
    startLevel: c.start_level,
    replyLevel: c.reply_level,
    seeLevel: c.see_level,
    kinds: (c.kinds as ThreadKind[] | null) ?? null,
    archived: c.archived_at !== null,
    canStart: canStartIn(viewer, c),
    threadCount: c.thread_count,
    postCount: c.post_count,
  };
}

export function toThreadListItem(t: ThreadListRow) {
  return {
    id: t.id,
    title: t.title,
    kind: t.kind,
    pinned: t.pinned,
    featured: t.featured,
    official: t.official,
    locked: t.locked,
    answered: t.accepted_post_id !== null,
    replyCount: t.reply_count,
    score: t.score,
    createdAt: t.created_at.toISOString(),
    lastPostAt: t.last_post_at.toISOString(),
    category: {
      id: t.category_id,
      slug: t.category_slug,
      name: t.category_name,
      nameEn: t.category_name_en,
      icon: t.category_icon,
      color: t.category_color,
      seeLevel: t.category_see_level,
    },
    author: {
      id: t.author_id,
      username: t.author_username,
      displayName: t.author_display_name,
      avatar: avatarUrl(t.author_avatar_key),
    },
    lastPoster: t.last_poster_username,
    thumbnail: t.thumbnail_path ? `${MEDIA_PREFIX}${t.thumbnail_path}` : null,
    tags: t.tags,
  };
}

export function toThread(t: ThreadDetailRow | (Thread & Partial<ThreadDetailRow>)) {
  return {
    id: t.id,
    title: t.title,
    kind: t.kind,
    state: t.state,
    publishAt: t.state === 'scheduled' && t.publish_at ? t.publish_at.toISOString() : null,
    bugReport: t.bug_report,
    pinned: t.pinned,
    featured: t.featured,
    official: t.official,
    locked: t.locked,
    acceptedPostId: t.accepted_post_id,
    postCount: t.post_count,
    replyCount: t.reply_count,
    score: t.score,
    createdAt: t.created_at.toISOString(),
    lastPostAt: t.last_post_at.toISOString(),
    category: {
      id: t.category_id,
      slug: t.category_slug ?? '',
      name: t.category_name ?? '',
      nameEn: t.category_name_en ?? null,
      icon: t.category_icon ?? null,
      color: t.category_color ?? '',
      seeLevel: t.category_see_level ?? undefined,
      parent:
        t.parent_id == null
          ? null
          : { id: t.parent_id, slug: t.parent_slug ?? '', name: t.parent_name ?? '', nameEn: t.parent_name_en ?? null },
    },
    author: {
      id: t.author_id,
      username: t.author_username ?? '',
      displayName: t.author_display_name ?? '',
      avatar: avatarUrl(t.author_avatar_key),
    },
  };
}

/** A removed post keeps its place in the thread but shows no content to those who may not see it. */
export function toPost(
  p: PostPageRow,
  viewer: Viewer,
  reacted: { liked: boolean; markedHelpful: boolean } = { liked: false, markedHelpful: false },
) {
  // Its author still sees a held, refused or hidden post (to fix it); moderators see everything but deletions.
  const visible = canSeePostContent(viewer, p);
  const canSeeHidden = can(viewer, 'post.view_hidden');
  return {
    id: p.id,
    number: p.number,
    state: p.state,
    html: visible ? p.body_html : '',
    lang: visible ? p.lang : null,
    likeCount: p.like_count,
    helpfulCount: p.helpful_count,
    editCount: p.edit_count,
    editedAt: p.edited_at?.toISOString() ?? null,
    createdAt: p.created_at.toISOString(),
    replyTo: p.parent_id === null ? null : { id: p.parent_id, number: p.parent_number!, username: p.parent_username! },
    // Why a post is held, refused or hidden: for its author and the moderators only.
    review: p.moderation && (canSeeHidden || p.author_id === viewer?.id) ? p.moderation : null,
    author: {
      id: p.author_id,
      username: p.author_username,
      displayName: p.author_display_name,
      avatar: avatarUrl(p.author_avatar_key),
      role: p.author_role,
      trustLevel: p.author_trust_level,
      reputation: p.author_reputation,
      topBadge: p.author_badge
        ? { key: p.author_badge.key, tier: p.author_badge.tier, name: { fr: p.author_badge.fr, en: p.author_badge.en } }
        : null,
    },
    // The reader's own flags last: a cached page's post becomes a member's by its last bytes (page-json.ts).
    liked: reacted.liked,
    markedHelpful: reacted.markedHelpful,
  };
}
