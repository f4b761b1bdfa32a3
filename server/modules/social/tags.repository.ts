import { sql } from 'kysely';
import { LISTED_THREAD_STATE } from '../../access/visibility.ts';
import { inHiddenCategory } from '../../content/index.ts';
import type { Executor } from '../../db/kysely.ts';

export class TagsRepository {
  constructor(private readonly db: Executor) {}

  /**
   * Tags as a viewer sees them: `thread_count` (kept for everyone) less the published threads in categories the
   * viewer may not see, and without the tags that only such threads carry (their very name may tell). The
   * threads subtracted are counted from the restricted categories' side (`hiddenCategoryIds`, from
   * `idsNotSeenAt`), a few rows, not per tag; for a viewer who sees every category that side is empty.
   */
  private seenBy(hiddenCategoryIds: readonly number[]) {
    return this.db
      .with('hidden', (db) =>
        db
          .selectFrom('threads as t')
          .innerJoin('thread_tags as tt', 'tt.thread_id', 't.id')
          .select(['tt.tag_id', sql<number>`count(*)::int`.as('n')])
          .where('t.state', '=', LISTED_THREAD_STATE)
          .where(inHiddenCategory('t.category_id', hiddenCategoryIds))
          .groupBy('tt.tag_id'),
      )
      .selectFrom('tags')
      .leftJoin('hidden', 'hidden.tag_id', 'tags.id')
      .select([
        'tags.id',
        'tags.name',
        'tags.description',
        sql<number>`greatest(tags.thread_count - coalesce(hidden.n, 0), 0)`.as('thread_count'),
      ])
      .where(sql<boolean>`(hidden.n IS NULL OR tags.thread_count > hidden.n)`);
  }

  list(limit: number, hiddenCategoryIds: readonly number[]) {
    return this.seenBy(hiddenCategoryIds)
      .orderBy(sql`greatest(tags.thread_count - coalesce(hidden.n, 0), 0)`, 'desc')
      .orderBy('tags.name')
      .limit(limit)
      .execute();
  }

  /** One tag as the viewer sees it (`seenBy`): none when only threads they may not see carry it. */
  getSeen(name: string, hiddenCategoryIds: readonly number[]) {
    return this.seenBy(hiddenCategoryIds).where('tags.name', '=', name).executeTakeFirst();
  }

  getByName(name: string) {
    return this.db.selectFrom('tags').selectAll().where('name', '=', name).executeTakeFirst();
  }

  getByNames(names: readonly string[]) {
    if (names.length === 0) return Promise.resolve([]);
    return this.db.selectFrom('tags').selectAll().where('name', 'in', names).execute();
  }

  async create(name: string, description: string, createdBy: number): Promise<number> {
    const row = await this.db
      .insertInto('tags')
      .values({ name, description, created_by: createdBy })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  update(id: number, values: { name?: string; description?: string }) {
    return this.db
      .updateTable('tags')
      .set({ ...values, updated_at: new Date() })
      .where('id', '=', id)
      .execute();
  }

  delete(id: number) {
    return this.db.deleteFrom('tags').where('id', '=', id).execute();
  }

  /** The names of a thread's tags, alphabetically. */
  async forThread(threadId: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('thread_tags')
      .innerJoin('tags', 'tags.id', 'thread_tags.tag_id')
      .select('tags.name')
      .where('thread_tags.thread_id', '=', threadId)
      .orderBy('tags.name')
      .execute();
    return rows.map((r) => r.name);
  }

  /** Makes the thread carry exactly these tags; answers the tags whose counts may have moved. */
  async setForThread(threadId: number, tagIds: readonly number[]): Promise<number[]> {
    const removed = await this.db
      .deleteFrom('thread_tags')
      .where('thread_id', '=', threadId)
      .$if(tagIds.length > 0, (q) => q.where('tag_id', 'not in', tagIds))
      .returning('tag_id')
      .execute();
    if (tagIds.length > 0) {
      await this.db
        .insertInto('thread_tags')
        .values(tagIds.map((tag_id) => ({ thread_id: threadId, tag_id })))
        .onConflict((oc) => oc.columns(['thread_id', 'tag_id']).doNothing())
        .execute();
    }
    return [...tagIds, ...removed.map((r) => r.tag_id)];
  }

  /** Moves every thread of one tag to another (threads carrying both keep one). */
  async moveThreads(fromId: number, toId: number): Promise<void> {
    await sql`
      INSERT INTO thread_tags (thread_id, tag_id)
      SELECT thread_id, ${toId} FROM thread_tags WHERE tag_id = ${fromId}
      ON CONFLICT DO NOTHING`.execute(this.db);
    await this.db.deleteFrom('thread_tags').where('tag_id', '=', fromId).execute();
  }

  /** Recounts the published threads carrying these tags. */
  async recount(tagIds: readonly number[]): Promise<void> {
    if (tagIds.length === 0) return;
    await this.db
      .updateTable('tags')
      .set((eb) => ({
        thread_count: eb
          .selectFrom('thread_tags')
          .innerJoin('threads', 'threads.id', 'thread_tags.thread_id')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('thread_tags.tag_id', '=', 'tags.id')
          .where('threads.state', '=', 'published'),
      }))
      .where('id', 'in', tagIds)
      .execute();
  }
}
