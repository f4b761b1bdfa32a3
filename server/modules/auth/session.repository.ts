import type { Executor } from '../../db/kysely.ts';
import { QueryTemplate } from '../../db/query-template.ts';

const sessionStatement = (db: Executor) =>
  new QueryTemplate(['id'], (v: { id: string }) =>
    db
      .selectFrom('sessions')
      .innerJoin('members', 'members.id', 'sessions.member_id')
      .select([
        'sessions.id',
        'sessions.expires_at',
        'members.id as member_id',
        'members.username',
        'members.role',
        'members.trust_level',
        'members.suspended_until',
        'members.banned_at',
        'members.sanction_reason',
        'members.last_seen_at',
        'members.created_at as joined_at',
        'members.post_count',
        'members.email_verified_at',
      ])
      .where('sessions.id', '=', v.id),
  );
let sessionTemplate: ReturnType<typeof sessionStatement> | undefined;

export class SessionRepository {
  constructor(private readonly db: Executor) {}

  create(session: { id: string; memberId: number; expiresAt: Date }) {
    return this.db
      .insertInto('sessions')
      .values({ id: session.id, member_id: session.memberId, expires_at: session.expiresAt })
      .execute();
  }

  /** The session and its member in one round trip: this runs on every authenticated request (built once). */
  async getWithMember(id: string) {
    sessionTemplate ??= sessionStatement(this.db);
    return (await this.db.executeQuery(sessionTemplate.with({ id }))).rows[0];
  }

  /**
   * When the member was last seen (the community's "active members"); written at most once an hour. The time
   * it replaces becomes their previous visit (lists mark what is new since then), as Discourse does after an
   * hour away.
   */
  touchMember(memberId: number) {
    return this.db
      .updateTable('members')
      .set((eb) => ({ previous_visit_at: eb.ref('last_seen_at'), last_seen_at: new Date() }))
      .where('id', '=', memberId)
      .execute();
  }

  extend(id: string, expiresAt: Date) {
    return this.db
      .updateTable('sessions')
      .set({ expires_at: expiresAt, updated_at: new Date() })
      .where('id', '=', id)
      .execute();
  }

  delete(id: string) {
    return this.db.deleteFrom('sessions').where('id', '=', id).execute();
  }

  deleteForMember(memberId: number) {
    return this.db.deleteFrom('sessions').where('member_id', '=', memberId).execute();
  }

  deleteExpired(now = new Date()) {
    return this.db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
  }
}
