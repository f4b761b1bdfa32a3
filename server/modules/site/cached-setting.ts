import type { Db, Executor } from '../../db/kysely.ts';
import { AuditRepository } from '../../events/audit.repository.ts';
import { SiteSettingsRepository } from './site.repository.ts';

/**
 * A community-manager setting (a JSON object in site_settings) merged over its defaults and read through a
 * short cache, so that hot paths (publishing, reacting) do not query it every time.
 */
export class CachedSetting<T extends object> {
  private readonly settings: SiteSettingsRepository;
  private cached: { value: T; at: number } | undefined;

  constructor(
    private readonly db: Db,
    private readonly key: string,
    private readonly defaults: T,
    private readonly ttlMs = 2000,
  ) {
    this.settings = new SiteSettingsRepository(db);
  }

  /**
   * The setting, from the cache while it is fresh. Inside a transaction pass its `executor`: a stale cache is then
   * read on the transaction's own connection — asking the pool for another one while holding one deadlocks once
   * every connection is held by a transaction doing the same (many concurrent replies, each earning points).
   */
  async get(executor?: Executor): Promise<T> {
    if (this.cached && Date.now() - this.cached.at < this.ttlMs) return this.cached.value;
    const settings = executor ? new SiteSettingsRepository(executor) : this.settings;
    const stored = (await settings.get<Partial<T>>(this.key)) ?? {};
    const value = { ...this.defaults, ...stored };
    this.cached = { value, at: Date.now() };
    return value;
  }

  /** Stores the merged value (through `executor` to write inside a caller's transaction, with its audit row). */
  async set(patch: Partial<T>, executor?: Executor): Promise<T> {
    const value = { ...(await this.get(executor)), ...patch };
    await (executor ? new SiteSettingsRepository(executor) : this.settings).set(this.key, value);
    this.cached = { value, at: Date.now() };
    return value;
  }

  /**
   * A staff member's change: stored with an audit row naming each changed field, from what to what, in one
   * transaction. Nothing changed, nothing written.
   */
  async change(actorId: number, patch: Partial<T>): Promise<T> {
    const before = await this.get();
    const changed = Object.entries(patch).filter(
      ([key, value]) => value !== undefined && JSON.stringify(value) !== JSON.stringify(before[key as keyof T]),
    );
    if (changed.length === 0) return before;
    return this.db.transaction().execute(async (trx) => {
      await new AuditRepository(trx).record({
        actorId,
        action: `${this.key}.settings_changed`,
        subjectType: 'site',
        subjectId: this.key,
        data: Object.fromEntries(changed.map(([key, to]) => [key, { from: before[key as keyof T], to }])),
      });
      return this.set(patch, trx);
    });
  }
}
