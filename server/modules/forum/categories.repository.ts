import type { Insertable, Updateable } from 'kysely';
import type { Executor } from '../../db/kysely.ts';
import type { CategoriesTable } from '../../db/schema.ts';

export class CategoriesRepository {
  constructor(private readonly db: Executor) {}

  list() {
    return this.db.selectFrom('categories').selectAll().orderBy('position').orderBy('id').execute();
  }

  getById(id: number) {
    return this.db.selectFrom('categories').selectAll().where('id', '=', id).executeTakeFirst();
  }

  getBySlug(slug: string) {
    return this.db.selectFrom('categories').selectAll().where('slug', '=', slug).executeTakeFirst();
  }

  create(values: Insertable<CategoriesTable>) {
    return this.db.insertInto('categories').values(values).returningAll().executeTakeFirstOrThrow();
  }

  update(id: number, values: Updateable<CategoriesTable>) {
    return this.db
      .updateTable('categories')
      .set({ ...values, updated_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  addCounts(id: number, delta: { threads?: number; posts?: number }) {
    return this.db
      .updateTable('categories')
      .set((eb) => ({
        thread_count: eb('thread_count', '+', delta.threads ?? 0),
        post_count: eb('post_count', '+', delta.posts ?? 0),
      }))
      .where('id', '=', id)
      .execute();
  }
}
