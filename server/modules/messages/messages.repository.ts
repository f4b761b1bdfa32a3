import { sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { Executor } from '../../db/kysely.ts';

export type MessageState = 'published' | 'held' | 'rejected';

/** conversations, conversation_members, messages and conversation_reports (migration 0033). */
export class MessagesRepository {
  constructor(private readonly db: Executor) {}

  getById(id: number) {
    return this.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The member's place in the conversation (also after they left), if they ever took part. */
  participation(conversationId: number, memberId: number) {
    return this.db
      .selectFrom('conversation_members')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .where('member_id', '=', memberId)
      .executeTakeFirst();
  }

  /** Everyone still in the conversation, with what a notification or the page needs. */
  participants(conversationId: number) {
    return this.db
      .selectFrom('conversation_members as cm')
      .innerJoin('members as m', 'm.id', 'cm.member_id')
      .select(['m.id', 'm.username', 'm.display_name', 'm.role', 'cm.muted', 'cm.left_at'])
      .where('cm.conversation_id', '=', conversationId)
      .orderBy('cm.created_at')
      .orderBy('m.id')
      .execute();
  }

  create(values: { subject: string; toStaff: boolean; createdBy: number }) {
    return this.db
      .insertInto('conversations')
      .values({ subject: values.subject, to_staff: values.toStaff, created_by: values.createdBy })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async addParticipants(conversationId: number, memberIds: number[]): Promise<void> {
    if (memberIds.length === 0) return;
    await this.db
      .insertInto('conversation_members')
      .values(memberIds.map((member_id) => ({ conversation_id: conversationId, member_id })))
      .onConflict((oc) => oc.columns(['conversation_id', 'member_id']).doNothing())
      .execute();
  }

  addMessage(values: {
    conversationId: number;
    authorId: number;
    bodyMd: string;
    bodyHtml: string;
    state: MessageState;
    notice: unknown;
  }) {
    return this.db
      .insertInto('messages')
      .values({
        conversation_id: values.conversationId,
        author_id: values.authorId,
        body_md: values.bodyMd,
        body_html: values.bodyHtml,
        state: values.state,
        notice: values.notice === null ? null : JSON.stringify(values.notice),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** A message became visible: the conversation's counters and order move, and its author has read it. */
  async published(conversationId: number, messageId: number, authorId: number): Promise<void> {
    await this.db
      .updateTable('conversations')
      .set({
        message_count: sql`message_count + 1`,
        last_message_id: sql`greatest(last_message_id, ${messageId})`,
        last_message_at: new Date(),
        updated_at: new Date(),
      })
      .where('id', '=', conversationId)
      .execute();
    await this.markRead(conversationId, authorId, messageId);
  }

  getMessage(id: number) {
    return this.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
  }

  setMessageState(id: number, state: MessageState) {
    return this.db
      .updateTable('messages')
      .set({ state, updated_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  /** A page of messages in id order after `after`; held ones only for `heldFor` (their author) or for staff. */
  messages(conversationId: number, options: { after: number; limit: number; heldFor: number | 'all' }) {
    return this.db
      .selectFrom('messages as msg')
      .innerJoin('members as m', 'm.id', 'msg.author_id')
      .select([
        'msg.id',
        'msg.author_id',
        'msg.body_html',
        'msg.body_md',
        'msg.state',
        'msg.notice',
        'msg.created_at',
        'm.username',
        'm.display_name',
        'm.role',
      ])
      .where('msg.conversation_id', '=', conversationId)
      .where('msg.id', '>', options.after)
      .where((eb) =>
        options.heldFor === 'all'
          ? eb('msg.state', '<>', 'rejected')
          : eb.or([
              eb('msg.state', '=', 'published'),
              eb.and([eb('msg.state', '=', 'held'), eb('msg.author_id', '=', options.heldFor)]),
            ]),
      )
      .orderBy('msg.id')
      .limit(options.limit)
      .execute();
  }

  /** The member's inbox: conversations they are in (not left), newest first, with their unread count. */
  inbox(memberId: number, options: { limit: number; before?: number }) {
    return this.db
      .selectFrom('conversation_members as cm')
      .innerJoin('conversations as c', 'c.id', 'cm.conversation_id')
      .select((eb) => [
        'c.id',
        'c.subject',
        'c.to_staff',
        'c.last_message_at',
        'c.last_message_id',
        'c.message_count',
        'cm.muted',
        eb
          .selectFrom('messages')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('messages.conversation_id', '=', 'c.id')
          .whereRef('messages.id', '>', 'cm.last_read_id')
          .where('messages.state', '=', 'published')
          .as('unread'),
        jsonArrayFrom(
          eb
            .selectFrom('conversation_members as o')
            .innerJoin('members as om', 'om.id', 'o.member_id')
            .select(['om.username', 'om.display_name as displayName'])
            .whereRef('o.conversation_id', '=', 'c.id')
            .where('o.left_at', 'is', null)
            .orderBy('o.created_at')
            .limit(6),
        ).as('people'),
      ])
      .where('cm.member_id', '=', memberId)
      .where('cm.left_at', 'is', null)
      .$if(options.before !== undefined, (q) => q.where('c.last_message_id', '<', options.before!))
      .orderBy('c.last_message_id', 'desc')
      .limit(options.limit)
      .execute();
  }

  /** Conversations with the team, or those reported, for staff; newest first. */
  staffList(kind: 'team' | 'reported', options: { limit: number; before?: number }) {
    return this.db
      .selectFrom('conversations as c')
      .select((eb) => [
        'c.id',
        'c.subject',
        'c.to_staff',
        'c.last_message_at',
        'c.last_message_id',
        'c.message_count',
        'c.reported_at',
        jsonArrayFrom(
          eb
            .selectFrom('conversation_members as o')
            .innerJoin('members as om', 'om.id', 'o.member_id')
            .select(['om.username', 'om.display_name as displayName'])
            .whereRef('o.conversation_id', '=', 'c.id')
            .orderBy('o.created_at')
            .limit(6),
        ).as('people'),
      ])
      .$if(kind === 'team', (q) => q.where('c.to_staff', '=', true))
      .$if(kind === 'reported', (q) => q.where('c.reported_at', 'is not', null))
      .$if(options.before !== undefined, (q) => q.where('c.last_message_id', '<', options.before!))
      .orderBy('c.last_message_id', 'desc')
      .limit(options.limit)
      .execute();
  }

  async markRead(conversationId: number, memberId: number, messageId: number): Promise<void> {
    await this.db
      .updateTable('conversation_members')
      .set({ last_read_id: sql`greatest(last_read_id, ${messageId})`, updated_at: new Date() })
      .where('conversation_id', '=', conversationId)
      .where('member_id', '=', memberId)
      .execute();
  }

  async setMembership(conversationId: number, memberId: number, values: { muted?: boolean; left?: boolean }) {
    await this.db
      .updateTable('conversation_members')
      .set({
        ...(values.muted !== undefined && { muted: values.muted }),
        ...(values.left !== undefined && { left_at: values.left ? new Date() : null }),
        updated_at: new Date(),
      })
      .where('conversation_id', '=', conversationId)
      .where('member_id', '=', memberId)
      .execute();
  }

  async report(conversationId: number, reporterId: number | null, reason: string, note: string): Promise<void> {
    await this.db
      .insertInto('conversation_reports')
      .values({ conversation_id: conversationId, reporter_id: reporterId, reason, note })
      .execute();
    await this.db
      .updateTable('conversations')
      .set({ reported_at: sql`coalesce(reported_at, now())`, updated_at: new Date() })
      .where('id', '=', conversationId)
      .execute();
  }

  reports(conversationId: number) {
    return this.db
      .selectFrom('conversation_reports as r')
      .leftJoin('members as m', 'm.id', 'r.reporter_id')
      .select(['r.id', 'r.reason', 'r.note', 'r.created_at', 'm.username'])
      .where('r.conversation_id', '=', conversationId)
      .orderBy('r.id')
      .execute();
  }

  /**
   * The moderation queue's reported conversations: those with a report not settled yet, the latest report
   * first, each with its open reports (reason, the reporter's words, who; null: the netiquette) and people.
   */
  openReports(options: { limit: number; before?: number }) {
    return this.db
      .selectFrom((eb) =>
        eb
          .selectFrom('conversation_reports')
          .select(['conversation_id', (e) => e.fn.max('id').as('last_report_id')])
          .where('settled_at', 'is', null)
          .groupBy('conversation_id')
          .as('open'),
      )
      .innerJoin('conversations as c', 'c.id', 'open.conversation_id')
      .select((eb) => [
        'c.id',
        'c.subject',
        'c.to_staff',
        'c.message_count',
        'c.last_message_at',
        'open.last_report_id',
        jsonArrayFrom(
          eb
            .selectFrom('conversation_reports as r')
            .leftJoin('members as rm', 'rm.id', 'r.reporter_id')
            .select(['r.id', 'r.reason', 'r.note', 'r.created_at', 'rm.username', 'rm.display_name'])
            .whereRef('r.conversation_id', '=', 'c.id')
            .where('r.settled_at', 'is', null)
            .orderBy('r.id'),
        ).as('reports'),
        jsonArrayFrom(
          eb
            .selectFrom('conversation_members as o')
            .innerJoin('members as om', 'om.id', 'o.member_id')
            .select(['om.username', 'om.display_name as displayName'])
            .whereRef('o.conversation_id', '=', 'c.id')
            .orderBy('o.created_at')
            .limit(6),
        ).as('people'),
      ])
      .$if(options.before !== undefined, (q) => q.where('open.last_report_id', '<', options.before!))
      .orderBy('open.last_report_id', 'desc')
      .limit(options.limit)
      .execute();
  }

  /** Settles the conversation's open reports; returns how many there were. */
  async settleReports(conversationId: number, moderatorId: number): Promise<number> {
    const rows = await this.db
      .updateTable('conversation_reports')
      .set({ settled_at: new Date(), settled_by: moderatorId, updated_at: new Date() })
      .where('conversation_id', '=', conversationId)
      .where('settled_at', 'is', null)
      .returning('id')
      .execute();
    return rows.length;
  }

  /** How many conversations the member started since `since` (the per-trust-level allowance). */
  async startedSince(memberId: number, since: Date): Promise<number> {
    const row = await this.db
      .selectFrom('conversations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('created_by', '=', memberId)
      .where('created_at', '>=', since)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Total unread messages over the member's conversations (the header's badge). */
  async unreadTotal(memberId: number): Promise<number> {
    const row = await this.db
      .selectFrom('conversation_members as cm')
      .innerJoin('messages as msg', 'msg.conversation_id', 'cm.conversation_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('cm.member_id', '=', memberId)
      .where('cm.left_at', 'is', null)
      .whereRef('msg.id', '>', 'cm.last_read_id')
      .where('msg.state', '=', 'published')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Active members by username (recipients), with their role and whether they ignore `senderId`. */
  recipients(usernames: string[], senderId: number) {
    return this.db
      .selectFrom('members as m')
      .select((eb) => [
        'm.id',
        'm.username',
        'm.role',
        'm.banned_at',
        eb
          .exists(
            eb
              .selectFrom('member_ignores as i')
              .select('i.member_id')
              .whereRef('i.member_id', '=', 'm.id')
              .where('i.ignored_id', '=', senderId),
          )
          .as('ignores_sender'),
      ])
      .where('m.username', 'in', usernames.length ? usernames : [''])
      .execute();
  }

  /** Staff who hear of a conversation with the team. */
  staff() {
    return this.db
      .selectFrom('members')
      .select('id')
      .where('role', 'in', ['moderator', 'community_manager', 'admin'])
      .where('banned_at', 'is', null)
      .execute();
  }
}

/**
 * May the member follow the conversation live (`conversation:<id>`)? Its participants, and staff for a
 * conversation with the team. Staff reading a reported conversation reload it (each read audited), never live.
 */
export async function mayFollowConversation(
  db: Executor,
  member: { id: number; role: string },
  conversationId: number,
): Promise<boolean> {
  const row = await db
    .selectFrom('conversations as c')
    .leftJoin('conversation_members as cm', (j) =>
      j.onRef('cm.conversation_id', '=', 'c.id').on('cm.member_id', '=', member.id).on('cm.left_at', 'is', null),
    )
    .select(['c.to_staff', 'cm.member_id'])
    .where('c.id', '=', conversationId)
    .executeTakeFirst();
  if (!row) return false;
  return row.member_id !== null || (row.to_staff && member.role !== 'member');
}
