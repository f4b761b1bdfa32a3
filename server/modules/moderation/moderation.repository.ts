import { sql } from 'kysely';
import type { Executor } from '../../db/kysely.ts';
import type { ModerationReason } from '../../db/types.ts';

export interface QueueFilters {
  status: 'open' | 'approved' | 'rejected';
  reason?: ModerationReason;
  categoryId?: number;
  /** The rank and id of the last item seen (keyset). */
  after?: [number, number];
  limit: number;
}

/**
 * Queue order: a priority (severity of the rule, number and trust of reporters, reason) that waiting raises
 * by one point every ten minutes. `priority + age/600 s` ranks items like `priority * 600 - created_at` does,
 * which does not move with time: a stable key for keyset pagination.
 */
const rank = sql<number>`(moderation_items.priority * 600 - extract(epoch from moderation_items.created_at))::float8`;

export class ModerationRepository {
  constructor(private readonly db: Executor) {}

  /** Queues a post, or adds reasons, hits and priority to the item already waiting for it. */
  async openOrMerge(values: {
    postId: number;
    reasons: ModerationReason[];
    hits: unknown[];
    priority: number;
    reports?: number;
  }) {
    const hits = JSON.stringify(values.hits);
    return this.db
      .insertInto('moderation_items')
      .values({
        post_id: values.postId,
        reasons: values.reasons,
        hits,
        priority: values.priority,
        report_count: values.reports ?? 0,
      })
      .onConflict((oc) =>
        oc
          .column('post_id')
          // A literal, not a parameter: the partial unique index is found only when its predicate is implied
          // whatever the plan (a prepared statement's generic plan knows no parameter's value).
          .where('status', '=', sql.lit('open'))
          .doUpdateSet({
            reasons: sql`(SELECT array_agg(DISTINCT r) FROM unnest(moderation_items.reasons || excluded.reasons) r)`,
            hits: sql`moderation_items.hits || excluded.hits`,
            priority: sql`GREATEST(moderation_items.priority, excluded.priority) + CASE WHEN excluded.report_count > 0 THEN 5 ELSE 0 END`,
            report_count: sql`moderation_items.report_count + excluded.report_count`,
            updated_at: new Date(),
          }),
      )
      .returning(['id'])
      .executeTakeFirstOrThrow();
  }

  queue(filters: QueueFilters) {
    return this.db
      .selectFrom('moderation_items')
      .innerJoin('posts', 'posts.id', 'moderation_items.post_id')
      .innerJoin('threads', 'threads.id', 'posts.thread_id')
      .innerJoin('members as author', 'author.id', 'posts.author_id')
      .leftJoin('members as claimer', 'claimer.id', 'moderation_items.claimed_by')
      .leftJoin('appeals', 'appeals.post_id', 'moderation_items.post_id')
      .select([
        'moderation_items.id',
        'moderation_items.reasons',
        'moderation_items.status',
        'moderation_items.hits',
        'moderation_items.priority',
        'moderation_items.report_count',
        'moderation_items.claimed_by',
        'moderation_items.claimed_at',
        'moderation_items.decided_at',
        'moderation_items.decision_reason',
        'moderation_items.created_at',
        'claimer.username as claimer_username',
        'appeals.message as appeal_message',
        'posts.id as post_id',
        'posts.number as post_number',
        'posts.state as post_state',
        'posts.body_md',
        'posts.body_html',
        'threads.id as thread_id',
        'threads.title as thread_title',
        'threads.category_id',
        'author.id as author_id',
        'author.username as author_username',
        'author.trust_level as author_trust_level',
        'author.created_at as author_created_at',
        'author.post_count as author_post_count',
      ])
      .select(rank.as('rank'))
      .select((eb) =>
        eb
          .selectFrom('moderation_items as past')
          .innerJoin('posts as past_post', 'past_post.id', 'past.post_id')
          .select(
            sql<string>`count(*) FILTER (WHERE past.status = 'rejected')::int || '/' || count(*) FILTER (WHERE past.status <> 'open')::int`.as(
              'x',
            ),
          )
          .whereRef('past_post.author_id', '=', 'posts.author_id')
          .as('author_record'),
      )
      .where('moderation_items.status', '=', filters.status)
      .$if(filters.reason !== undefined, (q) =>
        q.where(sql<boolean>`${filters.reason} = ANY(moderation_items.reasons)`),
      )
      .$if(filters.categoryId !== undefined, (q) => q.where('threads.category_id', '=', filters.categoryId!))
      .$if(filters.after !== undefined, (q) =>
        q.where(sql<boolean>`(${rank}, -moderation_items.id) < (${filters.after![0]}::float8, ${-filters.after![1]})`),
      )
      .orderBy(rank, 'desc')
      .orderBy('moderation_items.id', 'asc')
      .limit(filters.limit)
      .execute();
  }

  getById(id: number) {
    return this.db.selectFrom('moderation_items').selectAll().where('id', '=', id).executeTakeFirst();
  }

  medianDecisionMinutes(): Promise<number | null> {
    return this.db
      .selectFrom('moderation_items')
      .select(
        sql<
          number | null
        >`percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch from decided_at - created_at) / 60)`.as('m'),
      )
      .where('status', '<>', 'open')
      .where('decided_at', '>', sql<Date>`now() - interval '30 days'`)
      .executeTakeFirstOrThrow()
      .then((r) => (r.m === null ? null : Math.round(Number(r.m))));
  }

  countOpen() {
    return this.db
      .selectFrom('moderation_items')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('status', '=', 'open')
      .executeTakeFirstOrThrow()
      .then((r) => r.n);
  }

  /** Claims an open item unless another moderator holds it; returns undefined when it cannot. */
  claim(id: number, moderatorId: number) {
    return this.db
      .updateTable('moderation_items')
      .set({ claimed_by: moderatorId, claimed_at: new Date(), updated_at: new Date() })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .where((eb) => eb.or([eb('claimed_by', 'is', null), eb('claimed_by', '=', moderatorId)]))
      .returningAll()
      .executeTakeFirst();
  }

  /** The decision, only if the item is still open: of two moderators deciding at once, one wins. */
  decide(
    id: number,
    values: { status: 'approved' | 'rejected'; moderatorId: number; reason: string | null; note: string | null },
  ) {
    return this.db
      .updateTable('moderation_items')
      .set({
        status: values.status,
        decided_by: values.moderatorId,
        decided_at: new Date(),
        decision_reason: values.reason,
        decision_note: values.note,
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .returningAll()
      .executeTakeFirst();
  }

  settleReports(postId: number, upheld: boolean) {
    return this.db
      .updateTable('reports')
      .set({ upheld, updated_at: new Date() })
      .where('post_id', '=', postId)
      .where('upheld', 'is', null)
      .execute();
  }

  addReport(values: { postId: number; reporterId: number; reason: string; note: string }) {
    return this.db
      .insertInto('reports')
      .values({ post_id: values.postId, reporter_id: values.reporterId, reason: values.reason, note: values.note })
      .onConflict((oc) => oc.columns(['post_id', 'reporter_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
  }

  /**
   * The reports behind the listed items, each with its reporter and how often that reporter's reports were
   * upheld (a moderator weighs a report by its author's record). One query for the whole page.
   */
  reportsFor(postIds: number[]) {
    if (postIds.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('reports')
      .innerJoin('members as reporter', 'reporter.id', 'reports.reporter_id')
      .select([
        'reports.id',
        'reports.post_id',
        'reports.reason',
        'reports.note',
        'reports.upheld',
        'reports.created_at',
        'reporter.id as reporter_id',
        'reporter.username as reporter_username',
        'reporter.display_name as reporter_display_name',
      ])
      .select((eb) =>
        eb
          .selectFrom('reports as past')
          .select(
            sql<string>`count(*) FILTER (WHERE past.upheld)::int || '/' || count(*) FILTER (WHERE past.upheld IS NOT NULL)::int`.as(
              'x',
            ),
          )
          .whereRef('past.reporter_id', '=', 'reports.reporter_id')
          .as('reporter_record'),
      )
      .where('reports.post_id', 'in', postIds)
      .orderBy('reports.created_at')
      .execute();
  }

  /**
   * What each listed post answers: the post it replies to, else the thread's opening post (for a reply), so a
   * moderator reads a remark in its conversation.
   */
  contextFor(postIds: number[]) {
    if (postIds.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('posts as item')
      .innerJoin('posts as context', (join) =>
        join.on((eb) =>
          eb.or([
            eb('context.id', '=', eb.ref('item.reply_to_id')),
            eb.and([
              eb('item.reply_to_id', 'is', null),
              eb('item.number', '>', 1),
              eb('context.thread_id', '=', eb.ref('item.thread_id')),
              eb('context.number', '=', 1),
            ]),
          ]),
        ),
      )
      .innerJoin('members as context_author', 'context_author.id', 'context.author_id')
      .select([
        'item.id as post_id',
        'context.id',
        'context.number',
        'context.state',
        sql<string>`left(context.body_md, 600)`.as('body'),
        'context.created_at',
        'context_author.username as author_username',
      ])
      .where('item.id', 'in', postIds)
      .execute();
  }

  /** How often this member's reports were upheld: a reliable reporter weighs more. */
  reporterRecord(reporterId: number) {
    return this.db
      .selectFrom('reports')
      .select([
        sql<number>`count(*) FILTER (WHERE upheld)::int`.as('upheld'),
        sql<number>`count(*) FILTER (WHERE upheld IS NOT NULL)::int`.as('decided'),
      ])
      .where('reporter_id', '=', reporterId)
      .executeTakeFirstOrThrow();
  }
}

export type QueueRow = Awaited<ReturnType<ModerationRepository['queue']>>[number];
