import { sql } from 'kysely';
import { inHiddenCategory, threadSeeLevel } from '../../content/index.ts';
import type { Executor } from '../../db/kysely.ts';
import { type Stat, STATS } from './badges.ts';
import { leaderboardRole } from '../site/index.ts';
import {
  afterLedger,
  type NewEvent,
  ledgerValues,
  reactionLedgerTemplate,
  replyLedgerTemplate,
  trustTemplate,
  trustValues,
  type TrustRow,
  type WantedStats,
} from './ledger.statements.ts';

export type { NewEvent, TrustRow, WantedStats } from './ledger.statements.ts';

export class ReputationRepository {
  constructor(private readonly db: Executor) {}

  /**
   * Records an event once per source key and moves the member's score in the same statement's transaction:
   * true when recorded, false when that source already counted (a replay, a double click).
   */
  async record(e: NewEvent): Promise<boolean> {
    const row = await this.db
      .insertInto('reputation_events')
      .values({
        member_id: e.memberId,
        kind: e.kind,
        points: e.points,
        source_key: e.sourceKey,
        post_id: e.postId ?? null,
        thread_id: e.threadId ?? null,
        category_id: e.categoryId ?? null,
        ...(e.at && { created_at: e.at }),
      })
      .onConflict((oc) => oc.column('source_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!row) return false;
    if (e.points !== 0) await this.addScore(e.memberId, e.points);
    return true;
  }

  /**
   * A published reply's event, its points within the daily cap, the author's score and post count moved, and the
   * author's trust row with the statistics `stats` asked for, in one round trip (see `replyLedgerTemplate`).
   */
  async recordReply(
    e: NewEvent & { since: Date; cap: number; postCount: number },
    stats: WantedStats = [],
  ): Promise<TrustRow | undefined> {
    const template = replyLedgerTemplate(stats.map((s) => s.stat).join(','), {
      db: this.db,
      stats: stats.map((s) => s.stat),
    });
    const values = { ...ledgerValues(e, stats), since: e.since, cap: e.cap, postCount: e.postCount };
    const row = (await this.db.executeQuery(template.with(values))).rows[0];
    return afterLedger(row, { postCount: e.postCount });
  }

  /** Writes the reversing event of an event still standing; false when there is nothing to reverse. */
  async reverse(sourceKey: string): Promise<boolean> {
    const original = await this.db
      .selectFrom('reputation_events')
      .selectAll()
      .where('source_key', '=', sourceKey)
      .where('reverses', 'is', null)
      .executeTakeFirst();
    if (!original) return false;
    const row = await this.db
      .insertInto('reputation_events')
      .values({
        member_id: original.member_id,
        kind: `undo_${original.kind}`,
        points: -original.points,
        source_key: `undo:${original.id}`,
        post_id: original.post_id,
        thread_id: original.thread_id,
        category_id: original.category_id,
        reverses: original.id,
      })
      .onConflict((oc) => oc.column('source_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!row) return false;
    if (original.points !== 0) await this.addScore(original.member_id, -original.points);
    return true;
  }

  /** Source keys of the events a post earned that still stand (for reversing them when it is removed). */
  standingForPost(postId: number): Promise<string[]> {
    return this.db
      .selectFrom('reputation_events as e')
      .select('e.source_key')
      .where('e.post_id', '=', postId)
      .where('e.reverses', 'is', null)
      .where('e.points', '>', 0)
      .where((eb) =>
        eb.not(eb.exists(eb.selectFrom('reputation_events as r').select('r.id').whereRef('r.reverses', '=', 'e.id'))),
      )
      .execute()
      .then((rows) => rows.map((r) => r.source_key));
  }

  /** Source keys of the penalties a post brought that still stand (for reversing them when it is restored). */
  standingPenalties(postId: number) {
    return this.db
      .selectFrom('reputation_events as e')
      .select('e.source_key')
      .where('e.post_id', '=', postId)
      .where('e.source_key', 'like', 'penalty:%')
      .where((eb) =>
        eb.not(eb.exists(eb.selectFrom('reputation_events as r').select('r.id').whereRef('r.reverses', '=', 'e.id'))),
      )
      .execute();
  }

  /**
   * What a member's trust is computed from, and the badges they hold, in one query; with `stats`, also each
   * statistic that automatic badges the member does not hold yet are granted on (`stat_<name>`, null when the
   * member holds every badge of that statistic: its subquery is then never run).
   */
  async trustRow(memberId: number, stats: WantedStats = []): Promise<TrustRow | undefined> {
    const template = trustTemplate(stats.map((s) => s.stat).join(','), {
      db: this.db,
      stats: stats.map((s) => s.stat),
    });
    return (await this.db.executeQuery(template.with(trustValues(memberId, stats)))).rows[0];
  }

  private addScore(memberId: number, points: number) {
    return this.db
      .updateTable('members')
      .set((eb) => ({ reputation: eb('reputation', '+', points) }))
      .where('id', '=', memberId)
      .execute();
  }

  /** A member's ledger, newest first, keyset by id. */
  ledger(memberId: number, beforeId: number | undefined, limit: number) {
    return this.db
      .selectFrom('reputation_events as e')
      .leftJoin('threads as t', 't.id', 'e.thread_id')
      .leftJoin('posts as p', 'p.id', 'e.post_id')
      .select([
        'e.id',
        'e.kind',
        'e.points',
        'e.created_at',
        'e.thread_id',
        't.title as thread_title',
        't.state as thread_state',
        't.author_id as thread_author_id',
        'p.number as post_number',
      ])
      .select(threadSeeLevel('t').as('thread_see_level'))
      .where('e.member_id', '=', memberId)
      .$if(beforeId !== undefined, (q) => q.where('e.id', '<', beforeId!))
      .orderBy('e.id', 'desc')
      .limit(limit)
      .execute();
  }

  /** Points earned over a period (all time when `since` is undefined), optionally in one category. */
  /**
   * Members by the points of the events since `since`, leaving out those earned in categories the viewer may not
   * see (by the event's category, and by its thread's category now, should the thread have moved since): a
   * ranking must not tell who is busy where the viewer may not look.
   */
  leaderboard(options: { since?: Date; categoryId?: number; limit: number; hiddenCategoryIds: readonly number[] }) {
    return this.db
      .selectFrom('reputation_events as e')
      .innerJoin('members as m', 'm.id', 'e.member_id')
      .select([
        'm.id',
        'm.username',
        'm.display_name',
        'm.trust_level',
        'm.avatar_key',
        sql<number>`sum(e.points)::int`.as('points'),
      ])
      .$if(options.since !== undefined, (q) => q.where('e.created_at', '>=', options.since!))
      .$if(options.categoryId !== undefined, (q) => q.where('e.category_id', '=', options.categoryId!))
      .where(sql<boolean>`NOT coalesce(${inHiddenCategory('e.category_id', options.hiddenCategoryIds)}, false)`)
      .where(
        sql<boolean>`NOT coalesce(e.thread_id IN (SELECT t.id FROM threads t
                       WHERE ${inHiddenCategory('t.category_id', options.hiddenCategoryIds)}), false)`,
      )
      .where('m.banned_at', 'is', null)
      .where(leaderboardRole('m.role'))
      .groupBy(['m.id', 'm.username', 'm.display_name', 'm.trust_level', 'm.avatar_key'])
      .having(sql`sum(e.points)`, '>', 0)
      .orderBy('points', 'desc')
      .orderBy('m.id')
      .limit(options.limit)
      .execute();
  }

  /**
   * A like's or helpful mark's event for the post's author (nothing for a like ring), the author's score moved,
   * and the author's trust row with the statistics `stats` asked for, in one round trip (see
   * `reactionLedgerTemplate`).
   */
  async recordReaction(
    e: NewEvent & { kind: 'like' | 'helpful'; likerId: number },
    stats: WantedStats = [],
  ): Promise<TrustRow | undefined> {
    const like = e.kind === 'like';
    const template = reactionLedgerTemplate(`${+like}:${stats.map((s) => s.stat).join(',')}`, {
      db: this.db,
      stats: stats.map((s) => s.stat),
      like,
    });
    const row = (await this.db.executeQuery(template.with({ ...ledgerValues(e, stats), likerId: e.likerId }))).rows[0];
    return afterLedger(row, { postCount: 0 });
  }
}

export class BadgesRepository {
  constructor(private readonly db: Executor) {}

  ensure(
    badges: {
      key: string;
      tier: string;
      manual: boolean;
      criteria: unknown;
      nameFr: string;
      nameEn: string;
      descriptionFr: string;
      descriptionEn: string;
    }[],
  ) {
    return this.db
      .insertInto('badges')
      .values(
        badges.map((b) => ({
          key: b.key,
          tier: b.tier as 'bronze',
          manual: b.manual,
          criteria: b.criteria === null ? null : JSON.stringify(b.criteria),
          name_fr: b.nameFr,
          name_en: b.nameEn,
          description_fr: b.descriptionFr,
          description_en: b.descriptionEn,
        })),
      )
      .onConflict((oc) => oc.column('key').doNothing())
      .returning(['id', 'key'])
      .execute();
  }

  list() {
    return this.db
      .selectFrom('badges as b')
      .selectAll('b')
      .select((eb) =>
        eb
          .selectFrom('member_badges as mb')
          .select(sql<number>`count(*)::int`.as('n'))
          .whereRef('mb.badge_id', '=', 'b.id')
          .as('holders'),
      )
      .orderBy(sql`CASE b.tier WHEN 'gold' THEN 3 WHEN 'silver' THEN 2 ELSE 1 END`, 'desc')
      .orderBy('b.id')
      .execute();
  }

  getByKey(key: string) {
    return this.db.selectFrom('badges').selectAll().where('key', '=', key).executeTakeFirst();
  }

  automatic() {
    return this.db.selectFrom('badges').select(['id', 'key', 'criteria']).where('manual', '=', false).execute();
  }

  holders(badgeId: number, limit: number) {
    return this.db
      .selectFrom('member_badges as mb')
      .innerJoin('members as m', 'm.id', 'mb.member_id')
      .select(['m.id', 'm.username', 'm.display_name', 'mb.created_at', 'mb.reason'])
      .where('mb.badge_id', '=', badgeId)
      .orderBy('mb.created_at', 'desc')
      .limit(limit)
      .execute();
  }

  ofMember(memberId: number) {
    return this.db
      .selectFrom('member_badges as mb')
      .innerJoin('badges as b', 'b.id', 'mb.badge_id')
      .select([
        'b.key',
        'b.tier',
        'b.name_fr',
        'b.name_en',
        'b.description_fr',
        'b.description_en',
        'mb.created_at',
        'mb.reason',
      ])
      .where('mb.member_id', '=', memberId)
      .orderBy(sql`CASE b.tier WHEN 'gold' THEN 3 WHEN 'silver' THEN 2 ELSE 1 END`, 'desc')
      .orderBy('mb.created_at')
      .execute();
  }

  /** Grants once: true when this call granted it (the unique pair makes concurrent grants collapse into one). */
  async grant(memberId: number, badgeId: number, reason = '', awardedBy: number | null = null): Promise<boolean> {
    const row = await this.db
      .insertInto('member_badges')
      .values({ member_id: memberId, badge_id: badgeId, reason, awarded_by: awardedBy })
      .onConflict((oc) => oc.columns(['member_id', 'badge_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  }

  /** The statistics asked for (all by default), for one member, in one query. */
  async stats(memberId: number, only?: readonly Stat[]): Promise<Partial<Record<Stat, number>>> {
    const names = only ?? (Object.keys(STATS) as Stat[]);
    if (names.length === 0) return {};
    const row = await this.db
      .selectFrom('members as m')
      .select(names.map((name) => STATS[name].as(name)))
      .where('m.id', '=', memberId)
      .executeTakeFirst();
    return (row ?? {}) as Partial<Record<Stat, number>>;
  }

  /** Grants a badge to every member who meets its criterion now (when a badge is defined). */
  async backfill(badgeId: number, stat: Stat, min: number) {
    const result = await sql<{ member_id: number }>`
      INSERT INTO member_badges (member_id, badge_id)
      SELECT m.id, ${badgeId} FROM members m WHERE ${STATS[stat]} >= ${min}
      ON CONFLICT (member_id, badge_id) DO NOTHING
      RETURNING member_id`.execute(this.db);
    return result.rows.map((r) => r.member_id);
  }
}
