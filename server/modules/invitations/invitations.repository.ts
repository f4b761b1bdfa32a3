import { sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { Executor } from '../../db/kysely.ts';

/** invitations (migration 0033) and who joined through them (members.invitation_id). */
export class InvitationsRepository {
  constructor(private readonly db: Executor) {}

  create(values: { tokenHash: string; inviterId: number; email: string | null; maxUses: number; expiresAt: Date }) {
    return this.db
      .insertInto('invitations')
      .values({
        token_hash: values.tokenHash,
        inviter_id: values.inviterId,
        email: values.email,
        max_uses: values.maxUses,
        expires_at: values.expiresAt,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  getById(id: number) {
    return this.db.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The invitation of this token with its inviter's names, whatever its state. */
  getByTokenHash(tokenHash: string) {
    return this.db
      .selectFrom('invitations as i')
      .innerJoin('members as m', 'm.id', 'i.inviter_id')
      .select(['i.id', 'i.email', 'i.max_uses', 'i.use_count', 'i.expires_at', 'i.revoked_at', 'i.inviter_id'])
      .select(['m.username', 'm.display_name', 'm.banned_at'])
      .where('i.token_hash', '=', tokenHash)
      .executeTakeFirst();
  }

  /** Takes one use, on condition that the invitation is still usable; undefined when it is not (any more). */
  take(tokenHash: string) {
    return this.db
      .updateTable('invitations')
      .set({ use_count: sql`use_count + 1`, updated_at: new Date() })
      .where('token_hash', '=', tokenHash)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', new Date())
      .where(sql<boolean>`use_count < max_uses`)
      .returning(['id', 'inviter_id', 'email'])
      .executeTakeFirst();
  }

  async recordInvitee(memberId: number, invitation: { id: number; inviter_id: number }): Promise<void> {
    await this.db
      .updateTable('members')
      .set({ invited_by_id: invitation.inviter_id, invitation_id: invitation.id })
      .where('id', '=', memberId)
      .execute();
  }

  revoke(id: number, by: number) {
    return this.db
      .updateTable('invitations')
      .set({ revoked_at: new Date(), revoked_by: by, updated_at: new Date() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .execute();
  }

  async createdSince(inviterId: number, since: Date): Promise<number> {
    const row = await this.db
      .selectFrom('invitations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('inviter_id', '=', inviterId)
      .where('created_at', '>=', since)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Invitations newest first (one inviter's, or everyone's), with who joined through each. */
  list(options: { inviterId?: number; limit: number; before?: number }) {
    return this.db
      .selectFrom('invitations as i')
      .innerJoin('members as m', 'm.id', 'i.inviter_id')
      .select((eb) => [
        'i.id',
        'i.email',
        'i.max_uses',
        'i.use_count',
        'i.expires_at',
        'i.revoked_at',
        'i.created_at',
        'm.username as inviter',
        jsonArrayFrom(
          eb
            .selectFrom('members as j')
            .select(['j.username', 'j.created_at as joinedAt'])
            .whereRef('j.invitation_id', '=', 'i.id')
            .orderBy('j.id')
            .limit(100),
        ).as('joined'),
      ])
      .$if(options.inviterId !== undefined, (q) => q.where('i.inviter_id', '=', options.inviterId!))
      .$if(options.before !== undefined, (q) => q.where('i.id', '<', options.before!))
      .orderBy('i.id', 'desc')
      .limit(options.limit)
      .execute();
  }
}
