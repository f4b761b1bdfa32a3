import { sql } from 'kysely';
import type { Executor } from '../../db/kysely.ts';
import type { ModerationAction } from '../../db/types.ts';

export interface RuleRow {
  id: number;
  key: string;
  kind: string;
  builtin: boolean;
  action: ModerationAction;
  enabled: boolean;
  category_ids: number[] | null;
  params: unknown;
  name: string;
  message_fr: string;
  message_en: string;
  created_at: Date;
  updated_at: Date;
}

export class NetiquetteRepository {
  constructor(private readonly db: Executor) {}

  list(): Promise<RuleRow[]> {
    return this.db
      .selectFrom('netiquette_rules')
      .selectAll()
      .orderBy('builtin', 'desc')
      .orderBy('id')
      .execute() as Promise<RuleRow[]>;
  }

  getByKey(key: string): Promise<RuleRow | undefined> {
    return this.db.selectFrom('netiquette_rules').selectAll().where('key', '=', key).executeTakeFirst() as Promise<
      RuleRow | undefined
    >;
  }

  /** Changes when any rule changes: what every app node compares to know its compiled set is stale. */
  async version(): Promise<string> {
    const row = await this.db
      .selectFrom('netiquette_rules')
      .select([sql<string>`coalesce(max(updated_at)::text, '')`.as('at'), sql<number>`count(*)::int`.as('n')])
      .executeTakeFirstOrThrow();
    return `${row.at}/${row.n}`;
  }

  /** Inserts the built-in rules a community does not have yet (first start, or a new detector shipped). */
  async ensureBuiltins(
    rules: { key: string; action: ModerationAction; params: unknown; name: string }[],
  ): Promise<void> {
    if (rules.length === 0) return;
    await this.db
      .insertInto('netiquette_rules')
      .values(
        rules.map((r) => ({
          key: r.key,
          kind: r.key,
          builtin: true,
          action: r.action,
          params: JSON.stringify(r.params),
          name: r.name,
        })),
      )
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
  }

  create(values: {
    key: string;
    kind: string;
    action: ModerationAction;
    enabled: boolean;
    categoryIds: number[] | null;
    params: unknown;
    name: string;
    messageFr: string;
    messageEn: string;
    createdBy: number;
  }) {
    return this.db
      .insertInto('netiquette_rules')
      .values({
        key: values.key,
        kind: values.kind,
        action: values.action,
        enabled: values.enabled,
        category_ids: values.categoryIds,
        params: JSON.stringify(values.params),
        name: values.name,
        message_fr: values.messageFr,
        message_en: values.messageEn,
        created_by: values.createdBy,
      })
      .returningAll()
      .executeTakeFirstOrThrow() as Promise<RuleRow>;
  }

  update(
    key: string,
    values: Partial<{
      action: ModerationAction;
      enabled: boolean;
      categoryIds: number[] | null;
      params: unknown;
      name: string;
      messageFr: string;
      messageEn: string;
    }>,
  ) {
    return this.db
      .updateTable('netiquette_rules')
      .set({
        ...(values.action !== undefined && { action: values.action }),
        ...(values.enabled !== undefined && { enabled: values.enabled }),
        ...(values.categoryIds !== undefined && { category_ids: values.categoryIds }),
        ...(values.params !== undefined && { params: JSON.stringify(values.params) }),
        ...(values.name !== undefined && { name: values.name }),
        ...(values.messageFr !== undefined && { message_fr: values.messageFr }),
        ...(values.messageEn !== undefined && { message_en: values.messageEn }),
        updated_at: new Date(),
      })
      .where('key', '=', key)
      .returningAll()
      .executeTakeFirst() as Promise<RuleRow | undefined>;
  }

  delete(key: string) {
    return this.db
      .deleteFrom('netiquette_rules')
      .where('key', '=', key)
      .where('builtin', '=', false)
      .executeTakeFirst();
  }

  nextCustomKey(): Promise<string> {
    return this.db
      .selectFrom('netiquette_rules')
      .select(sql<number>`coalesce(max(id), 0) + 1`.as('n'))
      .executeTakeFirstOrThrow()
      .then((r) => `custom-${r.n}`);
  }

  /** Per rule: hits in the last 30 days, and how moderators decided them (the rule's measured precision). */
  stats() {
    return this.db
      .selectFrom('rule_hits')
      .select([
        'rule_key',
        sql<number>`count(*) FILTER (WHERE created_at > now() - interval '30 days')::int`.as('hits_30d'),
        sql<number>`count(*) FILTER (WHERE outcome = 'rejected')::int`.as('upheld'),
        sql<number>`count(*) FILTER (WHERE outcome = 'approved')::int`.as('overturned'),
      ])
      .groupBy('rule_key')
      .execute();
  }

  /** Hits per rule and week over the last `weeks` weeks (oldest first), for each rule's trend. */
  weekly(weeks: number) {
    return this.db
      .selectFrom('rule_hits')
      .select([
        'rule_key',
        sql<number>`floor(extract(epoch from now() - created_at) / 604800)::int`.as('weeks_ago'),
        sql<number>`count(*)::int`.as('n'),
      ])
      .where('created_at', '>', sql<Date>`now() - make_interval(weeks => ${weeks})`)
      .groupBy(['rule_key', 'weeks_ago'])
      .execute();
  }

  /** Recent published posts with their category, for a backtest. */
  recentPublished(limit: number) {
    return this.db
      .selectFrom('posts')
      .innerJoin('threads', 'threads.id', 'posts.thread_id')
      .select(['posts.id', 'posts.number', 'posts.body_md', 'posts.thread_id', 'threads.title', 'threads.category_id'])
      .where('posts.state', '=', 'published')
      .where('threads.state', '=', 'published')
      .orderBy('posts.id', 'desc')
      .limit(limit)
      .execute();
  }

  /** The author's latest posts, for duplicate and flood checks. */
  recentByAuthor(authorId: number, since: Date) {
    return this.db
      .selectFrom('posts')
      .select(['body_md', 'created_at'])
      .where('author_id', '=', authorId)
      .where('created_at', '>', since)
      .orderBy('created_at', 'desc')
      .limit(50)
      .execute();
  }

  recordHits(postId: number, hits: { ruleKey: string; action: string }[]) {
    if (hits.length === 0) return Promise.resolve();
    return this.db
      .insertInto('rule_hits')
      .values(hits.map((h) => ({ rule_key: h.ruleKey, post_id: postId, action: h.action })))
      .execute()
      .then(() => undefined);
  }

  settleHits(postId: number, outcome: 'approved' | 'rejected') {
    return this.db
      .updateTable('rule_hits')
      .set({ outcome, updated_at: new Date() })
      .where('post_id', '=', postId)
      .where('outcome', 'is', null)
      .execute();
  }
}
