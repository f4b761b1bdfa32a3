import { MembersRepository } from '../../content/index.ts';
import type { Executor } from '../../db/kysely.ts';
import type { Post, Thread } from '../../db/types.ts';
import { NotificationsRepository } from '../notifications/index.ts';
import type { Stat } from './badges.ts';
import { BadgesRepository, ReputationRepository, type TrustRow, type WantedStats } from './reputation.repository.ts';
import type { ReputationSettingsStore } from './reputation.settings.ts';
import { assessTrust, type TrustFigures } from './trust.ts';

const DAY = 86_400_000;
/** What a published reply can move. */
const REPLY_STATS: Stat[] = ['posts', 'newcomerReplies', 'reputation', 'accountDays'];

/**
 * The reputation ledger's rules, called by the forum and moderation services inside their own transactions
 * (docs/ARCHITECTURE.md: a post and its reputation events commit together). Every method is idempotent through the
 * events' source keys: replaying a cause changes nothing; undoing it writes the reversing event.
 *
 * Collusion rule: a like between two members who like almost only each other (each has given at least five
 * likes, and at least 80 % of them to the other) earns nothing.
 */
export class ReputationService {
  constructor(private readonly settings: ReputationSettingsStore) {}

  /**
   * A reply was published: its points (within the daily cap), and with `countPost` the author's post count
   * too. `welcomes: false` says the reply is not in a newcomer's first thread, so the newcomer-replies badges,
   * whose statistic reads all the member's replies, need not be evaluated.
   */
  async replyPublished(
    trx: Executor,
    /** `number` null: a reply whose number the database hands out earlier in this transaction. */
    post: Pick<Post, 'id' | 'author_id'> & { number: number | null },
    thread: Pick<Thread, 'id' | 'category_id'>,
    options: { at?: Date; refresh?: boolean; countPost?: boolean; welcomes?: boolean } = {},
  ) {
    const touched = options.welcomes === false ? REPLY_STATS.filter((s) => s !== 'newcomerReplies') : REPLY_STATS;
    if (post.number !== 1) {
      const { points, replyDailyCap } = await this.settings.get(trx);
      const today = new Date(options.at ?? Date.now());
      today.setUTCHours(0, 0, 0, 0);
      const badges = options.refresh === false ? undefined : await this.badgesFor(trx, touched);
      // The event, the score and the author's trust figures in one round trip; then trust and badges moved.
      const row = await new ReputationRepository(trx).recordReply(
        {
          memberId: post.author_id,
          kind: 'reply',
          points: points.reply,
          sourceKey: `reply:${post.id}`,
          postId: post.id,
          threadId: thread.id,
          categoryId: thread.category_id,
          at: options.at,
          since: today,
          cap: replyDailyCap,
          postCount: options.countPost ? 1 : 0,
        },
        badges?.wanted,
      );
      if (badges && row) await this.apply(trx, post.author_id, figuresOf(row, badges.wanted), badges.automatic);
      return;
    }
    if (options.refresh !== false) await this.refresh(trx, [post.author_id], touched);
  }

  async reacted(
    trx: Executor,
    reaction: { id: number; kind: 'like' | 'helpful'; memberId: number },
    post: Pick<Post, 'id' | 'author_id'>,
    thread: Pick<Thread, 'id' | 'category_id'>,
    on: boolean,
    options: { at?: Date; refresh?: boolean } = {},
  ) {
    const ledger = new ReputationRepository(trx);
    const sourceKey = `${reaction.kind}:${reaction.id}`;
    const touched: Stat[] =
      reaction.kind === 'like' ? ['likesReceived', 'reputation'] : ['helpfulReceived', 'helpfulTips', 'reputation'];
    if (on) {
      const { points } = await this.settings.get(trx);
      const badges = options.refresh === false ? undefined : await this.badgesFor(trx, touched);
      // The event, the score and the author's trust figures in one round trip; then trust and badges moved.
      const row = await ledger.recordReaction(
        {
          memberId: post.author_id,
          likerId: reaction.memberId,
          kind: reaction.kind,
          points: points[reaction.kind],
          sourceKey,
          postId: post.id,
          threadId: thread.id,
          categoryId: thread.category_id,
          at: options.at,
        },
        badges?.wanted,
      );
      if (badges && row) await this.apply(trx, post.author_id, figuresOf(row, badges.wanted), badges.automatic);
      return;
    }
    await ledger.reverse(sourceKey);
    if (options.refresh !== false) await this.refresh(trx, [post.author_id], touched);
  }

  /** The accepted answer changed: the previous one's points are reversed, the new one earns them. */
  async accepted(
    trx: Executor,
    thread: Pick<Thread, 'id' | 'category_id' | 'version'>,
    previous: Post | undefined,
    next: Post | undefined,
    options: { at?: Date; refresh?: boolean } = {},
  ) {
    const ledger = new ReputationRepository(trx);
    const touched: number[] = [];
    if (previous) {
      for (const key of await ledger.standingForPost(previous.id))
        if (key.startsWith(`accepted:${thread.id}:`)) await ledger.reverse(key);
      touched.push(previous.author_id);
    }
    if (next) {
      const { points } = await this.settings.get(trx);
      await ledger.record({
        memberId: next.author_id,
        kind: 'accepted',
        points: points.accepted,
        sourceKey: `accepted:${thread.id}:${next.id}:${thread.version}`,
        postId: next.id,
        threadId: thread.id,
        categoryId: thread.category_id,
        at: options.at,
      });
      touched.push(next.author_id);
    }
    if (options.refresh !== false) await this.refresh(trx, touched, ['acceptedAnswers', 'reputation']);
  }

  async featured(
    trx: Executor,
    thread: Pick<Thread, 'id' | 'author_id' | 'category_id' | 'version'>,
    firstPostId: number,
    on: boolean,
  ) {
    const ledger = new ReputationRepository(trx);
    if (on) {
      const { points } = await this.settings.get(trx);
      await ledger.record({
        memberId: thread.author_id,
        kind: 'featured',
        points: points.featured,
        sourceKey: `featured:${thread.id}:${thread.version}`,
        postId: firstPostId,
        threadId: thread.id,
        categoryId: thread.category_id,
      });
    } else {
      for (const key of await ledger.standingForPost(firstPostId))
        if (key.startsWith(`featured:${thread.id}:`)) await ledger.reverse(key);
    }
    await this.refresh(trx, [thread.author_id]);
  }

  /**
   * Moderation removed a post (refused, or hidden): what it earned is reversed, and its author loses points —
   * more when members' reports brought it down.
   */
  async removed(
    trx: Executor,
    post: Pick<Post, 'id' | 'author_id'>,
    thread: Pick<Thread, 'id' | 'category_id'>,
    cause: 'rejected' | 'reports',
    itemId: number,
  ) {
    const ledger = new ReputationRepository(trx);
    for (const key of await ledger.standingForPost(post.id)) await ledger.reverse(key);
    const { points } = await this.settings.get(trx);
    await ledger.record({
      memberId: post.author_id,
      kind: cause === 'reports' ? 'removed_after_reports' : 'rejected',
      points: cause === 'reports' ? points.removedAfterReports : points.rejected,
      sourceKey: `penalty:${post.id}:${itemId}`,
      postId: post.id,
      threadId: thread.id,
      categoryId: thread.category_id,
    });
    await this.refresh(trx, [post.author_id]);
  }

  /** An appeal upheld: the penalty is reversed. */
  async restored(trx: Executor, post: Pick<Post, 'id' | 'author_id'>) {
    const ledger = new ReputationRepository(trx);
    const penalties = await ledger.standingPenalties(post.id);
    for (const p of penalties) await ledger.reverse(p.source_key);
    await this.refresh(trx, [post.author_id]);
  }

  /**
   * After anything that moves a member's figures: their trust level is recomputed (promotion or demotion)
   * and the automatic badges they now meet are granted, once, with a notification.
   */
  async refresh(trx: Executor, memberIds: number[], touched?: readonly Stat[]): Promise<void> {
    const { automatic, wanted } = await this.badgesFor(trx, touched);
    for (const memberId of [...new Set(memberIds)]) {
      const figures = await trustFigures(trx, memberId, wanted);
      if (figures) await this.apply(trx, memberId, figures, automatic);
    }
  }

  /**
   * The automatic badges an event can earn (only those whose statistic it can move; all of them when unknown),
   * and the statistics to read for them, each with its badges (read only where one is missing).
   */
  private async badgesFor(trx: Executor, touched?: readonly Stat[]) {
    const automatic = (await this.automaticBadges(trx)).filter((b) => !touched || touched.includes(b.criteria.stat));
    const byStat = new Map<Stat, number[]>();
    for (const b of automatic) byStat.set(b.criteria.stat, [...(byStat.get(b.criteria.stat) ?? []), b.id]);
    const wanted: WantedStats = [...byStat].map(([stat, badgeIds]) => ({ stat, badgeIds }));
    return { automatic, wanted };
  }

  /** A member's trust level and automatic badges brought in line with their figures. */
  private async apply(
    trx: Executor,
    memberId: number,
    figures: NonNullable<ReturnType<typeof figuresOf>>,
    automatic: Awaited<ReturnType<ReputationService['automaticBadges']>>,
  ): Promise<void> {
    const settings = await this.settings.get(trx);
    const notifications = new NotificationsRepository(trx);
    const { level } = assessTrust(figures.figures, settings);
    if (level !== figures.level) {
      await new MembersRepository(trx).setTrustLevel(memberId, level);
      if (level > figures.level) await notifications.create(memberId, 'trust.promoted', { level });
    }
    const held = new Set(figures.badges);
    const candidates = automatic.filter((b) => !held.has(b.id));
    if (candidates.length === 0) return;
    const badges = new BadgesRepository(trx);
    const granted: string[] = [];
    for (const badge of candidates) {
      if ((figures.stats[badge.criteria.stat] ?? 0) < badge.criteria.min) continue;
      if (await badges.grant(memberId, badge.id)) granted.push(badge.key);
    }
    // Badges earned together arrive as one notification listing them.
    await notifications.badgesGranted(memberId, granted);
  }

  /** The automatic badges, read once a few seconds (they change only when a community manager adds one). */
  private badgeCache:
    { at: number; badges: { id: number; key: string; criteria: { stat: Stat; min: number } }[] } | undefined;

  private async automaticBadges(trx: Executor) {
    if (this.badgeCache && Date.now() - this.badgeCache.at < 5000) return this.badgeCache.badges;
    const rows = await new BadgesRepository(trx).automatic();
    const badges = rows
      .filter((b) => b.criteria)
      .map((b) => ({ id: b.id, key: b.key, criteria: b.criteria as { stat: Stat; min: number } }));
    this.badgeCache = { at: Date.now(), badges };
    return badges;
  }

  /** A new badge was defined: evaluate it from the next event on. */
  forgetBadges(): void {
    this.badgeCache = undefined;
  }
}

/** What trust is computed from, and the badges held (for `refresh`), read in one query. */
export async function trustFigures(db: Executor, memberId: number, stats: WantedStats = []) {
  const row = await new ReputationRepository(db).trustRow(memberId, stats);
  return row && figuresOf(row, stats);
}

/** A trust row (`ReputationRepository.trustRow`) as the figures trust is assessed from, with the statistics read. */
function figuresOf(
  row: TrustRow,
  stats: WantedStats,
): { level: number; figures: TrustFigures; badges: number[]; stats: Partial<Record<Stat, number>> } {
  const now = Date.now();
  const values: Partial<Record<Stat, number>> = {};
  for (const { stat } of stats) {
    const value = (row as Record<string, unknown>)[`stat_${stat}`];
    if (value !== null && value !== undefined) values[stat] = Number(value);
  }
  return {
    level: row.trust_level,
    badges: row.badges.map(Number),
    stats: values,
    figures: {
      reputation: row.reputation,
      accountAgeDays: (now - row.created_at.getTime()) / DAY,
      approvedPosts: row.post_count,
      daysSinceLastIncident: row.last_incident ? (now - new Date(row.last_incident).getTime()) / DAY : Infinity,
      activeStrikes: row.strikes,
      suspended: row.suspended_until !== null && row.suspended_until.getTime() > now,
      banned: row.banned_at !== null,
      // Staff are trusted by their role; members by a community manager's grant.
      granted: row.trust_granted || row.role !== 'member',
    },
  };
}
