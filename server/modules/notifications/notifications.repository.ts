import { sql } from 'kysely';
import type { Executor } from '../../db/kysely.ts';

/** Kinds a member may turn off; moderation decisions and sanctions always reach them. */
export const MUTABLE_KINDS = [
  'reply',
  'mention',
  'quote',
  'like',
  'helpful',
  'answer.accepted',
  'badge.granted',
  'trust.promoted',
  'idea.status',
] as const;
export type MutableKind = (typeof MUTABLE_KINDS)[number];

/**
 * Kinds also sent by e-mail when still unread after the community's delay, each of which a member may turn off
 * by e-mail alone. Moderation decisions and sanctions are e-mailed too and cannot be turned off.
 */
export const EMAIL_KINDS = ['reply', 'mention', 'quote', 'answer.accepted', 'idea.status', 'message'] as const;
/** Families (the part before the dot) always e-mailed. */
export const ALWAYS_EMAILED = ['moderation', 'sanction'] as const;

export class NotificationsRepository {
  constructor(private readonly db: Executor) {}

  /**
   * A notification, unless the member turned this kind off. With a `group`, an unread notification of the
   * same group is counted up instead (« 3 people liked your post »), and comes back to the top.
   */
  async create(memberId: number, kind: string, data: unknown, group?: string): Promise<void> {
    const json = JSON.stringify(data);
    if (group) {
      await sql`
        INSERT INTO notifications (member_id, kind, data, group_key)
        SELECT id, ${kind}, ${json}::jsonb, ${group} FROM members WHERE id = ${memberId} AND NOT (${kind} = ANY(notification_mutes))
        ON CONFLICT (member_id, group_key) WHERE read_at IS NULL AND group_key IS NOT NULL
        DO UPDATE SET count = notifications.count + 1, data = EXCLUDED.data, created_at = now()`.execute(this.db);
      return;
    }
    await sql`
      INSERT INTO notifications (member_id, kind, data)
      SELECT id, ${kind}, ${json}::jsonb FROM members WHERE id = ${memberId} AND NOT (${kind} = ANY(notification_mutes))`.execute(
      this.db,
    );
  }

  list(memberId: number, limit: number, before?: number) {
    let q = this.db.selectFrom('notifications').selectAll().where('member_id', '=', memberId);
    if (before !== undefined) q = q.where('id', '<', before);
    return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  }

  async unread(memberId: number): Promise<number> {
    const row = await this.db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('member_id', '=', memberId)
      .where('read_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Marks these (or all) of the member's notifications read. */
  async markRead(memberId: number, ids?: number[]): Promise<void> {
    let q = this.db
      .updateTable('notifications')
      .set({ read_at: new Date() })
      .where('member_id', '=', memberId)
      .where('read_at', 'is', null);
    if (ids) q = q.where('id', 'in', ids.length ? ids : [0]);
    await q.execute();
  }

  async mutes(memberId: number): Promise<string[]> {
    const row = await this.db
      .selectFrom('members')
      .select('notification_mutes')
      .where('id', '=', memberId)
      .executeTakeFirst();
    return row?.notification_mutes ?? [];
  }

  async setMutes(memberId: number, kinds: string[]): Promise<void> {
    await this.db.updateTable('members').set({ notification_mutes: kinds }).where('id', '=', memberId).execute();
  }

  async emailMutes(memberId: number): Promise<string[]> {
    const row = await this.db
      .selectFrom('members')
      .select('notification_email_mutes')
      .where('id', '=', memberId)
      .executeTakeFirst();
    return row?.notification_email_mutes ?? [];
  }

  async setEmailMutes(memberId: number, kinds: string[]): Promise<void> {
    await this.db.updateTable('members').set({ notification_email_mutes: kinds }).where('id', '=', memberId).execute();
  }
}
