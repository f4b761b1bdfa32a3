import { sql } from 'kysely';
import type { Db } from '../../db/kysely.ts';
import { NEGATIVE_AT } from './sentiment.ts';
import { leaderboardRole } from '../site/index.ts';

/** A day whose warning signs pass their usual level by this many standard deviations (and a floor) is an alert. */
const ALERT_SIGMAS = 3;
const ALERT_MIN = 5;

/** Posts whose tone is at or below this are negative (the predicate of migration 0018's partial index). */
const negative = sql`sentiment <= ${sql.lit(NEGATIVE_AT)}`;

/** The community's health figures, each computed in SQL over a window of days (indexes of migration 0011). */
export class HealthRepository {
  constructor(private readonly db: Db) {}

  /** Activity per day: posts, threads, new members, negative posts, rule hits and reports. */
  daily(days: number) {
    return sql<{
      day: string;
      posts: number;
      threads: number;
      members: number;
      negative: number;
      flags: number;
      reports: number;
    }>`
      WITH days AS (SELECT generate_series(date_trunc('day', now()) - make_interval(days => ${days - 1}), date_trunc('day', now()), interval '1 day') AS day)
      SELECT to_char(d.day, 'YYYY-MM-DD') AS day,
             (SELECT count(*) FROM posts p WHERE p.created_at >= d.day AND p.created_at < d.day + interval '1 day' AND p.state = 'published') AS posts,
             (SELECT count(*) FROM threads t WHERE t.created_at >= d.day AND t.created_at < d.day + interval '1 day' AND t.state = 'published') AS threads,
             (SELECT count(*) FROM members m WHERE m.created_at >= d.day AND m.created_at < d.day + interval '1 day') AS members,
             (SELECT count(*) FROM posts p WHERE p.${negative} AND p.created_at >= d.day AND p.created_at < d.day + interval '1 day') AS negative,
             (SELECT count(*) FROM rule_hits h WHERE h.created_at >= d.day AND h.created_at < d.day + interval '1 day') AS flags,
             (SELECT count(*) FROM reports r WHERE r.created_at >= d.day AND r.created_at < d.day + interval '1 day') AS reports
        FROM days d ORDER BY d.day`.execute(this.db);
  }

  /** New and active members (not banned). */
  members() {
    return sql<{ new7: number; new30: number; active7: number; active30: number; total: number }>`
      SELECT count(*) FILTER (WHERE created_at >= now() - interval '7 days') AS new7,
             count(*) FILTER (WHERE created_at >= now() - interval '30 days') AS new30,
             count(*) FILTER (WHERE last_seen_at >= now() - interval '7 days') AS active7,
             count(*) FILTER (WHERE last_seen_at >= now() - interval '30 days') AS active30,
             count(*) AS total
        FROM members WHERE banned_at IS NULL`.execute(this.db);
  }

  /** The median time to a thread's first reply, over the threads answered. */
  firstReply(days: number) {
    const since = sql`now() - make_interval(days => ${days})`;
    return sql<{ median_minutes: number | null; answered: number }>`
      SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM f.first - t.created_at) / 60) AS median_minutes, count(*) AS answered
        FROM threads t
        -- Posts are numbered in the order they are written: the first reply is the lowest number after 1,
        -- found through the (thread_id, number) index without reading the thread's other replies.
        CROSS JOIN LATERAL (SELECT p.created_at AS first FROM posts p WHERE p.thread_id = t.id AND p.number > 1 AND p.state = 'published'
                             ORDER BY p.number LIMIT 1) f
       WHERE t.created_at >= ${since} AND t.state = 'published'`.execute(this.db);
  }

  /** Questions, and those without an answer. */
  questions(days: number) {
    const since = sql`now() - make_interval(days => ${days})`;
    return sql<{ total: number; unanswered: number }>`
      SELECT count(*) AS total, count(*) FILTER (WHERE reply_count = 0 AND accepted_post_id IS NULL) AS unanswered
        FROM threads WHERE kind = 'question' AND state = 'published' AND created_at >= ${since}`.execute(this.db);
  }

  /** The open items, and how long decisions took. */
  moderation(days: number) {
    const since = sql`now() - make_interval(days => ${days})`;
    return sql<{ open: number; decided: number; median_minutes: number | null }>`
      SELECT (SELECT count(*) FROM moderation_items WHERE status = 'open') AS open,
             count(*) AS decided,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - created_at) / 60) AS median_minutes
        FROM moderation_items WHERE decided_at IS NOT NULL AND created_at >= ${since}`.execute(this.db);
  }

  /** Posts, and the flagged, rejected and negative ones. */
  posts(days: number) {
    const since = sql`now() - make_interval(days => ${days})`;
    return sql<{ posts: number; flagged: number; rejected: number; negative: number }>`
      -- Each count from the narrowest side: the posts' date index, the negative posts' partial index, and the
      -- moderation items (a post is flagged when it has one; a rejected post always does).
      SELECT (SELECT count(*) FROM posts WHERE created_at >= ${since}) AS posts,
             (SELECT count(*) FROM posts WHERE ${negative} AND created_at >= ${since}) AS negative,
             count(DISTINCT i.post_id) AS flagged,
             count(DISTINCT i.post_id) FILTER (WHERE p.state = 'rejected') AS rejected
        FROM moderation_items i JOIN posts p ON p.id = i.post_id WHERE p.created_at >= ${since}`.execute(this.db);
  }

  /** The members who earned the most points. */
  contributors(days: number) {
    const since = sql`now() - make_interval(days => ${days})`;
    return sql<{ username: string; display_name: string; points: number; posts: number }>`
      SELECT m.username, m.display_name, sum(e.points) AS points,
             (SELECT count(*) FROM posts p WHERE p.author_id = m.id AND p.created_at >= ${since} AND p.state = 'published') AS posts
        FROM reputation_events e JOIN members m ON m.id = e.member_id
       WHERE e.created_at >= ${since} AND ${leaderboardRole('m.role')}
       GROUP BY m.id ORDER BY points DESC, m.id LIMIT 10`.execute(this.db);
  }

  /** The members of the last 90 days who earned the most points. */
  rising(days: number) {
    const since = sql`now() - make_interval(days => ${days})`;
    return sql<{ username: string; display_name: string; points: number; joined: Date }>`
      SELECT m.username, m.display_name, sum(e.points) AS points, m.created_at AS joined
        FROM reputation_events e JOIN members m ON m.id = e.member_id
       WHERE e.created_at >= ${since} AND m.created_at >= now() - interval '90 days' AND ${leaderboardRole('m.role')}
       GROUP BY m.id ORDER BY points DESC, m.id LIMIT 10`.execute(this.db);
  }

  /** The days and the threads whose warning signs rise well above their usual level (HealthService.alerts). */
  alerts() {
    const signs = (since: ReturnType<typeof sql>) => sql`
      SELECT created_at, thread_id, 'negative' AS kind FROM posts WHERE ${negative} AND created_at >= ${since}
      UNION ALL SELECT h.created_at, p.thread_id, 'flag' FROM rule_hits h JOIN posts p ON p.id = h.post_id WHERE h.created_at >= ${since}
      UNION ALL SELECT r.created_at, p.thread_id, 'report' FROM reports r JOIN posts p ON p.id = r.post_id WHERE r.created_at >= ${since}`;
    const byKind = sql`count(*) FILTER (WHERE kind = 'negative') AS negative, count(*) FILTER (WHERE kind = 'flag') AS flags,
                       count(*) FILTER (WHERE kind = 'report') AS reports`;
    return Promise.all([
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
      sql<{
        thread_id: number;
        title: string;
        negative: number;
        flags: number;
        reports: number;
        previous: number;
        posts: number;
      }>`
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
  }
}
