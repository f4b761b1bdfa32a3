import { type Actor, assertMayWrite, authorize } from '../../access/access.ts';
import type { Db, Executor } from '../../db/kysely.ts';
import type { ModerationReason } from '../../db/types.ts';
import { AuditRepository } from '../../events/audit.repository.ts';
import { decodeCursor, encodeCursor } from '../../lib/cursor.ts';
import { ConflictError, ForbiddenError, NotFoundError, UnprocessableError } from '../../lib/errors.ts';
import { CategoriesRepository, MembersRepository, PostsRepository, ThreadsRepository } from '../../content/index.ts';
import { canSeeThread } from '../../access/visibility.ts';
import { type Hit, NetiquetteRepository, ruleNames } from '../netiquette/index.ts';
import { SiteSettingsRepository } from '../site/index.ts';
import { NotificationsRepository, notifier } from '../notifications/index.ts';
import { ModerationRepository, type QueueRow } from './moderation.repository.ts';

type ReportRow = Awaited<ReturnType<ModerationRepository['reportsFor']>>[number];
type ContextRow = Awaited<ReturnType<ModerationRepository['contextFor']>>[number];

/** What the queue adds to each item beyond its row: its reports, its context and the rules' names. */
interface ItemStory {
  reports: ReportRow[];
  context: ContextRow | undefined;
  names: Map<string, { fr: string; en: string }>;
}

const record = (text: string | null) => {
  const [a, b] = String(text ?? '0/0')
    .split('/')
    .map(Number);
  return [a ?? 0, b ?? 0] as const;
};
import type { ModerationSettings, ModerationSettingsStore } from './moderation.settings.ts';
import type { ReputationService } from '../reputation/index.ts';

export interface ReasonTemplate {
  key: string;
  fr: string;
  en: string;
}

/** Editable by community managers (site setting `moderation_reasons`); these are what a community starts with. */
export const DEFAULT_REASONS: ReasonTemplate[] = [
  { key: 'insult', fr: 'Propos insultants ou agressifs', en: 'Insulting or aggressive language' },
  { key: 'off_topic', fr: 'Hors sujet pour cette catégorie', en: 'Off topic for this category' },
  { key: 'spam', fr: 'Publicité ou spam', en: 'Advertising or spam' },
  { key: 'personal_data', fr: 'Données personnelles publiées', en: 'Personal data posted' },
  { key: 'duplicate', fr: 'Sujet déjà traité ailleurs', en: 'Already discussed elsewhere' },
  { key: 'other', fr: 'Ne respecte pas la netiquette', en: 'Breaks the netiquette' },
];

const DAY = 86_400_000;

/** The forum's publish pipeline, for edit-and-approve (the same checks and revision as any edit). */
export interface PostEditor {
  edit(actor: Actor, postId: number, input: { body?: string }): Promise<unknown>;
}

function repositories(db: Executor) {
  return {
    moderation: new ModerationRepository(db),
    posts: new PostsRepository(db),
    threads: new ThreadsRepository(db),
    categories: new CategoriesRepository(db),
    members: new MembersRepository(db),
    rules: new NetiquetteRepository(db),
    notifications: new NotificationsRepository(db),
    audit: new AuditRepository(db),
  };
}

function toItem(row: QueueRow, now: number, targetMinutes: number, story: ItemStory) {
  const [rejected, decided] = record(row.author_record);
  const ageMinutes = Math.floor((now - row.created_at.getTime()) / 60_000);
  return {
    id: row.id,
    reasons: row.reasons,
    status: row.status,
    priority: row.priority,
    reportCount: row.report_count,
    hits: (row.hits as Hit[]).map((h) => ({ ...h, ruleName: story.names.get(h.ruleKey) ?? null })),
    reports: story.reports.map((r) => {
      const [upheld, settled] = record(r.reporter_record);
      return {
        id: r.id,
        reason: r.reason,
        note: r.note,
        upheld: r.upheld,
        createdAt: r.created_at.toISOString(),
        reporter: { id: r.reporter_id, username: r.reporter_username, displayName: r.reporter_display_name },
        reporterRecord: { upheld, decided: settled },
      };
    }),
    context: story.context
      ? {
          id: story.context.id,
          number: story.context.number,
          state: story.context.state,
          body: story.context.body,
          createdAt: story.context.created_at.toISOString(),
          authorUsername: story.context.author_username,
        }
      : null,
    createdAt: row.created_at.toISOString(),
    ageMinutes,
    targetMinutes,
    overdue: ageMinutes > targetMinutes,
    claimedBy: row.claimed_by === null ? null : { id: row.claimed_by, username: row.claimer_username ?? '' },
    decisionReason: row.decision_reason,
    appealMessage: row.appeal_message,
    post: {
      id: row.post_id,
      number: row.post_number,
      state: row.post_state,
      body: row.body_md,
      html: row.body_html,
      threadId: row.thread_id,
      threadTitle: row.thread_title,
      categoryId: row.category_id,
    },
    author: {
      id: row.author_id,
      username: row.author_username,
      trustLevel: row.author_trust_level,
      accountAgeDays: Math.floor((now - row.author_created_at.getTime()) / DAY),
      postCount: row.author_post_count,
      pastDecisions: { rejected, decided },
    },
  };
}

/**
 * The moderation queue: pending posts (a priori), published posts to review (a posteriori), rule flags and
 * member reports. A decision changes the post atomically, tells its author why, and is audited; of two
 * moderators deciding one item at once, exactly one wins and the other gets 409.
 */
export class ModerationService {
  private readonly read: ReturnType<typeof repositories>;
  private readonly siteSettings: SiteSettingsRepository;

  constructor(
    private readonly db: Db,
    private readonly publisher: PostEditor,
    private readonly settingsStore: ModerationSettingsStore,
    private readonly reputation: ReputationService,
  ) {
    this.read = repositories(db);
    this.siteSettings = new SiteSettingsRepository(db);
  }

  async queue(
    actor: Actor | null,
    options: {
      status?: 'open' | 'approved' | 'rejected';
      reason?: ModerationReason;
      categoryId?: number;
      cursor?: string;
      limit?: number;
    },
  ) {
    authorize(actor, 'moderation.queue');
    const limit = options.limit ?? 30;
    const after = options.cursor ? (decodeCursor(options.cursor, ['number', 'number']) as [number, number]) : undefined;
    const [rows, open, target] = await Promise.all([
      this.read.moderation.queue({
        status: options.status ?? 'open',
        reason: options.reason,
        categoryId: options.categoryId,
        after,
        limit: limit + 1,
      }),
      this.read.moderation.countOpen(),
      this.targetMinutes(),
    ]);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const now = Date.now();
    const postIds = page.map((r) => r.post_id);
    const [reports, contexts, rules] = await Promise.all([
      this.read.moderation.reportsFor(postIds),
      this.read.moderation.contextFor(postIds),
      this.read.rules.list(),
    ]);
    const names = ruleNames(rules);
    const story = (postId: number): ItemStory => ({
      // An open item shows the reports still waiting; a decided one, every report it settled.
      reports: reports.filter((r) => r.post_id === postId),
      context: contexts.find((c) => c.post_id === postId),
      names,
    });
    return {
      items: page.map((r) => toItem(r, now, target, story(r.post_id))),
      open,
      nextCursor: rows.length > limit && last ? encodeCursor([Number(last.rank), last.id]) : null,
    };
  }

  async reasons(): Promise<ReasonTemplate[]> {
    return (await this.siteSettings.get<ReasonTemplate[]>('moderation_reasons')) ?? DEFAULT_REASONS;
  }

  async setReasons(actor: Actor | null, reasons: ReasonTemplate[]) {
    authorize(actor, 'rule.edit');
    const keys = new Set(reasons.map((r) => r.key));
    if (keys.size !== reasons.length)
      throw new UnprocessableError('moderation.reason_keys', 'Each reason needs its own key.');
    await this.siteSettings.set('moderation_reasons', reasons);
    return reasons;
  }

  private async targetMinutes(): Promise<number> {
    return (await this.settingsStore.get()).targetMinutes;
  }

  async claim(actorOrNull: Actor | null, id: number) {
    const actor = authorize(actorOrNull, 'moderation.decide');
    const claimed = await this.read.moderation.claim(id, actor.id);
    if (!claimed) await this.explainUnavailable(id);
    return { id, claimedBy: { id: actor.id, username: actor.username } };
  }

  private async explainUnavailable(id: number): Promise<never> {
    const item = await this.read.moderation.getById(id);
    if (!item) throw new NotFoundError('moderation.not_found', 'No such moderation item.');
    if (item.status !== 'open')
      throw new ConflictError('moderation.already_decided', 'Another moderator already decided this item.');
    const claimer = item.claimed_by ? await this.read.members.getById(item.claimed_by) : undefined;
    throw new ConflictError(
      'moderation.claimed',
      `${claimer?.username ?? 'Another moderator'} is working on this item.`,
      {
        claimedBy: claimer?.username ?? null,
      },
    );
  }

  /** Approve, optionally with an edit of the post (edit-and-approve). */
  async approve(actorOrNull: Actor | null, id: number, input: { body?: string } = {}) {
    const actor = authorize(actorOrNull, 'moderation.decide');
    const item = await this.read.moderation.getById(id);
    if (!item) throw new NotFoundError('moderation.not_found', 'No such moderation item.');
    if (item.status !== 'open')
      throw new ConflictError('moderation.already_decided', 'Another moderator already decided this item.');
    if (item.claimed_by !== null && item.claimed_by !== actor.id) await this.explainUnavailable(id);
    if (input.body !== undefined) await this.publisher.edit(actor, item.post_id, { body: input.body });
    return this.db.transaction().execute(async (trx) => {
      const r = repositories(trx);
      const decided = await r.moderation.decide(id, {
        status: 'approved',
        moderatorId: actor.id,
        reason: null,
        note: null,
      });
      if (!decided)
        throw new ConflictError('moderation.already_decided', 'Another moderator already decided this item.');
      const post = (await r.posts.lockForUpdate(item.post_id))!;
      const thread = (await r.threads.getById(post.thread_id))!;
      if (post.state === 'hidden') {
        // An appeal upheld: the hidden post comes back, and counts again.
        await r.posts.update(post.id, { state: 'published' });
        await r.posts.setModeration(post.id, null);
        if (post.number === 1) {
          await r.threads.update(thread.id, { state: 'published' });
          await r.categories.addCounts(thread.category_id, { threads: 1, posts: thread.reply_count + 1 });
        } else {
          await r.threads.addCounts(thread.id, { replies: 1, score: post.like_count + post.helpful_count });
          await r.categories.addCounts(thread.category_id, { posts: 1 });
        }
        await r.members.addPostCount(post.author_id, 1);
        await this.reputation.restored(trx, post);
        await r.notifications.create(post.author_id, 'moderation.approved', {
          postId: post.id,
          threadId: thread.id,
          threadTitle: thread.title,
        });
      } else if (post.state === 'pending' || post.state === 'rejected') {
        await r.posts.update(post.id, { state: 'published' });
        await r.posts.setModeration(post.id, null);
        if (post.number === 1) {
          await r.threads.update(thread.id, { state: 'published' });
          await r.categories.addCounts(thread.category_id, { threads: 1, posts: 1 });
        } else {
          await r.threads.recordReply(thread.id, post.author_id, new Date());
          await r.categories.addCounts(thread.category_id, { posts: 1 });
        }
        await r.members.addPostCount(post.author_id, 1);
        await this.reputation.replyPublished(trx, post, thread);
        // A first post approved publishes its thread: its news is told as of a published thread.
        await notifier.postPublished(trx, post, post.number === 1 ? { ...thread, state: 'published' } : thread);
        await r.notifications.create(post.author_id, 'moderation.approved', {
          postId: post.id,
          threadId: thread.id,
          threadTitle: thread.title,
        });
      }
      await r.rules.settleHits(post.id, 'approved');
      await r.moderation.settleReports(post.id, false);
      await r.audit.record({
        actorId: actor.id,
        action: 'moderation.approved',
        subjectType: 'post',
        subjectId: post.id,
        data: { itemId: id, edited: input.body !== undefined },
      });
      return { id, status: 'approved' as const, postState: 'published' };
    });
  }

  /**
   * Reject with a reason from the templates and a note: a held post is never shown (it goes back to its author
   * as a draft to fix); a published one is hidden.
   */
  async reject(actorOrNull: Actor | null, id: number, input: { reason: string; note?: string }) {
    const actor = authorize(actorOrNull, 'moderation.decide');
    const templates = await this.reasons();
    const template = templates.find((t) => t.key === input.reason);
    if (!template) {
      throw new UnprocessableError(
        'moderation.unknown_reason',
        `Choose a reason among: ${templates.map((t) => t.key).join(', ')}.`,
        { field: 'reason' },
      );
    }
    const item = await this.read.moderation.getById(id);
    if (!item) throw new NotFoundError('moderation.not_found', 'No such moderation item.');
    if (item.claimed_by !== null && item.claimed_by !== actor.id && item.status === 'open')
      await this.explainUnavailable(id);
    const note = input.note?.trim() || null;
    return this.db.transaction().execute(async (trx) => {
      const r = repositories(trx);
      const decided = await r.moderation.decide(id, {
        status: 'rejected',
        moderatorId: actor.id,
        reason: template.key,
        note,
      });
      if (!decided)
        throw new ConflictError('moderation.already_decided', 'Another moderator already decided this item.');
      const post = (await r.posts.lockForUpdate(item.post_id))!;
      const thread = (await r.threads.getById(post.thread_id))!;
      const decision = { reason: template, note, decidedAt: new Date().toISOString() };
      const previous = (post.moderation ?? {}) as Record<string, unknown>;
      await r.posts.setModeration(post.id, JSON.stringify({ ...previous, decision }));
      let postState: 'rejected' | 'hidden' = 'rejected';
      if (post.state === 'pending') {
        await r.posts.update(post.id, { state: 'rejected' });
      } else if (post.state === 'published') {
        postState = 'hidden';
        await r.posts.update(post.id, { state: 'hidden' });
        if (post.number === 1) {
          await r.threads.update(thread.id, { state: 'hidden' });
          await r.categories.addCounts(thread.category_id, { threads: -1, posts: -thread.reply_count - 1 });
        } else {
          await r.threads.addCounts(thread.id, { replies: -1, score: -(post.like_count + post.helpful_count) });
          await r.categories.addCounts(thread.category_id, { posts: -1 });
        }
        await r.members.addPostCount(post.author_id, -1);
      }
      await r.rules.settleHits(post.id, 'rejected');
      await r.moderation.settleReports(post.id, true);
      await this.reputation.removed(
        trx,
        post,
        thread,
        decided.reasons.includes('report') && decided.report_count > 0 ? 'reports' : 'rejected',
        id,
      );
      await r.notifications.create(post.author_id, 'moderation.rejected', {
        postId: post.id,
        threadId: thread.id,
        threadTitle: thread.title,
        reason: template,
        note,
      });
      await r.audit.record({
        actorId: actor.id,
        action: 'moderation.rejected',
        subjectType: 'post',
        subjectId: post.id,
        data: { itemId: id, reason: template.key, note },
      });
      return { id, status: 'rejected' as const, postState };
    });
  }

  /** Bulk decisions: each item on its own; one already decided does not stop the others. */
  async bulk(
    actor: Actor | null,
    input: { ids: number[]; action: 'approve' | 'reject'; reason?: string; note?: string },
  ) {
    authorize(actor, 'moderation.decide');
    const results = [];
    for (const id of input.ids) {
      try {
        const done =
          input.action === 'approve'
            ? await this.approve(actor, id)
            : await this.reject(actor, id, { reason: input.reason ?? 'other', note: input.note });
        results.push({ id, ok: true, status: done.status });
      } catch (err) {
        const code = (err as { code?: string }).code ?? 'internal';
        if (code === 'internal') throw err;
        results.push({ id, ok: false, error: code });
      }
    }
    return { results };
  }

  /** A member reports a post, once; several reports (from trusted, reliable reporters) raise its priority. */
  async report(actorOrNull: Actor | null, postId: number, input: { reason: string; note?: string }) {
    const actor = authorize(actorOrNull, 'post.report');
    assertMayWrite(actor);
    const post = await this.read.posts.getById(postId);
    const thread = post && (await this.read.threads.getById(post.thread_id));
    if (!post || !thread || !canSeeThread(actor, thread) || post.state !== 'published') {
      throw new NotFoundError('post.not_found', 'No such post.');
    }
    if (post.author_id === actor.id) throw new ForbiddenError('report.own_post', 'You cannot report your own post.');
    const record = await this.read.moderation.reporterRecord(actor.id);
    const reliability = record.decided >= 3 ? record.upheld / record.decided : 0.5;
    const priority = 25 + actor.trustLevel * 3 + Math.round(reliability * 10);
    return this.db.transaction().execute(async (trx) => {
      const r = repositories(trx);
      const added = await r.moderation.addReport({
        postId,
        reporterId: actor.id,
        reason: input.reason,
        note: input.note ?? '',
      });
      if (!added) throw new ConflictError('report.duplicate', 'You already reported this post.');
      const item = await r.moderation.openOrMerge({ postId, reasons: ['report'], hits: [], priority, reports: 1 });
      return { reported: true, itemId: item.id };
    });
  }

  async settings(actor: Actor | null) {
    authorize(actor, 'moderation.queue');
    return this.settingsStore.get();
  }

  async updateSettings(actor: Actor | null, patch: Partial<ModerationSettings>) {
    return this.settingsStore.change(authorize(actor, 'rule.edit').id, patch);
  }

  /** The typical wait before a decision (median over the last 30 days), shown to authors of held posts. */
  async typicalWait() {
    return { medianMinutes: await this.read.moderation.medianDecisionMinutes() };
  }
}
