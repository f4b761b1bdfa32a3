import { type Actor, authorize, hasRole } from '../../access/access.ts';
import type { Db, Executor } from '../../db/kysely.ts';
import type { Member } from '../../db/types.ts';
import { AuditRepository } from '../../events/audit.repository.ts';
import { ConflictError, ForbiddenError, NotFoundError, UnprocessableError } from '../../lib/errors.ts';
import { CategoriesRepository, MembersRepository, PostsRepository, ThreadsRepository } from '../../content/index.ts';
import { NotificationsRepository } from '../notifications/index.ts';
import { ModerationRepository } from './moderation.repository.ts';
import type { ModerationService } from './moderation.service.ts';
import type { ModerationSettingsStore } from './moderation.settings.ts';
import { SanctionsRepository } from './sanctions.repository.ts';
import type { ReputationService } from '../reputation/index.ts';

const DAY = 86_400_000;

function repositories(db: Executor) {
  return {
    members: new MembersRepository(db),
    sanctions: new SanctionsRepository(db),
    threads: new ThreadsRepository(db),
    posts: new PostsRepository(db),
    categories: new CategoriesRepository(db),
    moderation: new ModerationRepository(db),
    notifications: new NotificationsRepository(db),
    audit: new AuditRepository(db),
  };
}

/**
 * Sanctions and thread tools: warn (a strike that expires; past a threshold, an automatic suspension),
 * suspend until a date, ban, lift; lock, move and pin threads; hide a post; appeal a decision once.
 * Always with a reason the member reads, always audited.
 */
export class SanctionsService {
  private readonly read: ReturnType<typeof repositories>;

  constructor(
    private readonly db: Db,
    private readonly moderation: ModerationService,
    private readonly settings: ModerationSettingsStore,
    private readonly reputation: ReputationService,
  ) {
    this.read = repositories(db);
  }

  /** Moderators sanction members; only admins may sanction staff. */
  private async target(actor: Actor, memberId: number): Promise<Member> {
    const member = await this.read.members.getById(memberId);
    if (!member) throw new NotFoundError('member.not_found', 'No such member.');
    if (member.id === actor.id) throw new ForbiddenError('sanction.self', 'You cannot sanction yourself.');
    if (member.role !== 'member' && !hasRole(actor, 'admin')) {
      throw new ForbiddenError('sanction.staff', 'Only an administrator can sanction a member of staff.');
    }
    return member;
  }

  async warn(actorOrNull: Actor | null, memberId: number, input: { reason: string; note?: string }) {
    const actor = authorize(actorOrNull, 'member.sanction');
    const member = await this.target(actor, memberId);
    const settings = await this.settings.get();
    return this.db.transaction().execute(async (trx) => {
      const r = repositories(trx);
      const now = new Date();
      await r.sanctions.addStrike({
        memberId,
        moderatorId: actor.id,
        reason: input.reason,
        note: input.note ?? '',
        expiresAt: new Date(now.getTime() + settings.strikeDays * DAY),
      });
      const active = await r.sanctions.activeStrikes(memberId, now);
      await r.notifications.create(memberId, 'sanction.warned', {
        reason: input.reason,
        note: input.note ?? '',
        activeStrikes: active,
      });
      await r.audit.record({
        actorId: actor.id,
        action: 'member.warned',
        subjectType: 'member',
        subjectId: memberId,
        data: { reason: input.reason, activeStrikes: active },
      });
      let suspendedUntil: Date | null = null;
      if (active >= settings.strikeThreshold) {
        suspendedUntil = new Date(now.getTime() + settings.strikeSuspensionDays * DAY);
        if (!member.suspended_until || member.suspended_until < suspendedUntil) {
          const reason = `${active} warnings: automatic suspension`;
          await r.sanctions.suspend(memberId, suspendedUntil, reason);
          await r.notifications.create(memberId, 'sanction.suspended', {
            until: suspendedUntil.toISOString(),
            reason,
            automatic: true,
          });
          await r.audit.record({
            actorId: null,
            action: 'member.suspended',
            subjectType: 'member',
            subjectId: memberId,
            data: { until: suspendedUntil.toISOString(), automatic: true },
          });
        }
      }
      await this.reputation.refresh(trx, [memberId]);
      return { activeStrikes: active, suspendedUntil: suspendedUntil?.toISOString() ?? null };
    });
  }

  async suspend(actorOrNull: Actor | null, memberId: number, input: { until: string; reason: string }) {
    const actor = authorize(actorOrNull, 'member.sanction');
    await this.target(actor, memberId);
    const until = new Date(input.until);
    if (Number.isNaN(until.getTime()) || until <= new Date()) {
      throw new UnprocessableError('sanction.until_past', 'A suspension ends in the future.', { field: 'until' });
    }
    return this.apply(actor, memberId, 'suspended', async (r) => r.sanctions.suspend(memberId, until, input.reason), {
      until: until.toISOString(),
      reason: input.reason,
    });
  }

  async ban(actorOrNull: Actor | null, memberId: number, input: { reason: string }) {
    const actor = authorize(actorOrNull, 'member.sanction');
    await this.target(actor, memberId);
    return this.apply(actor, memberId, 'banned', async (r) => r.sanctions.ban(memberId, input.reason), {
      reason: input.reason,
    });
  }

  async lift(actorOrNull: Actor | null, memberId: number) {
    const actor = authorize(actorOrNull, 'member.sanction');
    await this.target(actor, memberId);
    return this.apply(actor, memberId, 'reinstated', async (r) => r.sanctions.lift(memberId), {});
  }

  private async apply(
    actor: Actor,
    memberId: number,
    what: 'suspended' | 'banned' | 'reinstated',
    change: (r: ReturnType<typeof repositories>) => Promise<unknown>,
    data: Record<string, unknown>,
  ) {
    return this.db.transaction().execute(async (trx) => {
      const r = repositories(trx);
      await change(r);
      await this.reputation.refresh(trx, [memberId]);
      await r.notifications.create(memberId, `sanction.${what}`, data);
      await r.audit.record({
        actorId: actor.id,
        action: `member.${what}`,
        subjectType: 'member',
        subjectId: memberId,
        data,
      });
      const member = (await r.members.getById(memberId))!;
      return {
        id: member.id,
        suspendedUntil: member.suspended_until?.toISOString() ?? null,
        banned: member.banned_at !== null,
        reason: member.sanction_reason,
      };
    });
  }

  async lock(actorOrNull: Actor | null, threadId: number, input: { locked: boolean; reason?: string }) {
    const actor = authorize(actorOrNull, 'thread.lock');
    const thread = await this.read.threads.getById(threadId);
    if (!thread || thread.state === 'deleted') throw new NotFoundError('thread.not_found', 'No such thread.');
    await this.db.transaction().execute(async (trx) => {
      const r = repositories(trx);
      await r.sanctions.setThreadFlags(threadId, { locked: input.locked });
      await r.audit.record({
        actorId: actor.id,
        action: input.locked ? 'thread.locked' : 'thread.unlocked',
        subjectType: 'thread',
        subjectId: threadId,
        data: { reason: input.reason ?? null },
      });
    });
    return { id: threadId, locked: input.locked };
  }

  async pin(actorOrNull: Actor | null, threadId: number, input: { pinned: boolean }) {
    const actor = authorize(actorOrNull, 'thread.pin');
    const thread = await this.read.threads.getById(threadId);
    if (!thread || thread.state === 'deleted') throw new NotFoundError('thread.not_found', 'No such thread.');
    await this.db.transaction().execute(async (trx) => {
      const r = repositories(trx);
      await r.sanctions.setThreadFlags(threadId, { pinned: input.pinned });
      await r.audit.record({
        actorId: actor.id,
        action: input.pinned ? 'thread.pinned' : 'thread.unpinned',
        subjectType: 'thread',
        subjectId: threadId,
      });
    });
    return { id: threadId, pinned: input.pinned };
  }

  async move(actorOrNull: Actor | null, threadId: number, input: { categoryId: number }) {
    const actor = authorize(actorOrNull, 'thread.move');
    const thread = await this.read.threads.getById(threadId);
    if (!thread || thread.state === 'deleted') throw new NotFoundError('thread.not_found', 'No such thread.');
    const target = await this.read.categories.getById(input.categoryId);
    if (!target)
      throw new UnprocessableError('category.not_found', 'This category does not exist.', { field: 'categoryId' });
    if (target.id === thread.category_id) return { id: threadId, categoryId: target.id };
    await this.db.transaction().execute(async (trx) => {
      const r = repositories(trx);
      await r.sanctions.setThreadFlags(threadId, { category_id: target.id });
      if (thread.state === 'published') {
        const posts = thread.reply_count + 1;
        await r.categories.addCounts(thread.category_id, { threads: -1, posts: -posts });
        await r.categories.addCounts(target.id, { threads: 1, posts });
      }
      await r.audit.record({
        actorId: actor.id,
        action: 'thread.moved',
        subjectType: 'thread',
        subjectId: threadId,
        data: { from: thread.category_id, to: target.id },
      });
    });
    return { id: threadId, categoryId: target.id };
  }

  /** A moderator hides a published post directly: it goes through the queue as an immediate rejection. */
  async hidePost(actorOrNull: Actor | null, postId: number, input: { reason: string; note?: string }) {
    const actor = authorize(actorOrNull, 'moderation.decide');
    const post = await this.read.posts.getById(postId);
    if (!post || post.state !== 'published') throw new NotFoundError('post.not_found', 'No such published post.');
    const item = await this.read.moderation.openOrMerge({ postId, reasons: ['manual'], hits: [], priority: 0 });
    return this.moderation.reject(actor, item.id, input);
  }

  /** The author appeals a decision on their post, once; the appeal enters the queue. */
  async appeal(actorOrNull: Actor | null, postId: number, input: { message: string }) {
    const actor = authorize(actorOrNull, 'post.reply');
    const post = await this.read.posts.getById(postId);
    if (!post || post.author_id !== actor.id) throw new NotFoundError('post.not_found', 'No such post.');
    if (post.state !== 'rejected' && post.state !== 'hidden') {
      throw new UnprocessableError('appeal.nothing_to_appeal', 'Only a refused or hidden post can be appealed.');
    }
    return this.db.transaction().execute(async (trx) => {
      const r = repositories(trx);
      const added = await r.sanctions.addAppeal(postId, actor.id, input.message);
      if (!added) throw new ConflictError('appeal.already_made', 'You already appealed this decision.');
      const item = await r.moderation.openOrMerge({ postId, reasons: ['appeal'], hits: [], priority: 30 });
      return { appealed: true, itemId: item.id };
    });
  }
}
