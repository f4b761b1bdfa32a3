import { type Insertable, type SelectQueryBuilder, sql, type Updateable } from 'kysely';
import type { Executor } from '../db/kysely.ts';
import { QueryTemplate } from '../db/query-template.ts';
import type { CategoriesTable, Database, SeeLevel } from '../db/types.ts';

/** Writers of one category spread their counter updates over this many rows (migration 0019). */
const COUNT_SHARDS = 32;

/** One of a category's count rows, chosen at random: concurrent writers rarely share a row. */
export function countShard(random: () => number = Math.random): number {
  return Math.floor(random() * COUNT_SHARDS);
}

/** Built and compiled once (issue 20). */
const settingsStatement = (db: Executor) =>
  new QueryTemplate(['id'], (v: { id: number }) => db.selectFrom('categories').selectAll().where('id', '=', v.id));
let settingsTemplate: ReturnType<typeof settingsStatement> | undefined;
const addCountsStatement = (db: Executor) =>
  new QueryTemplate(
    ['id', 'shard', 'threads', 'posts'],
    (v: { id: number; shard: number; threads: number; posts: number }) =>
      db
        .insertInto('category_counts')
        .values({ category_id: v.id, shard: v.shard, threads: v.threads, posts: v.posts })
        .onConflict((oc) =>
          oc.columns(['category_id', 'shard']).doUpdateSet((eb) => ({
            threads: eb('category_counts.threads', '+', eb.ref('excluded.threads')),
            posts: eb('category_counts.posts', '+', eb.ref('excluded.posts')),
          })),
        ),
  );
let addCountsTemplate: ReturnType<typeof addCountsStatement> | undefined;

/** A category row with its counts, summed over their shards. */
const withCounts = <O>(q: SelectQueryBuilder<Database, 'categories', O>) =>
  q
    .selectAll('categories')
    .select([
      sql<number>`coalesce((SELECT sum(k.threads) FROM category_counts k WHERE k.category_id = categories.id), 0)::int`.as(
        'thread_count',
      ),
      sql<number>`coalesce((SELECT sum(k.posts) FROM category_counts k WHERE k.category_id = categories.id), 0)::int`.as(
        'post_count',
      ),
    ]);

export class CategoriesRepository {
  constructor(
    private readonly db: Executor,
    private readonly random: () => number = Math.random,
  ) {}

  list() {
    return withCounts(this.db.selectFrom('categories')).orderBy('position').orderBy('id').execute();
  }

  getById(id: number) {
    return withCounts(this.db.selectFrom('categories')).where('id', '=', id).executeTakeFirst();
  }

  /** The category without its counts (their sums cost a little on every post): what posting reads. */
  async getSettings(id: number) {
    settingsTemplate ??= settingsStatement(this.db);
    return (await this.db.executeQuery(settingsTemplate.with({ id }))).rows[0];
  }

  /** The categories whose see level is none of these (those a viewer may not see). */
  async idsNotSeenAt(seeLevels: readonly SeeLevel[]): Promise<number[]> {
    const rows = await this.db
      .selectFrom('categories')
      .select('id')
      .where('see_level', 'not in', [...seeLevels])
      .execute();
    return rows.map((r) => r.id);
  }

  async exists(id: number): Promise<boolean> {
    return (await this.db.selectFrom('categories').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
  }

  getBySlug(slug: string) {
    return withCounts(this.db.selectFrom('categories')).where('slug', '=', slug).executeTakeFirst();
  }

  /** The sub-categories with their counts, in display order. */
  listChildren(id: number) {
    return withCounts(this.db.selectFrom('categories'))
      .where('parent_id', '=', id)
      .orderBy('position')
      .orderBy('id')
      .execute();
  }

  /** The sub-categories' ids (one level deep), in display order. */
  async childIds(id: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('categories')
      .select('id')
      .where('parent_id', '=', id)
      .orderBy('position')
      .orderBy('id')
      .execute();
    return rows.map((r) => r.id);
  }

  async create(values: Insertable<CategoriesTable>) {
    const row = await this.db.insertInto('categories').values(values).returningAll().executeTakeFirstOrThrow();
    return { ...row, thread_count: 0, post_count: 0 };
  }

  async update(id: number, values: Updateable<CategoriesTable>) {
    await this.db
      .updateTable('categories')
      .set({ ...values, updated_at: new Date() })
      .where('id', '=', id)
      .execute();
    return this.getById(id);
  }

  /** Adds to one shard of the category's counts, chosen at random: concurrent writers rarely share a row. */
  addCounts(id: number, delta: { threads?: number; posts?: number }) {
    const shard = countShard(this.random);
    addCountsTemplate ??= addCountsStatement(this.db);
    return this.db.executeQuery(
      addCountsTemplate.with({ id, shard, threads: delta.threads ?? 0, posts: delta.posts ?? 0 }),
    );
  }
}
