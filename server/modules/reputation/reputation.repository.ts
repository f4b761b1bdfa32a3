import { sql } from 'kysely';
import { inHiddenCategory, threadSeeLevel } from '../../content/index.ts';
import type { Executor } from '../../db/kysely.ts';
import { templatesByShape } from '../../db/query-template.ts';
import { type Stat, STATS } from './badges.ts';
import { leaderboardRole } from '../site/index.ts';

export interface NewEvent {
  memberId: number;
  kind: string;
  points: number;
  sourceKey: string;
  postId?: number | null;
  threadId?: number | null;
  categoryId?: number | null;
  /** When it happened, if not now (the demo seed replays past activity). */
  at?: Date;
}

type TrustValues = { memberId: number } & Record<string, number | number[]>;

/**
 * The member's trust and badge figures: the stats asked for, each only while some of its badges are missing.
 * Built and compiled once per list of stats (issue 20: every reply runs it).
 */
const trustTemplate = templatesByShape(
  ({ stats }: { db: Executor; stats: Stat[] }) => ['memberId', ...stats.flatMap((_, i) => [`ids${i}`, `n${i}`])],
  ({ db, stats }, v: TrustValues) =>
    db
      .selectFrom('members as m')
      .select([
        'm.trust_level',
        'm.reputation',
        'm.post_count',
        'm.created_at',
        'm.suspended_until',
        'm.banned_at',
        'm.trust_granted',
        'm.role',
        sql<number>`(SELECT count(*)::int FROM member_strikes s WHERE s.member_id = m.id AND s.expires_at > now())`.as(
          'strikes',
        ),
        // The last refusal is kept on the member by a trigger (migration 0021).
        sql<Date | null>`GREATEST((SELECT max(s.created_at) FROM member_strikes s WHERE s.member_id = m.id), m.last_refusal_at)`.as(
          'last_incident',
        ),
        sql<number[]>`ARRAY(SELECT b.badge_id FROM member_badges b WHERE b.member_id = m.id)`.as('badges'),
      ])
      .select(
        stats.map((stat, i) =>
          sql<number | null>`CASE WHEN (SELECT count(*) FROM member_badges b
                                         WHERE b.member_id = m.id AND b.badge_id = ANY(${v[`ids${i}`]}::int[]))
                                     < ${v[`n${i}`]} THEN ${STATS[stat]} END`.as(`stat_${stat}`),
        ),
      )
      .where('m.id', '=', v.memberId),
);

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
   * A published reply's event, in one statement: its points unless the author's replies rewarded since
   * `since` reached `cap` (then 0), recorded once per source key, and the author's score (and post count, by
   * `postCount`) moved. One round trip where counting, recording and the two counters took four.
   */
  async recordReply(e: NewEvent & { since: Date; cap: number; postCount: number }): Promise<void> {
    await sql`
      WITH rewarded AS (
        SELECT count(*) AS n FROM (
          SELECT 1 FROM reputation_events
           WHERE member_id = ${e.memberId} AND kind = 'reply' AND points > 0 AND created_at >= ${e.since} LIMIT ${e.cap}) r),
      recorded AS (
        INSERT INTO reputation_events (member_id, kind, points, source_key, post_id, thread_id, category_id, created_at)
        SELECT ${e.memberId}, 'reply', CASE WHEN rewarded.n >= ${e.cap} THEN 0 ELSE ${e.points}::int END, ${e.sourceKey},
               ${e.postId ?? null}::bigint, ${e.threadId ?? null}::bigint, ${e.categoryId ?? null}::bigint, ${e.at ?? sql`now()`}
          FROM rewarded
        ON CONFLICT (source_key) DO NOTHING
        RETURNING points)
      UPDATE members SET reputation = reputation + coalesce((SELECT points FROM recorded), 0), post_count = post_count + ${e.postCount}
       WHERE id = ${e.memberId}`.execute(this.db);
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
  async trustRow(memberId: number, stats: readonly { stat: Stat; badgeIds: readonly number[] }[] = []) {
    const template = trustTemplate(stats.map((s) => s.stat).join(','), {
      db: this.db,
      stats: stats.map((s) => s.stat),
    });
    const values: TrustValues = { memberId };
    stats.forEach(({ badgeIds }, i) => {
      values[`ids${i}`] = [...badgeIds];
      values[`n${i}`] = badgeIds.length;
    });
    return (await this.db.executeQuery(template.with(values))).rows[0];
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
   * A like's or helpful mark's event for the post's author, in ONE statement: its points, unless it is a like
   * between two members who like almost only each other (each has given at least 5 likes, at least 80 % of them
   * to the other: a ring farming reputation earns nothing), recorded once per source key, and the author's score
   * moved. Counts the like being recorded (the caller wrote it in the same transaction).
   */
  async recordReaction(e: NewEvent & { kind: 'like' | 'helpful'; likerId: number }): Promise<void> {
    const ring =
      e.kind === 'like'
        ? sql`(SELECT a_total >= 5 AND a_to_b * 5 >= a_total * 4 AND b_total >= 5 AND b_to_a * 5 >= b_total * 4
                 FROM (SELECT count(*) FILTER (WHERE r.member_id = ${e.likerId}) AS a_total,
                              count(*) FILTER (WHERE r.member_id = ${e.likerId} AND p.author_id = ${e.memberId}) AS a_to_b,
                              count(*) FILTER (WHERE r.member_id = ${e.memberId}) AS b_total,
                              count(*) FILTER (WHERE r.member_id = ${e.memberId} AND p.author_id = ${e.likerId}) AS b_to_a
                         FROM reactions r JOIN posts p ON p.id = r.post_id
                        WHERE r.kind = 'like' AND r.member_id IN (${e.likerId}, ${e.memberId})) counts)`
        : sql`false`;
    await sql`
      WITH recorded AS (
        INSERT INTO reputation_events (member_id, kind, points, source_key, post_id, thread_id, category_id, created_at)
        VALUES (${e.memberId}, ${e.kind}, CASE WHEN ${ring} THEN 0 ELSE ${e.points}::int END, ${e.sourceKey},
                ${e.postId ?? null}::bigint, ${e.threadId ?? null}::bigint, ${e.categoryId ?? null}::bigint,
                ${e.at ?? sql`now()`})
        ON CONFLICT (source_key) DO NOTHING
        RETURNING points)
      UPDATE members SET reputation = reputation + (SELECT points FROM recorded)
       WHERE id = ${e.memberId} AND EXISTS (SELECT 1 FROM recorded WHERE points <> 0)`.execute(this.db);
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
