import type { Member } from '../../db/types.ts';
import { avatarUrl } from '../../lib/media.ts';

export function toPublicMember(m: Member) {
  return {
    id: m.id,
    username: m.username,
    displayName: m.display_name,
    bio: m.bio,
    role: m.role,
    trustLevel: m.trust_level,
    reputation: m.reputation,
    postCount: m.post_count,
    createdAt: m.created_at.toISOString(),
    avatar: avatarUrl(m.avatar_key),
    location: m.location,
    website: m.website,
    pronouns: m.pronouns,
  };
}

/** What a member sees of their own account. */
export function toMe(m: Member) {
  return {
    ...toPublicMember(m),
    email: m.email,
    locale: m.locale,
    suspendedUntil: m.suspended_until?.toISOString() ?? null,
    banned: m.banned_at !== null,
    emailVerified: m.email_verified_at !== null,
    theme: m.theme,
    replyTracking: m.reply_tracking,
  };
}
