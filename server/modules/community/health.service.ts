import { sql } from 'kysely';
import { type Actor, authorize } from '../../access/access.ts';
import type { Db } from '../../db/kysely.ts';
import { NEGATIVE_AT } from './sentiment.ts';

/** A day whose warning signs pass their usual level by this many standard deviations (and a floor) is an alert. */
const ALERT_SIGMAS = 3;
const ALERT_MIN = 5;

/** Posts whose tone is at or below this are negative (the predicate of migration 0018's partial index). */
const negative = sql`sentiment <= ${sql.lit(NEGATIVE_AT)}`;

/** Minutes to one decimal (null when there is nothing to measure). */
const num = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 10) / 10);

/**
 * The community's health for community managers, every figure computed in SQL over a window of `days`
 * (indexes of migration 0011), all queries sent together:
 * activity per day, new and active members, time to a first reply, unanswered questions, moderation load and
 * speed, flagged and rejected posts, top contributors and rising members, and the « bad buzz » alert: days
 * and threads where warning signs (reports and netiquette rule hits) rise well above their usual level.
 */
export class HealthService {
  constructor(private readonly db: Db) {}

  async health(actorOrNull: Actor | null, days: number) {
    authorize(actorOrNull, 'community.health');
    const since = sql`now() - make_interval(days => ${days})`;
    const [series, members, firstReply, questions, moderation, flagged, contributors, rising, alerts] = await Promise.all([
      sql<{ day: string; posts: number; threads: number; members: number; negative: number; flags: number; reports: number }>`
        WITH days AS (SELECT generate_series(date_trunc('day', now()) - make_interval(days => ${days - 1}), date_trunc('day', now()), interval '1 day') AS day)
        SELECT to_char(d.day, 'YYYY-MM-DD') AS day,
               (SELECT count(*) FROM posts p WHERE p.created_at >= d.day AND p.created_at < d.day + interval '1 day' AND p.state = 'published') AS posts,
               (SELECT count(*) FROM threads t WHERE t.created_at >= d.day AND t.created_at < d.day + interval '1 day' AND t.state = 'published') AS threads,
               (SELECT count(*) FROM members m WHERE m.created_at >= d.day AND m.created_at < d.day + interval '1 day') AS members,
               (SELECT count(*) FROM posts p WHERE p.${negative} AND p.created_at >= d.day AND p.created_at < d.day + interval '1 day') AS negative,
               (SELECT count(*) FROM rule_hits h WHERE h.created_at >= d.day AND h.created_at < d.day + interval '1 day') AS flags,
               (SELECT count(*) FROM reports r WHERE r.created_at >= d.day AND r.created_at < d.day + interval '1 day') AS reports
          FROM days d ORDER BY d.day`.execute(this.db),
      sql<{ new7: number; new30: number; active7: number; active30: number; total: number }>`
        SELECT count(*) FILTER (WHERE created_at >= now() - interval '7 days') AS new7,
               count(*) FILTER (WHERE created_at >= now() - interval '30 days') AS new30,
               count(*) FILTER (WHERE last_seen_at >= now() - interval '7 days') AS active7,
               count(*) FILTER (WHERE last_seen_at >= now() - interval '30 days') AS active30,
               count(*) AS total
          FROM members WHERE banned_at IS NULL`.execute(this.db),
      sql<{ median_minutes: number | null; answered: number }>`
        SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM f.first - t.created_at) / 60) AS median_minutes, count(*) AS answered
          FROM threads t
          -- Posts are numbered in the order they are written: the first reply is the lowest number after 1,
          -- found through the (thread_id, number) index without reading the thread's other replies.
          CROSS JOIN LATERAL (SELECT p.created_at AS first FROM posts p WHERE p.thread_id = t.id AND p.number > 1 AND p.state = 'published'
                               ORDER BY p.number LIMIT 1) f
         WHERE t.created_at >= ${since} AND t.state = 'published'`.execute(this.db),
      sql<{ total: number; unanswered: number }>`
        SELECT count(*) AS total, count(*) FILTER (WHERE reply_count = 0 AND accepted_post_id IS NULL) AS unanswered
          FROM threads WHERE kind = 'question' AND state = 'published' AND created_at >= ${since}`.execute(this.db),
      sql<{ open: number; decided: number; median_minutes: number | null }>`
        SELECT (SELECT count(*) FROM moderation_items WHERE status = 'open') AS open,
               count(*) AS decided,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - created_at) / 60) AS median_minutes
          FROM moderation_items WHERE decided_at IS NOT NULL AND created_at >= ${since}`.execute(this.db),
      sql<{ posts: number; flagged: number; rejected: number; negative: number }>`
        -- Each count from the narrowest side: the posts' date index, the negative posts' partial index, and the
        -- moderation items (a post is flagged when it has one; a rejected post always does).
        SELECT (SELECT count(*) FROM posts WHERE created_at >= ${since}) AS posts,
               (SELECT count(*) FROM posts WHERE ${negative} AND created_at >= ${since}) AS negative,
               count(DISTINCT i.post_id) AS flagged,
               count(DISTINCT i.post_id) FILTER (WHERE p.state = 'rejected') AS rejected
          FROM moderation_items i JOIN posts p ON p.id = i.post_id WHERE p.created_at >= ${since}`.execute(this.db),
      sql<{ username: string; display_name: string; points: number; posts: number }>`
        SELECT m.username, m.display_name, sum(e.points) AS points,
               (SELECT count(*) FROM posts p WHERE p.author_id = m.id AND p.created_at >= ${since} AND p.state = 'published') AS posts
          FROM reputation_events e JOIN members m ON m.id = e.member_id
         WHERE e.created_at >= ${since}
         GROUP BY m.id ORDER BY points DESC, m.id LIMIT 10`.execute(this.db),
      sql<{ username: string; display_name: string; points: number; joined: Date }>`
        SELECT m.username, m.display_name, sum(e.points) AS points, m.created_at AS joined
          FROM reputation_events e JOIN members m ON m.id = e.member_id
         WHERE e.created_at >= ${since} AND m.created_at >= now() - interval '90 days'
         GROUP BY m.id ORDER BY points DESC, m.id LIMIT 10`.execute(this.db),
      this.alerts(),
    ]);
    const m = members.rows[0]!;
    const q = questions.rows[0]!;
    const mod = moderation.rows[0]!;
    const f = flagged.rows[0]!;
    const share = (part: number, whole: number) => (Number(whole) === 0 ? 0 : Math.round((Number(part) / Number(whole)) * 1000) / 10);
    return {
      days,
      generatedAt: new Date().toISOString(),
      daily: series.rows.map((r) => ({ day: r.day, posts: Number(r.posts), threads: Number(r.threads), members: Number(r.members), ...counts(r) })),
      members: { total: Number(m.total), new7: Number(m.new7), new30: Number(m.new30), active7: Number(m.active7), active30: Number(m.active30) },
      firstReply: { medianMinutes: num(firstReply.rows[0]?.median_minutes), threadsAnswered: Number(firstReply.rows[0]?.answered ?? 0) },
      questions: { total: Number(q.total), unanswered: Number(q.unanswered), unansweredPercent: share(q.unanswered, q.total) },
      moderation: { open: Number(mod.open), decided: Number(mod.decided), medianDecisionMinutes: num(mod.median_minutes) },
      posts: {
        total: Number(f.posts),
        flagged: Number(f.flagged),
        rejected: Number(f.rejected),
        negative: Number(f.negative),
        flaggedPercent: share(f.flagged, f.posts),
        rejectedPercent: share(f.rejected, f.posts),
        negativePercent: share(f.negative, f.posts),
      },
      topContributors: contributors.rows.map((r) => ({ username: r.username, displayName: r.display_name, points: Number(r.points), posts: Number(r.posts) })),
      risingMembers: rising.rows.map((r) => ({ username: r.username, displayName: r.display_name, points: Number(r.points), joinedAt: new Date(r.joined).toISOString() })),
      alerts,
    };
  }

  /**
   * The « bad buzz » alert. Warning signs are negative posts (sentiment.ts), netiquette rule hits and reports.
   * Listed: each of the last 7 days whose signs pass the mean of the 28 days before by ALERT_SIGMAS standard
   * deviations (and at least ALERT_MIN); and the threads with ALERT_MIN or more signs over the last two days,
   * more than twice as many as in the two days before (a thread that is always heated is not news).
   */
  async alerts() {
    const signs = (since: ReturnType<typeof sql>) => sql`
      SELECT created_at, thread_id, 'negative' AS kind FROM posts WHERE ${negative} AND created_at >= ${since}
      UNION ALL SELECT h.created_at, p.thread_id, 'flag' FROM rule_hits h JOIN posts p ON p.id = h.post_id WHERE h.created_at >= ${since}
      UNION ALL SELECT r.created_at, p.thread_id, 'report' FROM reports r JOIN posts p ON p.id = r.post_id WHERE r.created_at >= ${since}`;
    const byKind = sql`count(*) FILTER (WHERE kind = 'negative') AS negative, count(*) FILTER (WHERE kind = 'flag') AS flags,
                       count(*) FILTER (WHERE kind = 'report') AS reports`;
    const [days, threads] = await Promise.all([
      sql<{ day: string; negative: number; flags: number; reports: number; usual: number }>`
        WITH daily AS (
          SELECT date_trunc('day', created_at) AS day, count(*) AS n, ${byKind}
            FROM (${signs(sql`now() - interval '35 days'`)}) s GROUP BY 1),
        days AS (SELECT generate_series(date_trunc('day', now()) - interval '34 days', date_trunc('day', now()), interval '1 day') AS day),
        filled AS (SELECT d.day, coalesce(x.n, 0) AS n, x.negative, x.flags, x.reports FROM days d LEFT JOIN daily x ON x.day = d.day)
        SELECT to_char(f.day, 'YYYY-MM-DD') AS day, f.negative, f.flags, f.reports, b.mean AS usual
          FROM filled f
          CROSS JOIN LATERAL (SELECT avg(g.n) AS mean, coalesce(stddev_pop(g.n), 0) AS sd FROM filled g
                               WHERE g.day < f.day AND g.day >= f.day - interval '28 days') b
         WHERE f.day >= date_trunc('day', now()) - interval '6 days'
           AND f.n >= ${ALERT_MIN} AND f.n > b.mean + ${ALERT_SIGMAS} * greatest(b.sd, 1)
         ORDER BY f.day`.execute(this.db),
      sql<{ thread_id: number; title: string; negative: number; flags: number; reports: number; previous: number; posts: number }>`
        WITH s AS (
          SELECT thread_id, count(*) FILTER (WHERE created_at >= now() - interval '2 days') AS n,
                 count(*) FILTER (WHERE created_at < now() - interval '2 days') AS previous,
                 count(*) FILTER (WHERE kind = 'negative' AND created_at >= now() - interval '2 days') AS negative,
                 count(*) FILTER (WHERE kind = 'flag' AND created_at >= now() - interval '2 days') AS flags,
                 count(*) FILTER (WHERE kind = 'report' AND created_at >= now() - interval '2 days') AS reports
            FROM (${signs(sql`now() - interval '4 days'`)}) x GROUP BY thread_id)
        SELECT t.id AS thread_id, t.title, s.negative, s.flags, s.reports, s.previous,
               (SELECT count(*) FROM posts p WHERE p.thread_id = t.id AND p.created_at >= now() - interval '2 days') AS posts
          FROM s JOIN threads t ON t.id = s.thread_id
         WHERE s.n >= ${ALERT_MIN} AND s.n > 2 * s.previous AND t.state = 'published'
         ORDER BY s.n DESC, t.id LIMIT 10`.execute(this.db),
    ]);
    return {
      days: days.rows.map((r) => ({ day: r.day, ...counts(r), usual: Math.round(Number(r.usual) * 10) / 10 })),
      threads: threads.rows.map((r) => ({ threadId: r.thread_id, title: r.title, ...counts(r), previous: Number(r.previous), posts: Number(r.posts) })),
    };
  }
}

/** A period's warning signs, by kind and in all. */
function counts(r: { negative: number | null; flags: number | null; reports: number | null }) {
  const [negative, flags, reports] = [Number(r.negative ?? 0), Number(r.flags ?? 0), Number(r.reports ?? 0)];
  return { signals: negative + flags + reports, negative, flags, reports };
}
