import { type Actor, authorize } from '../../access/access.ts';
import {
  canSeeCategory,
  canSeeMemberPrivate,
  canSeeThread,
  seeLevelsOf,
  type Viewer,
} from '../../access/visibility.ts';
import type { Db, Executor } from '../../db/kysely.ts';
import type { BadgeTier } from '../../db/types.ts';
import { AuditRepository } from '../../events/audit.repository.ts';
import { ConflictError, NotFoundError, UnprocessableError } from '../../lib/errors.ts';
import { CategoriesRepository, MembersRepository, PostsRepository, ThreadsRepository } from '../../content/index.ts';
import { NotificationsRepository } from '../notifications/index.ts';
import { BUILTIN_BADGES, type Stat, STATS } from './badges.ts';
import { BadgesRepository, ReputationRepository } from './reputation.repository.ts';
import type { ReputationService } from './reputation.service.ts';
import { trustFigures } from './reputation.service.ts';
import type { ReputationSettings, ReputationSettingsStore } from './reputation.settings.ts';
import { assessTrust } from './trust.ts';
import { avatarUrl } from '../../lib/media.ts';

const DAY = 86_400_000;

function repositories(db: Executor) {
  return {
    ledger: new ReputationRepository(db),
    badges: new BadgesRepository(db),
    members: new MembersRepository(db),
    threads: new ThreadsRepository(db),
    categories: new CategoriesRepository(db),
    posts: new PostsRepository(db),
    notifications: new NotificationsRepository(db),
    audit: new AuditRepository(db),
  };
}

type BadgeRow = Awaited<ReturnType<BadgesRepository['list']>>[number];

function toBadge(b: BadgeRow, members: number) {
  return {
    key: b.key,
    tier: b.tier,
    manual: b.manual,
    criteria: (b.criteria ?? null) as { stat: string; min: number } | null,
    name: { fr: b.name_fr, en: b.name_en },
    description: { fr: b.description_fr, en: b.description_en },
    holders: b.holders ?? 0,
    rarity: members > 0 ? (b.holders ?? 0) / members : 0,
  };
}

/** What members see of reputation: profiles, ledgers, badges, leaderboards; and what community managers award. */
export class RecognitionService {
  private readonly read: ReturnType<typeof repositories>;

  constructor(
    private readonly db: Db,
    private readonly reputation: ReputationService,
    private readonly settings: ReputationSettingsStore,
  ) {
    this.read = repositories(db);
  }

  /** At start: every built-in badge exists (new ones are backfilled for the members who already meet them). */
  async ensureBuiltins(): Promise<void> {
    const created = await this.read.badges.ensure(
      BUILTIN_BADGES.map((b) => ({
        key: b.key,
        tier: b.tier,
        manual: !b.criteria,
        criteria: b.criteria ?? null,
        nameFr: b.name.fr,
        nameEn: b.name.en,
        descriptionFr: b.description.fr,
        descriptionEn: b.description.en,
      })),
    );
    for (const badge of created) {
      const criteria = BUILTIN_BADGES.find((b) => b.key === badge.key)?.criteria;
      if (criteria) await this.read.badges.backfill(badge.id, criteria.stat, criteria.min);
    }
  }

  async memberReputation(viewer: Viewer, username: string, options: { before?: number; limit?: number }) {
    const member = await this.read.members.getByUsername(username);
    if (!member) throw new NotFoundError('member.not_found', 'No such member.');
    const limit = options.limit ?? 30;
    const [figures, settings, badges, ledger, unseenPosts] = await Promise.all([
      trustFigures(this.db, member.id),
      this.settings.get(),
      this.read.badges.ofMember(member.id),
      this.read.ledger.ledger(member.id, options.before, limit + 1),
      // Others see the post count their profile shows them (issue 18); the member and staff the real one.
      canSeeMemberPrivate(viewer, member.id)
        ? 0
        : this.read.categories
            .idsNotSeenAt(seeLevelsOf(viewer))
            .then((ids) => this.read.posts.countByAuthorIn(member.id, ids)),
    ]);
    const assessment = assessTrust(figures!.figures, settings);
    const next = assessment.next && {
      ...assessment.next,
      requirements: assessment.next.requirements.map((r) =>
        r.key === 'approvedPosts' ? { ...r, current: Math.max(0, r.current - unseenPosts) } : r,
      ),
    };
    const page = ledger.slice(0, limit);
    return {
      reputation: member.reputation,
      trust: { level: member.trust_level, next, cappedBy: assessment.cappedBy },
      badges: badges.map((b) => ({
        key: b.key,
        tier: b.tier,
        name: { fr: b.name_fr, en: b.name_en },
        description: { fr: b.description_fr, en: b.description_en },
        reason: b.reason,
        grantedAt: b.created_at.toISOString(),
      })),
      ledger: page.map((e) => {
        // The points stay; the thread they came from is named only to who may open it.
        const shown =
          e.thread_state !== null &&
          canSeeThread(viewer, {
            state: e.thread_state,
            author_id: e.thread_author_id!,
            see_level: e.thread_see_level!,
          });
        return {
          id: e.id,
          kind: e.kind,
          points: e.points,
          createdAt: e.created_at.toISOString(),
          threadId: shown ? e.thread_id : null,
          threadTitle: shown ? e.thread_title : null,
          postNumber: shown ? e.post_number : null,
        };
      }),
      nextBefore: ledger.length > limit ? page.at(-1)!.id : null,
    };
  }

  async badges() {
    const [rows, members] = await Promise.all([this.read.badges.list(), this.memberCount()]);
    return rows.map((b) => toBadge(b, members));
  }

  async badge(key: string) {
    const badge = await this.read.badges.getByKey(key);
    if (!badge) throw new NotFoundError('badge.not_found', 'No such badge.');
    const rows = await this.read.badges.list();
    const members = await this.memberCount();
    const holders = await this.read.badges.holders(badge.id, 100);
    return {
      badge: toBadge(
        rows.find((r) => r.id === badge.id)!,
        members,
      ),
      holders: holders.map((h) => ({
        id: h.id,
        username: h.username,
        displayName: h.display_name,
        grantedAt: h.created_at.toISOString(),
        reason: h.reason,
      })),
    };
  }

  private memberCount(): Promise<number> {
    return this.read.members.count();
  }

  /** A community manager defines a badge; an automatic one is granted at once to every member who meets it. */
  async createBadge(
    actorOrNull: Actor | null,
    input: {
      key: string;
      tier: BadgeTier;
      criteria?: { stat: string; min: number };
      nameFr: string;
      nameEn: string;
      descriptionFr?: string;
      descriptionEn?: string;
    },
  ) {
    const actor = authorize(actorOrNull, 'badge.manage');
    if (input.criteria && !(input.criteria.stat in STATS)) {
      throw new UnprocessableError(
        'badge.unknown_stat',
        `Unknown statistic; use one of: ${Object.keys(STATS).join(', ')}.`,
        { field: 'criteria.stat' },
      );
    }
    if (await this.read.badges.getByKey(input.key))
      throw new ConflictError('badge.key_taken', 'A badge already has this key.', { field: 'key' });
    return this.db.transaction().execute(async (trx) => {
      const r = repositories(trx);
      const [created] = await r.badges.ensure([
        {
          key: input.key,
          tier: input.tier,
          manual: !input.criteria,
          criteria: input.criteria ?? null,
          nameFr: input.nameFr,
          nameEn: input.nameEn,
          descriptionFr: input.descriptionFr ?? '',
          descriptionEn: input.descriptionEn ?? '',
        },
      ]);
      let granted: number[] = [];
      if (input.criteria)
        granted = await r.badges.backfill(created!.id, input.criteria.stat as Stat, input.criteria.min);
      for (const memberId of granted) await r.notifications.badgesGranted(memberId, [input.key]);
      await r.audit.record({
        actorId: actor.id,
        action: 'badge.created',
        subjectType: 'badge',
        subjectId: created!.id,
        data: { key: input.key, granted: granted.length },
      });
      this.reputation.forgetBadges();
      return { key: input.key, granted: granted.length };
    });
  }

  /** Manual badges (VIP, ambassador, contest winner…) are awarded by community managers, with a reason. */
  async award(actorOrNull: Actor | null, memberId: number, input: { badge: string; reason: string }) {
    const actor = authorize(actorOrNull, 'badge.award');
    const [badge, member] = await Promise.all([
      this.read.badges.getByKey(input.badge),
      this.read.members.getById(memberId),
    ]);
    if (!member) throw new NotFoundError('member.not_found', 'No such member.');
    if (!badge) throw new UnprocessableError('badge.not_found', 'No such badge.', { field: 'badge' });
    if (!badge.manual)
      throw new UnprocessableError('badge.automatic', 'This badge is granted automatically.', { field: 'badge' });
    return this.db.transaction().execute(async (trx) => {
      const r = repositories(trx);
      const granted = await r.badges.grant(memberId, badge.id, input.reason, actor.id);
      if (!granted) throw new ConflictError('badge.already_held', 'This member already holds this badge.');
      await r.notifications.create(memberId, 'badge.granted', { badge: badge.key, reason: input.reason });
      await r.audit.record({
        actorId: actor.id,
        action: 'badge.awarded',
        subjectType: 'member',
        subjectId: memberId,
        data: { badge: badge.key, reason: input.reason },
      });
      return { badge: badge.key, granted: true };
    });
  }

  /** Trust level 4 (relay) is granted and withdrawn by community managers. */
  async grantTrust(actorOrNull: Actor | null, memberId: number, granted: boolean) {
    const actor = authorize(actorOrNull, 'trust.grant');
    const member = await this.read.members.getById(memberId);
    if (!member) throw new NotFoundError('member.not_found', 'No such member.');
    return this.db.transaction().execute(async (trx) => {
      await new MembersRepository(trx).setTrustGranted(memberId, granted);
      await this.reputation.refresh(trx, [memberId]);
      await new AuditRepository(trx).record({
        actorId: actor.id,
        action: granted ? 'trust.granted' : 'trust.withdrawn',
        subjectType: 'member',
        subjectId: memberId,
      });
      const after = await new MembersRepository(trx).getById(memberId);
      return { id: memberId, trustLevel: after!.trust_level, granted };
    });
  }

  /**
   * The ranking as this viewer may see it: points earned in categories they may not see do not count, and the
   * ranking of such a category answers 404 like one that does not exist.
   */
  async leaderboard(
    viewer: Viewer,
    options: { period: 'week' | 'month' | 'all'; categoryId?: number; limit?: number },
  ) {
    if (options.categoryId !== undefined) {
      const category = await this.read.categories.getSettings(options.categoryId);
      if (!category || !canSeeCategory(viewer, category)) {
        throw new NotFoundError('category.not_found', 'No such category.');
      }
    }
    const since =
      options.period === 'week'
        ? new Date(Date.now() - 7 * DAY)
        : options.period === 'month'
          ? new Date(Date.now() - 30 * DAY)
          : undefined;
    const rows = await this.read.ledger.leaderboard({
      since,
      categoryId: options.categoryId,
      limit: options.limit ?? 20,
      hiddenCategoryIds: await this.read.categories.idsNotSeenAt(seeLevelsOf(viewer)),
    });
    return rows.map((r, i) => ({
      rank: i + 1,
      id: r.id,
      username: r.username,
      displayName: r.display_name,
      avatar: avatarUrl(r.avatar_key),
      trustLevel: r.trust_level,
      points: r.points,
    }));
  }

  /** Featuring a thread (community managers) is worth points to its author. */
  async feature(actorOrNull: Actor | null, threadId: number, featured: boolean) {
    const actor = authorize(actorOrNull, 'thread.feature');
    const thread = await this.read.threads.getById(threadId);
    if (!thread || thread.state !== 'published') throw new NotFoundError('thread.not_found', 'No such thread.');
    if (thread.featured === featured) return { id: threadId, featured };
    return this.db.transaction().execute(async (trx) => {
      const r = repositories(trx);
      await r.threads.setFeatured(threadId, featured);
      const first = await r.posts.getFirstId(threadId);
      await this.reputation.featured(trx, { ...thread, version: thread.version + 1 }, first.id, featured);
      await r.audit.record({
        actorId: actor.id,
        action: featured ? 'thread.featured' : 'thread.unfeatured',
        subjectType: 'thread',
        subjectId: threadId,
      });
      return { id: threadId, featured };
    });
  }

  async settingsFor(actor: Actor | null) {
    authorize(actor, 'rule.view');
    return this.settings.get();
  }

  async updateSettings(actor: Actor | null, patch: Partial<ReputationSettings>) {
    return this.settings.change(authorize(actor, 'reputation.settings').id, patch);
  }
}
