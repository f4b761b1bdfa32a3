import { randomBytes } from 'node:crypto';
import { type Actor, authorize, hasRole } from '../../access/access.ts';
import type { Db } from '../../db/kysely.ts';
import { AuditRepository } from '../../events/audit.repository.ts';
import { ForbiddenError, NotFoundError, UnprocessableError } from '../../lib/errors.ts';
import { mediaUrl } from '../../lib/media.ts';
import { hashPassword } from '../../lib/password.ts';
import { ManagementRepository } from './management.repository.ts';

const PAGE = 50;

/**
 * Member management for community managers: find members, see what they do (activity, trust, sanctions,
 * badges), export a member's own data on request (GDPR right of access), and anonymise an account (GDPR
 * erasure): the member's posts stay, attributed to a former member, and nothing left identifies them.
 */
export class MemberManagementService {
  private readonly members: ManagementRepository;

  constructor(private readonly db: Db) {
    this.members = new ManagementRepository(db);
  }

  async search(actorOrNull: Actor | null, options: { q?: string; role?: string; offset: number }) {
    authorize(actorOrNull, 'members.manage');
    const rows = await this.members.search({
      q: options.q?.trim(),
      role: options.role,
      offset: options.offset,
      limit: PAGE + 1,
    });
    return {
      members: rows.slice(0, PAGE).map((m) => ({
        id: m.id,
        username: m.username,
        displayName: m.display_name,
        email: m.email,
        role: m.role,
        trustLevel: m.trust_level,
        reputation: m.reputation,
        posts: m.post_count,
        joinedAt: m.created_at.toISOString(),
        lastSeenAt: m.last_seen_at?.toISOString() ?? null,
        status: m.banned_at ? 'banned' : m.suspended_until && m.suspended_until > new Date() ? 'suspended' : 'active',
      })),
      nextOffset: rows.length > PAGE ? options.offset + PAGE : null,
    };
  }

  /** One member's record: activity, sanctions and badges. */
  async detail(actorOrNull: Actor | null, id: number) {
    authorize(actorOrNull, 'members.manage');
    const member = await this.members.getMember(id);
    if (!member) throw new NotFoundError('member.not_found', 'No such member.');
    const [a, recent, strikes, badges, sanctions] = await Promise.all([
      this.members.activity(id),
      this.members.recentPosts(id, 10),
      this.members.strikes(id, 20),
      this.members.badges(id),
      this.members.history(id, 20),
    ]);
    return {
      id: member.id,
      username: member.username,
      displayName: member.display_name,
      email: member.email,
      role: member.role,
      trustLevel: member.trust_level,
      trustGranted: member.trust_granted,
      reputation: member.reputation,
      posts: member.post_count,
      joinedAt: member.created_at.toISOString(),
      lastSeenAt: member.last_seen_at?.toISOString() ?? null,
      suspendedUntil: member.suspended_until?.toISOString() ?? null,
      bannedAt: member.banned_at?.toISOString() ?? null,
      activity: {
        posts30: Number(a.posts30),
        threads30: Number(a.threads30),
        reportsMade: Number(a.reports_made),
        reportsUpheldAgainst: Number(a.reports_upheld),
        rejectedPosts: Number(a.rejected),
      },
      recentPosts: recent.map((p) => ({
        id: p.id,
        number: p.number,
        state: p.state,
        createdAt: p.created_at.toISOString(),
        threadId: p.thread_id,
        threadTitle: p.title,
      })),
      warnings: strikes.map((s) => ({
        reason: s.reason,
        note: s.note,
        expiresAt: s.expires_at.toISOString(),
        createdAt: s.created_at.toISOString(),
      })),
      badges: badges.map((b) => ({
        key: b.key,
        tier: b.tier,
        name: { fr: b.name_fr, en: b.name_en },
        awardedAt: b.created_at.toISOString(),
      })),
      history: sanctions.map((h) => ({ action: h.action, at: h.created_at.toISOString(), data: h.data })),
    };
  }

  /** Everything Agora holds about the member, as JSON (GDPR right of access). Session tokens are not included. */
  async export(actorOrNull: Actor | null, id: number) {
    const actor = authorize(actorOrNull, 'members.manage');
    const member = await this.members.getMember(id);
    if (!member) throw new NotFoundError('member.not_found', 'No such member.');
    const { password_hash: _, ...profile } = member;
    const [
      posts,
      revisions,
      reactions,
      votes,
      follows,
      notifications,
      reputation,
      badges,
      reports,
      strikes,
      sessions,
      categoryFollows,
      mailSent,
      uploads,
    ] = await this.members.exportData(id);
    await new AuditRepository(this.db).record({
      actorId: actor.id,
      action: 'member.exported',
      subjectType: 'member',
      subjectId: id,
    });
    return {
      exportedAt: new Date().toISOString(),
      profile,
      posts,
      revisions,
      reactions,
      ideaVotes: votes,
      follows,
      notifications,
      reputation,
      badges,
      reportsMade: reports,
      warnings: strikes,
      sessions,
      mail: {
        preferences: {
          emailVerifiedAt: member.email_verified_at,
          digest: member.digest,
          newsletter: member.newsletter,
          notificationsNotByEmail: member.notification_email_mutes,
          followedCategories: categoryFollows,
        },
        sent: mailSent,
      },
      // Images sent (and external images their posts named, downloaded for them), with their addresses.
      uploads: uploads.map(({ key, format, ...u }) => ({
        ...u,
        url: mediaUrl(key, u.kind === 'avatar' ? 'a256' : 'full', format === 'jpeg' ? 'jpg' : format),
      })),
    };
  }

  /**
   * Erases what identifies the member: name, e-mail, bio, password, sessions, preferences. Posts stay, under a
   * neutral name; staff accounts are refused (demote first), and so is one's own.
   */
  async anonymise(actorOrNull: Actor | null, id: number) {
    const actor = authorize(actorOrNull, 'members.manage');
    const member = await this.members.getStanding(id);
    if (!member) throw new NotFoundError('member.not_found', 'No such member.');
    if (member.id === actor.id)
      throw new UnprocessableError('member.anonymise_self', 'You cannot anonymise your own account here.');
    if (member.role !== 'member' && !hasRole(actor, 'admin')) {
      throw new ForbiddenError('member.anonymise_staff', 'Staff accounts are demoted before they are anonymised.');
    }
    if (member.anonymised_at) return { id, username: `ancien_membre_${id}` };
    const username = `ancien_membre_${id}`;
    await this.db.transaction().execute(async (trx) => {
      const passwordHash = await hashPassword(randomBytes(32).toString('base64url'));
      await new ManagementRepository(trx).anonymise(id, { username, passwordHash, role: 'member' });
      await new AuditRepository(trx).record({
        actorId: actor.id,
        action: 'member.anonymised',
        subjectType: 'member',
        subjectId: id,
      });
    });
    return { id, username };
  }
}
