import type { Executor } from '../../db/kysely.ts';

export type TokenPurpose = 'password.reset' | 'email.verify' | 'email.change';

/** Single-use links sent by e-mail; the id is SHA-256(token), the token itself is never stored. */
export class MailTokensRepository {
  constructor(private readonly db: Executor) {}

  create(token: { id: string; memberId: number; purpose: TokenPurpose; email: string; expiresAt: Date }) {
    return this.db
      .insertInto('mail_tokens')
      .values({
        id: token.id,
        member_id: token.memberId,
        purpose: token.purpose,
        email: token.email,
        expires_at: token.expiresAt,
      })
      .execute();
  }

  /** The token's row, locked until the transaction ends (two clicks on one link cannot both use it). */
  getForUpdate(id: string) {
    return this.db.selectFrom('mail_tokens').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  }

  /** Uses this token, and every other unused one of the member for the same purpose (an older link dies with it). */
  async useAll(memberId: number, purpose: TokenPurpose): Promise<void> {
    await this.db
      .updateTable('mail_tokens')
      .set({ used_at: new Date(), updated_at: new Date() })
      .where('member_id', '=', memberId)
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .execute();
  }

  /** Drops what can no longer be used (each node calls it now and then). */
  deleteStale(before: Date) {
    return this.db.deleteFrom('mail_tokens').where('expires_at', '<', before).execute();
  }
}
