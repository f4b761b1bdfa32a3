import { sql } from 'kysely';
import type { Executor } from '../../db/kysely.ts';

export class SanctionsRepository {
  constructor(private readonly db: Executor) {}

  addStrike(values: { memberId: number; moderatorId: number; reason: string; note: string; expiresAt: Date }) {
    return this.db
      .insertInto('member_strikes')
      .values({
        member_id: values.memberId,
        moderator_id: values.moderatorId,
        reason: values.reason,
        note: values.note,
        expires_at: values.expiresAt,
      })
      .execute();
  }

  activeStrikes(memberId: number, now: Date): Promise<number> {
    return this.db
      .selectFrom('member_strikes')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('member_id', '=', memberId)
      .where('expires_at', '>', now)
      .executeTakeFirstOrThrow()
      .then((r) => r.n);
  }

  suspend(memberId: number, until: Date, reason: string) {
    return this.db
      .updateTable('members')
      .set({ suspended_until: until, sanction_reason: reason, updated_at: new Date() })
      .where('id', '=', memberId)
      .execute();
  }

  ban(memberId: number, reason: string) {
    return this.db
      .updateTable('members')
      .set({ banned_at: new Date(), sanction_reason: reason, updated_at: new Date() })
      .where('id', '=', memberId)
      .execute();
  }

  lift(memberId: number) {
    return this.db
      .updateTable('members')
      .set({ banned_at: null, suspended_until: null, sanction_reason: null, updated_at: new Date() })
      .where('id', '=', memberId)
      .execute();
  }

  setThreadFlags(threadId: number, values: { locked?: boolean; pinned?: boolean; category_id?: number }) {
    return this.db
      .updateTable('threads')
      .set((eb) => ({ ...values, updated_at: new Date(), version: eb('version', '+', 1) }))
      .where('id', '=', threadId)
      .execute();
  }

  /** True when recorded; false when this post was already appealed. */
  async addAppeal(postId: number, memberId: number, message: string): Promise<boolean> {
    const row = await this.db
      .insertInto('appeals')
      .values({ post_id: postId, member_id: memberId, message })
      .onConflict((oc) => oc.column('post_id').doNothing())
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  }
}
