import { sql } from 'kysely';
import type { Executor } from '../../db/kysely.ts';
import { templatesByShape } from '../../db/query-template.ts';
import { type Stat, STATS } from './badges.ts';

/**
 * The statements of the reputation ledger that a reply or a like runs (issue 20): each records the event, moves
 * the member's score and reads their trust figures in ONE round trip, built and compiled once per shape.
 */

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

export type TrustValues = { memberId: number } & Record<string, unknown>;

/** The statistics a trust row reads, each with the badges granted on it. */
export type WantedStats = readonly { stat: Stat; badgeIds: readonly number[] }[];

/** The parameters of a trust row: the member, then for each statistic its badges and how many there are. */
export const trustKeys = (stats: readonly Stat[]) => ['memberId', ...stats.flatMap((_, i) => [`ids${i}`, `n${i}`])];
export function trustValues(memberId: number, stats: WantedStats): TrustValues {
  const values: TrustValues = { memberId };
  stats.forEach(({ badgeIds }, i) => {
    values[`ids${i}`] = [...badgeIds];
    values[`n${i}`] = badgeIds.length;
  });
  return values;
}

/** The member's trust and badge figures: the stats asked for, each only while some of its badges are missing. */
export function trustQuery(db: Executor, stats: readonly Stat[], v: TrustValues) {
  return db
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
    .where('m.id', '=', v.memberId);
}
export type TrustRow = NonNullable<Awaited<ReturnType<ReturnType<typeof trustQuery>['executeTakeFirst']>>>;

/** Built and compiled once per list of stats (issue 20: every reply runs it). */
export const trustTemplate = templatesByShape(
  ({ stats }: { db: Executor; stats: Stat[] }) => trustKeys(stats),
  ({ db, stats }, v: TrustValues) => trustQuery(db, stats, v),
);

/**
 * A ledger statement's trust row, read in the statement that recorded the event: the row is the member as the
 * statement found it (a statement does not see its own writes), so the score and post count it moved are added
 * here, to the figures and to the statistics that are those columns.
 */
export function afterLedger(
  row: (TrustRow & { recorded_points: number | null }) | undefined,
  moved: { postCount: number },
): TrustRow | undefined {
  if (!row) return undefined;
  const { recorded_points, ...trust } = row;
  const points = recorded_points ?? 0;
  const stats = trust as Record<string, unknown>;
  if (typeof stats.stat_reputation === 'number') stats.stat_reputation += points;
  if (typeof stats.stat_posts === 'number') stats.stat_posts += moved.postCount;
  return { ...trust, reputation: trust.reputation + points, post_count: trust.post_count + moved.postCount };
}

type LedgerValues = TrustValues & {
  kind: string;
  points: number;
  sourceKey: string;
  postId: number | null;
  threadId: number | null;
  categoryId: number | null;
  at: Date | null;
};
const LEDGER_KEYS = ['kind', 'points', 'sourceKey', 'postId', 'threadId', 'categoryId', 'at'] as const;

/**
 * A published reply's event with the author's trust row, in ONE statement: its points unless the author's
 * replies rewarded since `since` reached `cap` (then 0), recorded once per source key, the author's score (and
 * post count, by `postCount`) moved, and the trust row read (see `afterLedger`).
 */
export const replyLedgerTemplate = templatesByShape(
  ({ stats }: { db: Executor; stats: Stat[] }) => [...trustKeys(stats), ...LEDGER_KEYS, 'since', 'cap', 'postCount'],
  ({ db, stats }, v: LedgerValues & { since: Date; cap: number; postCount: number }) => {
    const statement = sql<TrustRow & { recorded_points: number | null }>`
      WITH rewarded AS (
        SELECT count(*) AS n FROM (
          SELECT 1 FROM reputation_events
           WHERE member_id = ${v.memberId} AND kind = 'reply' AND points > 0 AND created_at >= ${v.since} LIMIT ${v.cap}) r),
      recorded AS (
        INSERT INTO reputation_events (member_id, kind, points, source_key, post_id, thread_id, category_id, created_at)
        SELECT ${v.memberId}, ${v.kind}, CASE WHEN rewarded.n >= ${v.cap} THEN 0 ELSE ${v.points}::int END, ${v.sourceKey},
               ${v.postId}::bigint, ${v.threadId}::bigint, ${v.categoryId}::bigint, COALESCE(${v.at}::timestamptz, now())
          FROM rewarded
        ON CONFLICT (source_key) DO NOTHING
        RETURNING points),
      scored AS (
        UPDATE members SET reputation = reputation + coalesce((SELECT points FROM recorded), 0), post_count = post_count + ${v.postCount}
         WHERE id = ${v.memberId})
      SELECT trust.*, (SELECT points FROM recorded) AS recorded_points FROM (${trustQuery(db, stats, v)}) AS trust`;
    return { compile: () => statement.compile(db) };
  },
);

/**
 * A like's or helpful mark's event for the post's author with the author's trust row, in ONE statement: its
 * points, unless it is a like between two members who like almost only each other (each has given at least 5
 * likes, at least 80 % of them to the other: a ring farming reputation earns nothing), recorded once per source
 * key, the author's score moved, and the trust row read (see `afterLedger`). Counts the like being recorded (the
 * caller wrote it in the same transaction, in an earlier statement).
 */
export const reactionLedgerTemplate = templatesByShape(
  ({ stats, like }: { db: Executor; stats: Stat[]; like: boolean }) =>
    like ? [...trustKeys(stats), ...LEDGER_KEYS, 'likerId'] : [...trustKeys(stats), ...LEDGER_KEYS],
  ({ db, stats, like }, v: LedgerValues & { likerId: number }) => {
    const ring = like
      ? sql`(SELECT a_total >= 5 AND a_to_b * 5 >= a_total * 4 AND b_total >= 5 AND b_to_a * 5 >= b_total * 4
               FROM (SELECT count(*) FILTER (WHERE r.member_id = ${v.likerId}) AS a_total,
                            count(*) FILTER (WHERE r.member_id = ${v.likerId} AND p.author_id = ${v.memberId}) AS a_to_b,
                            count(*) FILTER (WHERE r.member_id = ${v.memberId}) AS b_total,
                            count(*) FILTER (WHERE r.member_id = ${v.memberId} AND p.author_id = ${v.likerId}) AS b_to_a
                       FROM reactions r JOIN posts p ON p.id = r.post_id
                      WHERE r.kind = 'like' AND r.member_id IN (${v.likerId}, ${v.memberId})) counts)`
      : sql`false`;
    const statement = sql<TrustRow & { recorded_points: number | null }>`
      WITH recorded AS (
        INSERT INTO reputation_events (member_id, kind, points, source_key, post_id, thread_id, category_id, created_at)
        VALUES (${v.memberId}, ${v.kind}, CASE WHEN ${ring} THEN 0 ELSE ${v.points}::int END, ${v.sourceKey},
                ${v.postId}::bigint, ${v.threadId}::bigint, ${v.categoryId}::bigint, COALESCE(${v.at}::timestamptz, now()))
        ON CONFLICT (source_key) DO NOTHING
        RETURNING points),
      scored AS (
        UPDATE members SET reputation = reputation + (SELECT points FROM recorded)
         WHERE id = ${v.memberId} AND EXISTS (SELECT 1 FROM recorded WHERE points <> 0))
      SELECT trust.*, (SELECT points FROM recorded) AS recorded_points FROM (${trustQuery(db, stats, v)}) AS trust`;
    return { compile: () => statement.compile(db) };
  },
);

export const ledgerValues = (e: NewEvent, stats: WantedStats): LedgerValues => ({
  ...trustValues(e.memberId, stats),
  kind: e.kind,
  points: e.points,
  sourceKey: e.sourceKey,
  postId: e.postId ?? null,
  threadId: e.threadId ?? null,
  categoryId: e.categoryId ?? null,
  at: e.at ?? null,
});
