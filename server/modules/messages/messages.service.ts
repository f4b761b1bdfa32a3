import { type Actor, assertMayWrite, authorize, can } from '../../access/access.ts';
import type { Config } from '../../config.ts';
import type { Db, Executor } from '../../db/kysely.ts';
import { AuditRepository } from '../../events/audit.repository.ts';
import { renderOffLoop } from '../../lib/cpu-pool.ts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  TooManyRequestsError,
  UnprocessableError,
} from '../../lib/errors.ts';
import { assertRenderable, showsSomething } from '../../lib/markdown.ts';
import { assertLength } from '../../lib/text.ts';
import { MembersRepository } from '../../content/index.ts';
import { refuseIfRejected } from '../moderation/index.ts';
import { mask, type NetiquetteService } from '../netiquette/index.ts';
import { NotificationsRepository } from '../notifications/index.ts';
import { dailyAllowance, MAX_RECIPIENTS, messageVerdict, type MessageVerdict } from './messages.policy.ts';
import { MessagesRepository } from './messages.repository.ts';

const PAGE = 50;
const DAY = 86_400_000;

export interface StartInput {
  recipients: string[];
  toStaff: boolean;
  subject: string;
  body: string;
}

type Conversation = NonNullable<Awaited<ReturnType<MessagesRepository['getById']>>>;

/**
 * Private conversations: policy → contract → load → transaction → events. A member reads a conversation they
 * take part in; staff read conversations with the team, and a members' conversation only once one of its
 * members (or the netiquette) reported it, every read audited. Everyone else gets 404.
 */
export class MessagesService {
  private readonly read: MessagesRepository;

  constructor(
    private readonly db: Db,
    private readonly limits: Config['limits'],
    private readonly netiquette: NetiquetteService,
    /** Account rules on writing (a confirmed e-mail address, when the community requires one), as for posts. */
    private readonly accounts?: { assertMayPost(actor: Actor): Promise<void> },
  ) {
    this.read = new MessagesRepository(db);
  }

  async start(actorOrNull: Actor | null, input: StartInput) {
    const actor = authorize(actorOrNull, 'message.send');
    assertMayWrite(actor);
    // The team stays reachable by a member whose address is not confirmed yet.
    if (!input.toStaff) await this.accounts?.assertMayPost(actor);
    const subject = input.subject.trim();
    assertLength('subject', subject, this.limits.titleMin, this.limits.titleMax);
    this.validateBody(input.body);
    const names = [...new Set(input.recipients.map((r) => r.trim().replace(/^@/, '')).filter(Boolean))];
    if (!input.toStaff && names.length === 0) {
      throw new UnprocessableError('message.no_recipient', 'Choose at least one member, or the team.', {
        field: 'recipients',
      });
    }
    if (names.length > MAX_RECIPIENTS) {
      throw new UnprocessableError('message.too_many_recipients', `At most ${MAX_RECIPIENTS} members.`, {
        field: 'recipients',
        max: MAX_RECIPIENTS,
      });
    }
    const found = await this.read.recipients(names, actor.id);
    const byName = new Map(found.map((m) => [m.username.toLowerCase(), m]));
    const unknown = names.filter((n) => !byName.has(n.toLowerCase()) || byName.get(n.toLowerCase())!.banned_at);
    if (unknown.length > 0) {
      throw new UnprocessableError('message.unknown_recipient', `No member can receive it: ${unknown.join(', ')}.`, {
        field: 'recipients',
        usernames: unknown,
      });
    }
    const others = found.filter((m) => m.id !== actor.id);
    if (!input.toStaff && others.length === 0) {
      throw new UnprocessableError('message.no_recipient', 'You cannot write only to yourself.', {
        field: 'recipients',
      });
    }
    // Staff cannot be ignored (they must be able to reach a member); anyone else who ignores the sender refuses.
    const refusing = can(actor, 'message.staff_read') ? [] : others.filter((m) => m.ignores_sender);
    if (refusing.length > 0) {
      throw new ForbiddenError(
        'message.recipient_refuses',
        `${refusing.map((m) => m.username).join(', ')} does not take your messages.`,
        { usernames: refusing.map((m) => m.username) },
      );
    }
    // Writing to the team is always possible; conversations with members are counted per day by trust level.
    if (!input.toStaff) {
      const allowance = dailyAllowance(actor);
      if ((await this.read.startedSince(actor.id, new Date(Date.now() - DAY))) >= allowance) {
        throw new TooManyRequestsError(
          'message.daily_limit',
          `You can start ${allowance} conversations a day at your trust level.`,
          { limit: allowance, retryAfterSeconds: 3600 },
        );
      }
    }
    const verdict = await this.screen(actor, input.body, subject);
    const html = await this.render(verdict, input.body, subject);
    const result = await this.db.transaction().execute(async (trx) => {
      const r = new MessagesRepository(trx);
      const conversation = await r.create({ subject, toStaff: input.toStaff, createdBy: actor.id });
      await r.addParticipants(conversation.id, [actor.id, ...others.map((m) => m.id)]);
      const message = await this.persist(trx, conversation, actor, input.body, html, verdict);
      return { conversation, message };
    });
    return { conversationId: result.conversation.id, message: this.outcome(result.message, verdict) };
  }

  async reply(actorOrNull: Actor | null, conversationId: number, body: string) {
    const actor = authorize(actorOrNull, 'message.send');
    const conversation = await this.conversation(actor, conversationId, 'write');
    assertMayWrite(actor);
    if (!conversation.to_staff) await this.accounts?.assertMayPost(actor);
    this.validateBody(body);
    const verdict = await this.screen(actor, body);
    const html = await this.render(verdict, body);
    const message = await this.db
      .transaction()
      .execute((trx) => this.persist(trx, conversation, actor, body, html, verdict));
    return { conversationId, message: this.outcome(message, verdict) };
  }

  /** The conversations the member takes part in, newest first, with unread counts. */
  async inbox(actorOrNull: Actor | null, before?: number) {
    const actor = authorize(actorOrNull, 'message.send');
    const rows = await this.read.inbox(actor.id, { limit: PAGE + 1, before });
    return {
      conversations: rows.slice(0, PAGE).map((c) => ({
        id: c.id,
        subject: c.subject,
        toStaff: c.to_staff,
        lastMessageAt: c.last_message_at.toISOString(),
        cursor: c.last_message_id,
        messages: c.message_count,
        unread: Number(c.unread ?? 0),
        muted: c.muted,
        people: c.people,
      })),
      unread: await this.read.unreadTotal(actor.id),
      more: rows.length > PAGE,
    };
  }

  async unread(actorOrNull: Actor | null) {
    const actor = authorize(actorOrNull, 'message.send');
    return { unread: await this.read.unreadTotal(actor.id) };
  }

  /** One conversation and a page of its messages; reading marks them read for a participant. */
  async get(actorOrNull: Actor | null, conversationId: number, after = 0) {
    const actor = authorize(actorOrNull, 'message.send');
    const conversation = await this.conversation(actor, conversationId, 'read');
    const participation = await this.read.participation(conversationId, actor.id);
    const participant = !!participation && !participation.left_at;
    const [people, messages, reports] = await Promise.all([
      this.read.participants(conversationId),
      this.read.messages(conversationId, {
        after,
        limit: PAGE,
        heldFor: can(actor, 'message.staff_read') && !participant ? 'all' : actor.id,
      }),
      can(actor, 'message.staff_read') && conversation.reported_at ? this.read.reports(conversationId) : [],
    ]);
    const last = messages.at(-1)?.id;
    if (participant && last !== undefined && last > participation.last_read_id) {
      await this.read.markRead(conversationId, actor.id, last);
    }
    return {
      conversation: {
        id: conversation.id,
        subject: conversation.subject,
        toStaff: conversation.to_staff,
        reported: conversation.reported_at !== null,
        participant,
        muted: participation?.muted ?? false,
        people: people
          .filter((p) => !p.left_at)
          .map((p) => ({ id: p.id, username: p.username, displayName: p.display_name, staff: p.role !== 'member' })),
      },
      messages: messages.map((m) => ({
        id: m.id,
        html: m.body_html,
        state: m.state,
        createdAt: m.created_at.toISOString(),
        author: { id: m.author_id, username: m.username, displayName: m.display_name, staff: m.role !== 'member' },
      })),
      reports: reports.map((r) => ({
        reason: r.reason,
        note: r.note,
        by: r.username,
        createdAt: r.created_at.toISOString(),
      })),
      more: messages.length === PAGE,
    };
  }

  async setMembership(actorOrNull: Actor | null, conversationId: number, change: { muted?: boolean; left?: true }) {
    const actor = authorize(actorOrNull, 'message.send');
    const participation = await this.read.participation(conversationId, actor.id);
    if (!participation || participation.left_at) throw notFound();
    await this.read.setMembership(conversationId, actor.id, change);
    return { muted: change.muted ?? participation.muted, left: change.left ?? false };
  }

  /** A participant reports the conversation: from then on staff may read it (audited). */
  async report(actorOrNull: Actor | null, conversationId: number, input: { reason: string; note?: string }) {
    const actor = authorize(actorOrNull, 'message.send');
    const participation = await this.read.participation(conversationId, actor.id);
    if (!participation || participation.left_at) throw notFound();
    const conversation = (await this.read.getById(conversationId))!;
    await this.db.transaction().execute(async (trx) => {
      await new MessagesRepository(trx).report(conversationId, actor.id, input.reason, (input.note ?? '').trim());
      await this.alertStaff(trx, conversation, input.reason);
    });
    return { reported: true };
  }

  /** Staff's lists: conversations with the team, and reported conversations. */
  async staffList(actorOrNull: Actor | null, kind: 'team' | 'reported', before?: number) {
    authorize(actorOrNull, 'message.staff_read');
    const rows = await this.read.staffList(kind, { limit: PAGE + 1, before });
    return {
      conversations: rows.slice(0, PAGE).map((c) => ({
        id: c.id,
        subject: c.subject,
        toStaff: c.to_staff,
        lastMessageAt: c.last_message_at.toISOString(),
        cursor: c.last_message_id,
        messages: c.message_count,
        reportedAt: c.reported_at?.toISOString() ?? null,
        people: c.people,
      })),
      more: rows.length > PAGE,
    };
  }

  /** The moderation queue's reported conversations: their open reports, who made them and why. */
  async reportQueue(actorOrNull: Actor | null, before?: number) {
    authorize(actorOrNull, 'message.staff_read');
    const rows = await this.read.openReports({ limit: PAGE + 1, before });
    return {
      conversations: rows.slice(0, PAGE).map((c) => ({
        id: c.id,
        subject: c.subject,
        toStaff: c.to_staff,
        messages: c.message_count,
        lastMessageAt: c.last_message_at.toISOString(),
        cursor: Number(c.last_report_id),
        people: c.people,
        reports: c.reports.map((r) => ({
          id: r.id,
          reason: r.reason,
          note: r.note,
          reporter: r.username === null ? null : { username: r.username, displayName: r.display_name! },
          createdAt: new Date(r.created_at).toISOString(),
        })),
      })),
      more: rows.length > PAGE,
    };
  }

  /**
   * A moderator settles a conversation's reports: it leaves the queue (audited). Staff may still read it
   * afterwards, each read audited as before; a new report brings it back.
   */
  async settleReports(actorOrNull: Actor | null, conversationId: number) {
    const actor = authorize(actorOrNull, 'message.staff_read');
    if (!(await this.read.getById(conversationId))) throw notFound();
    await this.db.transaction().execute(async (trx) => {
      const settled = await new MessagesRepository(trx).settleReports(conversationId, actor.id);
      if (settled === 0) {
        throw new ConflictError('conversation.no_open_report', 'This conversation has no report waiting.');
      }
      await new AuditRepository(trx).record({
        actorId: actor.id,
        action: 'conversation.reports_settled',
        subjectType: 'conversation',
        subjectId: conversationId,
        data: { reports: settled },
      });
    });
    return { settled: true };
  }

  /** A moderator releases a held message (it reaches the others) or refuses it; audited. */
  async decide(actorOrNull: Actor | null, messageId: number, decision: 'release' | 'refuse') {
    const actor = authorize(actorOrNull, 'message.staff_read');
    const message = await this.read.getMessage(messageId);
    if (!message) throw new NotFoundError('message.not_found', 'No such message.');
    const conversation = await this.conversation(actor, message.conversation_id, 'read');
    if (message.state !== 'held') throw new ConflictError('message.not_held', 'This message is not waiting.');
    await this.db.transaction().execute(async (trx) => {
      const r = new MessagesRepository(trx);
      await r.setMessageState(message.id, decision === 'release' ? 'published' : 'rejected');
      if (decision === 'release') {
        await r.published(conversation.id, message.id, message.author_id);
        await this.notify(trx, conversation, message.author_id);
      }
      await new AuditRepository(trx).record({
        actorId: actor.id,
        action: `message.${decision}`,
        subjectType: 'message',
        subjectId: message.id,
        data: { conversationId: conversation.id },
      });
    });
    return { state: decision === 'release' ? ('published' as const) : ('rejected' as const) };
  }

  /**
   * Who may open the conversation: a participant (not left); staff for a conversation with the team, and for a
   * reported one (reading, not writing, audited). Staff before a report get 403; anyone else 404.
   */
  private async conversation(actor: Actor, id: number, need: 'read' | 'write'): Promise<Conversation> {
    const conversation = await this.read.getById(id);
    if (!conversation) throw notFound();
    const participation = await this.read.participation(id, actor.id);
    if (participation && !participation.left_at) return conversation;
    if (!can(actor, 'message.staff_read')) throw notFound();
    if (conversation.to_staff) return conversation;
    if (!conversation.reported_at) {
      throw new ForbiddenError(
        'conversation.private',
        'This conversation is private: the team reads it only when one of its members reports it.',
      );
    }
    if (need === 'write') {
      throw new ForbiddenError(
        'conversation.read_only',
        'Staff read a reported conversation; they do not write in it.',
      );
    }
    await new AuditRepository(this.db).record({
      actorId: actor.id,
      action: 'conversation.read',
      subjectType: 'conversation',
      subjectId: id,
    });
    return conversation;
  }

  private validateBody(body: string): void {
    assertLength('body', body, this.limits.bodyMin, this.limits.bodyMax);
    assertRenderable('body', body);
  }

  /** The netiquette with the private-message policy; a refused message comes back with its text. */
  private async screen(actor: Actor, body: string, subject?: string): Promise<MessageVerdict> {
    const verdict = messageVerdict(await this.netiquette.screen(actor, { title: subject, body, categoryId: null }));
    refuseIfRejected(verdict, { title: subject, body });
    return verdict;
  }

  private async render(verdict: MessageVerdict, body: string, subject?: string): Promise<string> {
    const masked = verdict.hits.some((h) => h.action === 'censor') ? mask(body, verdict.hits, 'body') : body;
    const html = await renderOffLoop(masked);
    if (!showsSomething(html)) {
      throw new UnprocessableError('post.empty', 'This message shows nothing once formatted: write some text.', {
        field: 'body',
        title: subject ?? null,
        body,
      });
    }
    return html;
  }

  /** In the transaction: the message; a held or flagged one reports the conversation; the others are told. */
  private async persist(
    trx: Executor,
    conversation: Conversation,
    actor: Actor,
    body: string,
    html: string,
    verdict: MessageVerdict,
  ) {
    const r = new MessagesRepository(trx);
    const held = verdict.action === 'hold';
    const message = await r.addMessage({
      conversationId: conversation.id,
      authorId: actor.id,
      bodyMd: body,
      bodyHtml: html,
      state: held ? 'held' : 'published',
      notice: verdict.notices.length ? { notices: verdict.notices.map((h) => h.ruleKey) } : null,
    });
    if (held || verdict.action === 'flag') {
      await r.report(conversation.id, null, 'netiquette', verdict.hits.map((h) => h.ruleKey).join(', '));
      await this.alertStaff(trx, conversation, 'netiquette');
    }
    if (!held) {
      await r.published(conversation.id, message.id, actor.id);
      await this.notify(trx, conversation, actor.id);
    }
    return message;
  }

  /**
   * Everyone in the conversation but the author hears of it (one notification per conversation while unread),
   * except who muted it or ignores the author; for a conversation with the team, the team too.
   */
  private async notify(trx: Executor, conversation: Conversation, authorId: number): Promise<void> {
    const r = new MessagesRepository(trx);
    const [people, by, ignoring] = await Promise.all([
      r.participants(conversation.id),
      new MembersRepository(trx).getNames(authorId),
      trx.selectFrom('member_ignores').select('member_id').where('ignored_id', '=', authorId).execute(),
    ]);
    const authorIsStaff = people.find((p) => p.id === authorId)?.role !== 'member';
    const skip = new Set([authorId, ...(authorIsStaff ? [] : ignoring.map((i) => i.member_id))]);
    const told = new Set<number>();
    const data = { conversationId: conversation.id, subject: conversation.subject, by };
    const notifications = new NotificationsRepository(trx);
    for (const p of people) {
      if (p.left_at || p.muted || skip.has(p.id)) continue;
      told.add(p.id);
      await notifications.create(p.id, 'message', data, `message:${conversation.id}`);
    }
    if (conversation.to_staff && !authorIsStaff) {
      for (const s of await r.staff()) {
        if (told.has(s.id) || skip.has(s.id)) continue;
        await notifications.create(s.id, 'message', { ...data, toStaff: true }, `message:${conversation.id}`);
      }
    }
  }

  /** A report (a member's or the netiquette's) reaches the team: one notification per conversation while unread. */
  private async alertStaff(trx: Executor, conversation: Conversation, reason: string): Promise<void> {
    const notifications = new NotificationsRepository(trx);
    const data = { conversationId: conversation.id, subject: conversation.subject, reason };
    for (const s of await new MessagesRepository(trx).staff()) {
      await notifications.create(s.id, 'message.reported', data, `message.reported:${conversation.id}`);
    }
  }

  private outcome(message: { id: number; state: string }, verdict: MessageVerdict) {
    return {
      id: message.id,
      state: message.state as 'published' | 'held',
      action: verdict.action,
      hits: verdict.hits,
      notices: verdict.notices,
    };
  }
}

const notFound = () => new NotFoundError('conversation.not_found', 'No such conversation.');
