import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { type Actor, authorize, hasRole } from '../../access/access.ts';
import type { Db } from '../../db/kysely.ts';
import { AuditRepository } from '../../events/audit.repository.ts';
import { skeleton } from '../../lib/confusables.ts';
import { ForbiddenError, NotFoundError, UnprocessableError } from '../../lib/errors.ts';
import { hashPassword } from '../auth/password.ts';

const PAGE = 50;

/**
 * Member management for community managers: find members, see what they do (activity, trust, sanctions,
 * badges), export a member's own data on request (GDPR right of access), and anonymise an account (GDPR
 * erasure): the member's posts stay, attributed to a former member, and nothing left identifies them.
 */
export class MemberManagementService {
  constructor(private readonly db: Db) {}

  async search(actorOrNull: Actor | null, options: { q?: string; role?: string; offset: number }) {
    authorize(actorOrNull, 'members.manage');
    let query = this.db
      .selectFrom('members')
      .select(['id', 'username', 'display_name', 'email', 'role', 'trust_level', 'reputation', 'post_count', 'created_at', 'last_seen_at', 'suspended_until', 'banned_at'])
      .where('anonymised_at', 'is', null);
    const q = options.q?.trim();
    if (q) {
      const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) => eb.or([eb('username', 'ilike', like), eb('display_name', 'ilike', like), eb('email', 'ilike', like)]));
    }
    if (options.role) query = query.where('role', '=', options.role as never);
    const rows = await query.orderBy('reputation', 'desc').orderBy('id').limit(PAGE + 1).offset(options.offset).execute();
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
    const member = await this.db.selectFrom('members').selectAll().where('id', '=', id).executeTakeFirst();
    if (!member) throw new NotFoundError('member.not_found', 'No such member.');
    const [activity, recent, strikes, badges, sanctions] = await Promise.all([
      sql<{ posts30: number; threads30: number; reports_made: number; reports_upheld: number; rejected: number }>`
        SELECT (SELECT count(*) FROM posts WHERE author_id = ${id} AND created_at >= now() - interval '30 days') AS posts30,
               (SELECT count(*) FROM threads WHERE author_id = ${id} AND created_at >= now() - interval '30 days') AS threads30,
               (SELECT count(*) FROM reports WHERE reporter_id = ${id}) AS reports_made,
               (SELECT count(*) FROM reports r JOIN posts p ON p.id = r.post_id WHERE p.author_id = ${id} AND r.upheld) AS reports_upheld,
               (SELECT count(*) FROM posts WHERE author_id = ${id} AND state = 'rejected') AS rejected`.execute(this.db),
      this.db
        .selectFrom('posts as p')
        .innerJoin('threads as t', 't.id', 'p.thread_id')
        .select(['p.id', 'p.number', 'p.state', 'p.created_at', 't.id as thread_id', 't.title'])
        .where('p.author_id', '=', id)
        .orderBy('p.id', 'desc')
        .limit(10)
        .execute(),
      this.db.selectFrom('member_strikes').select(['reason', 'note', 'expires_at', 'created_at']).where('member_id', '=', id).orderBy('id', 'desc').limit(20).execute(),
      this.db
        .selectFrom('member_badges as mb')
        .innerJoin('badges as b', 'b.id', 'mb.badge_id')
        .select(['b.key', 'b.tier', 'b.name_fr', 'b.name_en', 'mb.created_at'])
        .where('mb.member_id', '=', id)
        .orderBy('mb.id', 'desc')
        .execute(),
      this.db
        .selectFrom('audit_log')
        .select(['action', 'created_at', 'data'])
        .where('subject_type', '=', 'member')
        .where('subject_id', '=', String(id))
        .orderBy('id', 'desc')
        .limit(20)
        .execute(),
    ]);
    const a = activity.rows[0]!;
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
      recentPosts: recent.map((p) => ({ id: p.id, number: p.number, state: p.state, createdAt: p.created_at.toISOString(), threadId: p.thread_id, threadTitle: p.title })),
      warnings: strikes.map((s) => ({ reason: s.reason, note: s.note, expiresAt: s.expires_at.toISOString(), createdAt: s.created_at.toISOString() })),
      badges: badges.map((b) => ({ key: b.key, tier: b.tier, name: { fr: b.name_fr, en: b.name_en }, awardedAt: b.created_at.toISOString() })),
      history: sanctions.map((h) => ({ action: h.action, at: h.created_at.toISOString(), data: h.data })),
    };
  }

  /** Everything Agora holds about the member, as JSON (GDPR right of access). Session tokens are not included. */
  async export(actorOrNull: Actor | null, id: number) {
    const actor = authorize(actorOrNull, 'members.manage');
    const member = await this.db.selectFrom('members').selectAll().where('id', '=', id).executeTakeFirst();
    if (!member) throw new NotFoundError('member.not_found', 'No such member.');
    const { password_hash: _, ...profile } = member;
    const [posts, revisions, reactions, votes, follows, notifications, reputation, badges, reports, strikes, sessions] = await Promise.all([
      this.db.selectFrom('posts').select(['id', 'thread_id', 'number', 'body_md', 'state', 'created_at', 'updated_at']).where('author_id', '=', id).orderBy('id').execute(),
      this.db.selectFrom('post_revisions').selectAll().where('editor_id', '=', id).orderBy('id').execute(),
      this.db.selectFrom('reactions').select(['post_id', 'kind', 'created_at']).where('member_id', '=', id).orderBy('created_at').execute(),
      this.db.selectFrom('idea_votes').select(['thread_id', 'created_at']).where('member_id', '=', id).execute(),
      this.db.selectFrom('thread_follows').select(['thread_id', 'created_at']).where('member_id', '=', id).execute(),
      this.db.selectFrom('notifications').select(['kind', 'data', 'count', 'read_at', 'created_at']).where('member_id', '=', id).orderBy('id').execute(),
      this.db.selectFrom('reputation_events').select(['kind', 'points', 'post_id', 'created_at']).where('member_id', '=', id).orderBy('id').execute(),
      this.db.selectFrom('member_badges as mb').innerJoin('badges as b', 'b.id', 'mb.badge_id').select(['b.key', 'mb.reason', 'mb.created_at']).where('mb.member_id', '=', id).execute(),
      this.db.selectFrom('reports').select(['post_id', 'reason', 'note', 'created_at']).where('reporter_id', '=', id).execute(),
      this.db.selectFrom('member_strikes').select(['reason', 'note', 'expires_at', 'created_at']).where('member_id', '=', id).execute(),
      this.db.selectFrom('sessions').select(['created_at', 'expires_at']).where('member_id', '=', id).execute(),
    ]);
    await new AuditRepository(this.db).record({ actorId: actor.id, action: 'member.exported', subjectType: 'member', subjectId: id });
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
    };
  }

  /**
   * Erases what identifies the member: name, e-mail, bio, password, sessions, preferences. Posts stay, under a
   * neutral name; staff accounts are refused (demote first), and so is one's own.
   */
  async anonymise(actorOrNull: Actor | null, id: number) {
    const actor = authorize(actorOrNull, 'members.manage');
    const member = await this.db.selectFrom('members').select(['id', 'role', 'anonymised_at']).where('id', '=', id).executeTakeFirst();
    if (!member) throw new NotFoundError('member.not_found', 'No such member.');
    if (member.id === actor.id) throw new UnprocessableError('member.anonymise_self', 'You cannot anonymise your own account here.');
    if (member.role !== 'member' && !hasRole(actor, 'admin')) {
      throw new ForbiddenError('member.anonymise_staff', 'Staff accounts are demoted before they are anonymised.');
    }
    if (member.anonymised_at) return { id, username: `ancien_membre_${id}` };
    const username = `ancien_membre_${id}`;
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('members')
        .set({
          username,
          username_skeleton: skeleton(username),
          display_name: '',
          email: `anonymised+${id}@invalid`,
          bio: '',
          password_hash: await hashPassword(randomBytes(32).toString('base64url')),
          role: 'member',
          notification_mutes: [],
          anonymised_at: new Date(),
        })
        .where('id', '=', id)
        .execute();
      await trx.deleteFrom('sessions').where('member_id', '=', id).execute();
      await trx.deleteFrom('notifications').where('member_id', '=', id).execute();
      await trx.deleteFrom('thread_follows').where('member_id', '=', id).execute();
      await new AuditRepository(trx).record({ actorId: actor.id, action: 'member.anonymised', subjectType: 'member', subjectId: id });
    });
    return { id, username };
  }
}
