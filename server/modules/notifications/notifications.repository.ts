import { type Expression, type SqlBool, sql } from 'kysely';
import { inHiddenCategory } from '../../content/index.ts';
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
  'watched',
] as const;
export type MutableKind = (typeof MUTABLE_KINDS)[number];

/**
 * Kinds also sent by e-mail when still unread after the community's delay, each of which a member may turn off
 * by e-mail alone. Moderation decisions and sanctions are e-mailed too and cannot be turned off.
 */
export const EMAIL_KINDS = ['reply', 'mention', 'quote', 'answer.accepted', 'idea.status', 'message'] as const;
/** Families (the part before the dot) always e-mailed. */
export const ALWAYS_EMAILED = ['moderation', 'sanction'] as const;

/**
 * The notification does not point at a thread in a category the member may no longer see (a category made
 * private after they were told, or a thread moved into one): such a notification is kept, unshown and
 * uncounted, and comes back if the category opens again. Staff, who see every category, get no filter.
 */
function aboutSeenThread(hiddenCategoryIds: readonly number[]): Expression<SqlBool> {
  if (hiddenCategoryIds.length === 0) return sql<SqlBool>`true`;
  return sql<SqlBool>`NOT EXISTS (SELECT 1 FROM threads hidden
     WHERE hidden.id = (notifications.data->>'threadId')::int
       AND ${inHiddenCategory('hidden.category_id', hiddenCategoryIds)})`;
}

/** Who hears of a new post in a thread (see `NotificationsRepository.audience`). */
export interface Audience {
  watching: number[];
  muted: number[];
  ignoring: number[];
  by: { username: string; displayName: string | null } | null;
}

/**
 * The audience's statement in parts, for a statement that reads it with other things (a reply's context,
 * forum/reply-context.ts): `levels`, a CTE over a CTE `t` (the thread's id and category_id) that the caller
 * defines, and `columns`, the select list of an `Audience` (who chose a level for the thread that changes what
 * they are told: `watching`, every new post; `muted`, nothing but mentions; from their level for the thread, else
 * for its category).
 */
export function audienceParts(threadId: number, authorId: number) {
  return {
    levels: sql`levels AS (
        SELECT m.member_id, COALESCE(tt.level, ct.level) AS level
          FROM (SELECT tt.member_id FROM thread_tracking tt WHERE tt.thread_id = ${threadId} AND tt.level IS NOT NULL
                UNION
                SELECT ct.member_id FROM category_tracking ct JOIN t ON ct.category_id = t.category_id) m
          CROSS JOIN t
          LEFT JOIN thread_tracking tt ON tt.member_id = m.member_id AND tt.thread_id = t.id
          LEFT JOIN category_tracking ct ON ct.member_id = m.member_id AND ct.category_id = t.category_id)`,
    columns: sql`ARRAY(SELECT member_id FROM levels WHERE level = 'watching') AS watching,
             ARRAY(SELECT member_id FROM levels WHERE level = 'muted') AS muted,
             ARRAY(SELECT member_id FROM member_ignores WHERE ignored_id = ${authorId}) AS ignoring,
             (SELECT json_build_object('username', username, 'displayName', display_name)
                FROM members WHERE id = ${authorId}) AS by`,
  };
}

/** A notification's data as a jsonb expression, with the number of post `numberOf` read by the statement. */
function withNumberOf(data: unknown, numberOf: number | undefined) {
  const json = sql`${JSON.stringify(data)}::jsonb`;
  if (numberOf === undefined) return json;
  return sql`${json} || jsonb_build_object('number', (SELECT number FROM posts WHERE id = ${numberOf}))`;
}

export class NotificationsRepository {
  constructor(private readonly db: Executor) {}

  /**
   * A notification, unless the member turned this kind off. With a `group`, an unread notification of the
   * same group is counted up instead (« 3 people liked your post »), and comes back to the top. `numberOf`: a post
   * whose number `data` gets as `number`, read by the statement (a reply's number is handed out by an earlier
   * statement of the same transaction, not yet answered when this one is sent).
   */
  async create(memberId: number, kind: string, data: unknown, group?: string, numberOf?: number): Promise<void> {
    const json = withNumberOf(data, numberOf);
    if (group) {
      await sql`
        INSERT INTO notifications (member_id, kind, data, group_key)
        SELECT id, ${kind}, ${json}, ${group} FROM members WHERE id = ${memberId} AND NOT (${kind} = ANY(notification_mutes))
        ON CONFLICT (member_id, group_key) WHERE read_at IS NULL AND group_key IS NOT NULL
        DO UPDATE SET count = notifications.count + 1, data = EXCLUDED.data, created_at = now()`.execute(this.db);
      return;
    }
    await sql`
      INSERT INTO notifications (member_id, kind, data)
      SELECT id, ${kind}, ${json} FROM members WHERE id = ${memberId} AND NOT (${kind} = ANY(notification_mutes))`.execute(
      this.db,
    );
  }

  /**
   * A notification of something a member did, grouped while unread like `create`, in ONE statement: the member's
   * names added to `data` as `by`, and nothing written when the recipient ignores that member or turned the kind off.
   */
  async createFromMember(
    memberId: number,
    actorId: number,
    kind: string,
    data: Record<string, unknown>,
    group: string,
  ): Promise<void> {
    await sql`
      INSERT INTO notifications (member_id, kind, data, group_key)
      SELECT m.id, ${kind},
             ${JSON.stringify(data)}::jsonb
               || jsonb_build_object('by', jsonb_build_object('username', a.username, 'displayName', a.display_name)),
             ${group}
        FROM members m JOIN members a ON a.id = ${actorId}
       WHERE m.id = ${memberId} AND NOT (${kind} = ANY(m.notification_mutes))
         AND NOT EXISTS (SELECT 1 FROM member_ignores i WHERE i.member_id = m.id AND i.ignored_id = a.id)
      ON CONFLICT (member_id, group_key) WHERE read_at IS NULL AND group_key IS NOT NULL
      DO UPDATE SET count = notifications.count + 1, data = EXCLUDED.data, created_at = now()`.execute(this.db);
  }

  /** The same notification to several members at once (those who turned the kind off excepted). */
  async createMany(memberIds: readonly number[], kind: string, data: unknown, numberOf?: number): Promise<void> {
    if (memberIds.length === 0) return;
    await sql`
      INSERT INTO notifications (member_id, kind, data)
      SELECT id, ${kind}, ${withNumberOf(data, numberOf)} FROM members
       WHERE id = ANY(${[...memberIds]}::int[]) AND NOT (${kind} = ANY(notification_mutes))`.execute(this.db);
  }

  /**
   * Badges granted together come as one notification: while the member has not read it, each new badge joins
   * the unread badge notification (listed in `badges`, counted in `count`) instead of ringing again.
   */
  async badgesGranted(memberId: number, keys: readonly string[], reason?: string): Promise<void> {
    if (keys.length === 0) return;
    const data = JSON.stringify({ badge: keys[0], badges: keys, ...(reason && { reason }) });
    await sql`
      INSERT INTO notifications (member_id, kind, data, group_key, count)
      SELECT id, 'badge.granted', ${data}::jsonb, 'badges', ${keys.length} FROM members
       WHERE id = ${memberId} AND NOT ('badge.granted' = ANY(notification_mutes))
      ON CONFLICT (member_id, group_key) WHERE read_at IS NULL AND group_key IS NOT NULL
      DO UPDATE SET id = DEFAULT, count = notifications.count + EXCLUDED.count, created_at = now(),
        data = EXCLUDED.data || jsonb_build_object('badges',
          COALESCE(notifications.data->'badges', jsonb_build_array(notifications.data->'badge')) || (EXCLUDED.data->'badges'))`.execute(
      this.db,
    );
  }

  /**
   * Who hears of a new post in this thread, in one statement: the members watching it and those who muted it
   * (their own level on the thread, else the category's), the members who ignore its author, and the author's
   * names for the notification.
   */
  async audience(threadId: number, authorId: number): Promise<Audience> {
    const { levels, columns } = audienceParts(threadId, authorId);
    const result = await sql<Audience>`
      WITH t AS (SELECT id, category_id FROM threads WHERE id = ${threadId}), ${levels}
      SELECT ${columns}`.execute(this.db);
    return result.rows[0]!;
  }

  list(memberId: number, hiddenCategoryIds: readonly number[], limit: number, before?: number) {
    let q = this.db
      .selectFrom('notifications')
      .selectAll()
      .where('member_id', '=', memberId)
      .where(aboutSeenThread(hiddenCategoryIds));
    if (before !== undefined) q = q.where('id', '<', before);
    return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  }

  /** What the bell counts: unread notifications that arrived since the member last opened it. */
  async unseen(memberId: number, hiddenCategoryIds: readonly number[]): Promise<number> {
    const row = await this.db
      .selectFrom('notifications')
      .innerJoin('members', 'members.id', 'notifications.member_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('notifications.member_id', '=', memberId)
      .where('notifications.read_at', 'is', null)
      .whereRef('notifications.id', '>', 'members.seen_notification_id')
      .where(aboutSeenThread(hiddenCategoryIds))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** The bell was opened: what it showed no longer counts (the notifications stay unread on the full page). */
  async markSeen(memberId: number): Promise<void> {
    await sql`
      UPDATE members SET seen_notification_id = GREATEST(seen_notification_id,
        COALESCE((SELECT max(id) FROM notifications WHERE member_id = ${memberId}), 0))
       WHERE id = ${memberId}`.execute(this.db);
  }

  async unread(memberId: number, hiddenCategoryIds: readonly number[]): Promise<number> {
    const row = await this.db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('member_id', '=', memberId)
      .where('read_at', 'is', null)
      .where(aboutSeenThread(hiddenCategoryIds))
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
