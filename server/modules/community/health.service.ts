import { type Actor, authorize } from '../../access/access.ts';
import type { Db } from '../../db/kysely.ts';
import { HealthRepository } from './health.repository.ts';

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
  private readonly stats: HealthRepository;

  constructor(db: Db) {
    this.stats = new HealthRepository(db);
  }

  async health(actorOrNull: Actor | null, days: number) {
    authorize(actorOrNull, 'community.health');
    const [series, members, firstReply, questions, moderation, flagged, contributors, rising, alerts] =
      await Promise.all([
        this.stats.daily(days),
        this.stats.members(),
        this.stats.firstReply(days),
        this.stats.questions(days),
        this.stats.moderation(days),
        this.stats.posts(days),
        this.stats.contributors(days),
        this.stats.rising(days),
        this.alerts(),
      ]);
    const m = members.rows[0]!;
    const q = questions.rows[0]!;
    const mod = moderation.rows[0]!;
    const f = flagged.rows[0]!;
    const share = (part: number, whole: number) =>
      Number(whole) === 0 ? 0 : Math.round((Number(part) / Number(whole)) * 1000) / 10;
    return {
      days,
      generatedAt: new Date().toISOString(),
      daily: series.rows.map((r) => ({
        day: r.day,
        posts: Number(r.posts),
        threads: Number(r.threads),
        members: Number(r.members),
        ...counts(r),
      })),
      members: {
        total: Number(m.total),
        new7: Number(m.new7),
        new30: Number(m.new30),
        active7: Number(m.active7),
        active30: Number(m.active30),
      },
      firstReply: {
        medianMinutes: num(firstReply.rows[0]?.median_minutes),
        threadsAnswered: Number(firstReply.rows[0]?.answered ?? 0),
      },
      questions: {
        total: Number(q.total),
        unanswered: Number(q.unanswered),
        unansweredPercent: share(q.unanswered, q.total),
      },
      moderation: {
        open: Number(mod.open),
        decided: Number(mod.decided),
        medianDecisionMinutes: num(mod.median_minutes),
      },
      posts: {
        total: Number(f.posts),
        flagged: Number(f.flagged),
        rejected: Number(f.rejected),
        negative: Number(f.negative),
        flaggedPercent: share(f.flagged, f.posts),
        rejectedPercent: share(f.rejected, f.posts),
        negativePercent: share(f.negative, f.posts),
      },
      topContributors: contributors.rows.map((r) => ({
        username: r.username,
        displayName: r.display_name,
        points: Number(r.points),
        posts: Number(r.posts),
      })),
      risingMembers: rising.rows.map((r) => ({
        username: r.username,
        displayName: r.display_name,
        points: Number(r.points),
        joinedAt: new Date(r.joined).toISOString(),
      })),
      alerts,
    };
  }

  /**
   * The « bad buzz » alert. Warning signs are negative posts (sentiment.ts), netiquette rule hits and reports.
   * Listed: each of the last 7 days whose signs pass the mean of the 28 days before by ALERT_SIGMAS standard
   * deviations (and at least ALERT_MIN, health.repository.ts); and the threads with ALERT_MIN or more signs over the last two days,
   * more than twice as many as in the two days before (a thread that is always heated is not news).
   */
  async alerts() {
    const [days, threads] = await this.stats.alerts();
    return {
      days: days.rows.map((r) => ({ day: r.day, ...counts(r), usual: Math.round(Number(r.usual) * 10) / 10 })),
      threads: threads.rows.map((r) => ({
        threadId: r.thread_id,
        title: r.title,
        ...counts(r),
        previous: Number(r.previous),
        posts: Number(r.posts),
      })),
    };
  }
}

/** A period's warning signs, by kind and in all. */
function counts(r: { negative: number | null; flags: number | null; reports: number | null }) {
  const [negative, flags, reports] = [Number(r.negative ?? 0), Number(r.flags ?? 0), Number(r.reports ?? 0)];
  return { signals: negative + flags + reports, negative, flags, reports };
}
