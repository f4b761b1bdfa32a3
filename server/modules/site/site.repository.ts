import { sql } from 'kysely';
import type { Executor } from '../../db/kysely.ts';

export class SiteSettingsRepository {
  constructor(private readonly db: Executor) {}

  async getAll(): Promise<Record<string, unknown>> {
    const rows = await this.db.selectFrom('site_settings').select(['key', 'value']).execute();
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  async get<T>(key: string): Promise<T | undefined> {
    const row = await this.db.selectFrom('site_settings').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value as T | undefined;
  }

  set(key: string, value: unknown) {
    const json = JSON.stringify(value);
    return this.db
      .insertInto('site_settings')
      .values({ key, value: json })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, updated_at: new Date() }))
      .execute();
  }
}

/** Whether the database answers (GET /healthz). */
export class DatabaseProbe {
  constructor(private readonly db: Executor) {}

  async ping(): Promise<void> {
    await sql`SELECT 1`.execute(this.db);
  }
}
