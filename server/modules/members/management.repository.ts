import { sql } from 'kysely';
import type { Executor } from '../../db/kysely.ts';
import type { Role } from '../../db/types.ts';
import { skeleton } from '../../lib/confusables.ts';

/** What member management reads about a member (their record, their data export) and how it anonymises one. */
export class ManagementRepository {
  constructor(private readonly db: Executor) {}

  /** Members not anonymised, matching a name, display name or e-mail fragment, and a role; by reputation. */
  search(options: { q?: string; role?: string; offset: number; limit: number }) {
    let query = this.db
      .selectFrom('members')
      .select([
        'id',
        'username',
        'display_name',
        'email',
        'role',
        'trust_level',
        'reputation',
        'post_count',
        'created_at',
        'last_seen_at',
        'suspended_until',
        'banned_at',
      ])
      .where('anonymised_at', 'is', null);
    const q = options.q;
    if (q) {
      const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) =>
        eb.or([eb('username', 'ilike', like), eb('display_name', 'ilike', like), eb('email', 'ilike', like)]),
      );
    }
    if (options.role) query = query.where('role', '=', options.role as never);
    return query.orderBy('reputation', 'desc').orderBy('id').limit(options.limit).offset(options.offset).execute();
  }

  getMember(id: number) {
    return this.db.selectFrom('members').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The member's activity over 30 days and their moderation record. */
  async activity(id: number) {
    const { rows } = await sql<{
      posts30: number;
      threads30: number;
      reports_made: number;
      reports_upheld: number;
      rejected: number;
    }>`
        SELECT (SELECT count(*) FROM posts WHERE author_id = ${id} AND created_at >= now() - interval '30 days') AS posts30,
               (SELECT count(*) FROM threads WHERE author_id = ${id} AND created_at >= now() - interval '30 days') AS threads30,
               (SELECT count(*) FROM reports WHERE reporter_id = ${id}) AS reports_made,
               (SELECT count(*) FROM reports r JOIN posts p ON p.id = r.post_id WHERE p.author_id = ${id} AND r.upheld) AS reports_upheld,
               (SELECT count(*) FROM posts WHERE author_id = ${id} AND state = 'rejected') AS rejected`.execute(
      this.db,
    );
    return rows[0]!;
  }

  /** The member's latest posts, whatever their state. */
  recentPosts(id: number, limit: number) {
    return this.db
      .selectFrom('posts as p')
      .innerJoin('threads as t', 't.id', 'p.thread_id')
      .select(['p.id', 'p.number', 'p.state', 'p.created_at', 't.id as thread_id', 't.title'])
      .where('p.author_id', '=', id)
      .orderBy('p.id', 'desc')
      .limit(limit)
      .execute();
  }

  strikes(id: number, limit: number) {
    return this.db
      .selectFrom('member_strikes')
      .select(['reason', 'note', 'expires_at', 'created_at'])
      .where('member_id', '=', id)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }

  badges(id: number) {
    return this.db
      .selectFrom('member_badges as mb')
      .innerJoin('badges as b', 'b.id', 'mb.badge_id')
      .select(['b.key', 'b.tier', 'b.name_fr', 'b.name_en', 'mb.created_at'])
      .where('mb.member_id', '=', id)
      .orderBy('mb.id', 'desc')
      .execute();
  }

  /** What was done to the member (sanctions, role changes), from the audit log. */
  history(id: number, limit: number) {
    return this.db
      .selectFrom('audit_log')
      .select(['action', 'created_at', 'data'])
      .where('subject_type', '=', 'member')
      .where('subject_id', '=', String(id))
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }

  /** Everything Agora holds about the member (GDPR right of access), each table read at once. */
  exportData(id: number) {
    return Promise.all([
      this.db
        .selectFrom('posts')
        .select(['id', 'thread_id', 'number', 'body_md', 'state', 'created_at', 'updated_at'])
        .where('author_id', '=', id)
        .orderBy('id')
        .execute(),
      this.db.selectFrom('post_revisions').selectAll().where('editor_id', '=', id).orderBy('id').execute(),
      this.db
        .selectFrom('reactions')
        .select(['post_id', 'kind', 'created_at'])
        .where('member_id', '=', id)
        .orderBy('created_at')
        .execute(),
      this.db.selectFrom('idea_votes').select(['thread_id', 'created_at']).where('member_id', '=', id).execute(),
      this.db.selectFrom('thread_follows').select(['thread_id', 'created_at']).where('member_id', '=', id).execute(),
      this.db
        .selectFrom('notifications')
        .select(['kind', 'data', 'count', 'read_at', 'created_at'])
        .where('member_id', '=', id)
        .orderBy('id')
        .execute(),
      this.db
        .selectFrom('reputation_events')
        .select(['kind', 'points', 'post_id', 'created_at'])
        .where('member_id', '=', id)
        .orderBy('id')
        .execute(),
      this.db
        .selectFrom('member_badges as mb')
        .innerJoin('badges as b', 'b.id', 'mb.badge_id')
        .select(['b.key', 'mb.reason', 'mb.created_at'])
        .where('mb.member_id', '=', id)
        .execute(),
      this.db
        .selectFrom('reports')
        .select(['post_id', 'reason', 'note', 'created_at'])
        .where('reporter_id', '=', id)
        .execute(),
      this.db
        .selectFrom('member_strikes')
        .select(['reason', 'note', 'expires_at', 'created_at'])
        .where('member_id', '=', id)
        .execute(),
      this.db.selectFrom('sessions').select(['created_at', 'expires_at']).where('member_id', '=', id).execute(),
      this.db
        .selectFrom('category_follows as f')
        .innerJoin('categories as c', 'c.id', 'f.category_id')
        .select(['c.slug', 'f.created_at'])
        .where('f.member_id', '=', id)
        .execute(),
      // The envelope of every message sent, not its body: bodies may hold links that still work.
      this.db
        .selectFrom('mail_outbox')
        .select(['kind', 'to_address', 'subject', 'status', 'created_at', 'sent_at'])
        .where('member_id', '=', id)
        .orderBy('id')
        .execute(),
      this.db
        .selectFrom('uploads')
        .select(['key', 'kind', 'format', 'width', 'height', 'bytes', 'original_name', 'source_url', 'created_at'])
        .where('member_id', '=', id)
        .orderBy('id')
        .execute(),
    ]);
  }

  getStanding(id: number) {
    return this.db
      .selectFrom('members')
      .select(['id', 'role', 'anonymised_at'])
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** Replaces what identifies the member and drops their sessions, notifications and follows (in a transaction). */
  async anonymise(id: number, values: { username: string; passwordHash: string; role: Role }): Promise<void> {
    await this.db
      .updateTable('members')
      .set({
        username: values.username,
        username_skeleton: skeleton(values.username),
        display_name: '',
        email: `anonymised+${id}@invalid`,
        bio: '',
        password_hash: values.passwordHash,
        role: values.role,
        notification_mutes: [],
        // The avatar goes; without a member wearing it the upload is collected as an orphan (uploads module).
        avatar_key: null,
        anonymised_at: new Date(),
      })
      .where('id', '=', id)
      .execute();
    await this.db.deleteFrom('sessions').where('member_id', '=', id).execute();
    await this.db.deleteFrom('notifications').where('member_id', '=', id).execute();
    await this.db.deleteFrom('thread_follows').where('member_id', '=', id).execute();
    await this.db.deleteFrom('category_follows').where('member_id', '=', id).execute();
    await this.db.deleteFrom('mail_tokens').where('member_id', '=', id).execute();
  }
}
