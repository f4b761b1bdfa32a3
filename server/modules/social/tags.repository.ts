import { sql } from 'kysely';
import type { Executor } from '../../db/kysely.ts';

export class TagsRepository {
  constructor(private readonly db: Executor) {}

  list(limit: number) {
    return this.db
      .selectFrom('tags')
      .select(['id', 'name', 'description', 'thread_count'])
      .orderBy('thread_count', 'desc')
      .orderBy('name')
      .limit(limit)
      .execute();
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
