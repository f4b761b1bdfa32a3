import type { Db } from '../../db/kysely.ts';
import { SiteSettingsRepository } from './site.repository.ts';

/**
 * A community-manager setting (a JSON object in site_settings) merged over its defaults and read through a
 * short cache, so that hot paths (publishing, reacting) do not query it every time.
 */
export class CachedSetting<T extends object> {
  private readonly settings: SiteSettingsRepository;
  private cached: { value: T; at: number } | undefined;

  constructor(
    db: Db,
    private readonly key: string,
    private readonly defaults: T,
    private readonly ttlMs = 2000,
  ) {
    this.settings = new SiteSettingsRepository(db);
  }

  async get(): Promise<T> {
    if (this.cached && Date.now() - this.cached.at < this.ttlMs) return this.cached.value;
    const stored = (await this.settings.get<Partial<T>>(this.key)) ?? {};
    const value = { ...this.defaults, ...stored };
    this.cached = { value, at: Date.now() };
    return value;
  }

  async set(patch: Partial<T>): Promise<T> {
    const value = { ...(await this.get()), ...patch };
    await this.settings.set(this.key, value);
    this.cached = { value, at: Date.now() };
    return value;
  }
}
