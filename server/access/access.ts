import type { Role } from '../db/types.ts';
import { ForbiddenError, UnauthorizedError } from '../lib/errors.ts';

/** Who is making the request, as the session plugin resolved it. */
export interface Actor {
  id: number;
  username: string;
  role: Role;
  trustLevel: number;
  suspendedUntil: Date | null;
  bannedAt: Date | null;
  /** Why the member is suspended or banned, as the moderator wrote it. */
  sanctionReason?: string | null;
  /** Read with the session, for the netiquette's context (an actor built elsewhere may lack them). */
  joinedAt?: Date;
  postCount?: number;
  /** Whether the member confirmed their e-mail address (read with the session; unknown elsewhere). */
  emailVerified?: boolean;
}

const RANK: Record<Role, number> = { member: 0, moderator: 1, community_manager: 2, admin: 3 };

/**
 * Every permission and the lowest role that holds it. Ownership rules ("the author may edit their own post")
 * are expressed by the `*.own` permissions, checked together with the resource's owner.
 */
export const PERMISSIONS = {
  'thread.create': 'member',
  'post.reply': 'member',
  'post.react': 'member',
  'post.edit.own': 'member',
  'post.delete.own': 'member',
  'thread.accept.own': 'member',
  'post.report': 'member',
  'idea.vote': 'member',
  'thread.follow': 'member',
  'post.bookmark': 'member',
  'thread.tag.own': 'member',
  'netiquette.check': 'member',
  'upload.create': 'member',
  'message.send': 'member',
  'member.ignore': 'member',
  'invitation.create': 'member',
  'post.edit.any': 'moderator',
  'moderation.queue': 'moderator',
  'moderation.decide': 'moderator',
  'rule.view': 'moderator',
  'post.delete.any': 'moderator',
  'post.view_hidden': 'moderator',
  'post.revisions.any': 'moderator',
  'thread.accept.any': 'moderator',
  'thread.lock': 'moderator',
  'thread.move': 'moderator',
  'thread.tag.any': 'moderator',
  'member.sanction': 'moderator',
  'tag.manage': 'moderator',
  // Conversations with the team, and reported conversations (each read audited).
  'message.staff_read': 'moderator',
  'thread.announce': 'community_manager',
  'thread.pin': 'community_manager',
  'thread.feature': 'community_manager',
  'thread.official': 'community_manager',
  'thread.schedule': 'community_manager',
  'idea.status': 'community_manager',
  'idea.export': 'community_manager',
  'community.health': 'community_manager',
  'members.manage': 'community_manager',
  'templates.manage': 'community_manager',
  'category.manage': 'community_manager',
  'rule.edit': 'community_manager',
  'badge.manage': 'community_manager',
  'badge.award': 'community_manager',
  'trust.grant': 'community_manager',
  'reputation.settings': 'community_manager',
  'search.insights': 'community_manager',
  'mail.settings': 'community_manager',
  'community.settings': 'community_manager',
  'newsletter.manage': 'community_manager',
  'social.settings': 'community_manager',
  // The outgoing mail holds live links (password resets): whoever reads it can take over any account.
  'mail.outbox': 'admin',
  'member.set_role': 'admin',
  'site.manage': 'admin',
  'audit.read': 'admin',
  'invitation.manage': 'admin',
} as const satisfies Record<string, Role>;

export type Permission = keyof typeof PERMISSIONS;

export function hasRole(actor: Pick<Actor, 'role'> | null | undefined, role: Role): boolean {
  return !!actor && RANK[actor.role] >= RANK[role];
}

export function can(actor: Pick<Actor, 'role'> | null | undefined, permission: Permission): boolean {
  return hasRole(actor, PERMISSIONS[permission]);
}

export function requireActor(actor: Actor | null | undefined): Actor {
  if (!actor) throw new UnauthorizedError();
  return actor;
}

/** 401 for a visitor, 403 for a member whose role does not hold the permission. */
export function authorize(actor: Actor | null | undefined, permission: Permission): Actor {
  const who = requireActor(actor);
  if (!can(who, permission)) {
    throw new ForbiddenError('access.denied', `Your role may not do this (${permission}).`, { permission });
  }
  return who;
}

/** The `.own` permission when the actor owns the resource, else the `.any` one. */
export function authorizeOwned(
  actor: Actor | null | undefined,
  ownerId: number,
  own: Permission,
  any: Permission,
): Actor {
  const who = requireActor(actor);
  return authorize(who, who.id === ownerId && can(who, own) ? own : any);
}

/** Suspended or banned members may read but not write; they are told until when. */
export function assertMayWrite(actor: Actor, now = new Date()): void {
  if (actor.bannedAt) {
    throw new ForbiddenError('member.banned', 'Your account is banned: you can read but no longer post.', {
      reason: actor.sanctionReason ?? null,
    });
  }
  if (actor.suspendedUntil && actor.suspendedUntil > now) {
    throw new ForbiddenError(
      'member.suspended',
      `Your account is suspended until ${actor.suspendedUntil.toISOString()}: you can read but not post.`,
      { until: actor.suspendedUntil.toISOString(), reason: actor.sanctionReason ?? null },
    );
  }
}
