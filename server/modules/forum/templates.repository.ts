import type { Db } from '../../db/kysely.ts';
import type { ThreadKind } from '../../db/types.ts';

const COLUMNS = ['id', 'locale', 'name', 'kind', 'title', 'body', 'built_in'] as const;

export interface TemplateInput {
  locale: 'fr' | 'en';
  name: string;
  kind: ThreadKind;
  title: string;
  body: string;
}

/** Topic templates (migration 0015). */
export class TemplatesRepository {
  constructor(private readonly db: Db) {}

  list(locale?: 'fr' | 'en') {
    let q = this.db.selectFrom('topic_templates').select(COLUMNS);
    if (locale) q = q.where('locale', '=', locale);
    return q.orderBy('built_in', 'desc').orderBy('name').execute();
  }

  create(values: TemplateInput & { created_by: number }) {
    return this.db.insertInto('topic_templates').values(values).returning(COLUMNS).executeTakeFirstOrThrow();
  }

  update(id: number, values: TemplateInput) {
    return this.db
      .updateTable('topic_templates')
      .set({ ...values, updated_at: new Date() })
      .where('id', '=', id)
      .returning(COLUMNS)
      .executeTakeFirst();
  }

  getById(id: number) {
    return this.db.selectFrom('topic_templates').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  }

  getBuiltIn(id: number) {
    return this.db.selectFrom('topic_templates').select('built_in').where('id', '=', id).executeTakeFirst();
  }

  async delete(id: number): Promise<void> {
    await this.db.deleteFrom('topic_templates').where('id', '=', id).execute();
  }
}

export type TemplateRow = Awaited<ReturnType<TemplatesRepository['list']>>[number];
