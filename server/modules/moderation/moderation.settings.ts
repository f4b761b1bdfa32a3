import type { Db } from '../../db/kysely.ts';
import { SiteSettingsRepository } from '../site/site.repository.ts';

/**
 * Moderation settings community managers change (site setting `moderation`), read through a short cache
 * so that the publish path does not query them on every post.
 */
export interface ModerationSettings {
  /** A posteriori ("post" mode): the share of posts reviewed, by the author's trust level 0–4. */
  postSampling: number[];
  /** The time within which an item should be decided; the queue shows each item's age against it. */
  targetMinutes: number;
  /** Active warnings that suspend a member automatically, and for how long. */
  strikeThreshold: number;
  strikeSuspensionDays: number;
  /** How long a warning counts. */
  strikeDays: number;
}

export const DEFAULT_MODERATION_SETTINGS: ModerationSettings = {
  postSampling: [1, 0.1, 0.05, 0, 0],
  targetMinutes: 60,
  strikeThreshold: 3,
  strikeSuspensionDays: 7,
  strikeDays: 90,
};

export class ModerationSettingsStore {
  private readonly settings: SiteSettingsRepository;
  private cached: { value: ModerationSettings; at: number } | undefined;

  constructor(
    db: Db,
    private readonly ttlMs = 2000,
  ) {
    this.settings = new SiteSettingsRepository(db);
  }

  async get(): Promise<ModerationSettings> {
    if (this.cached && Date.now() - this.cached.at < this.ttlMs) return this.cached.value;
    const stored = (await this.settings.get<Partial<ModerationSettings>>('moderation')) ?? {};
    const value = { ...DEFAULT_MODERATION_SETTINGS, ...stored };
    this.cached = { value, at: Date.now() };
    return value;
  }

  async set(patch: Partial<ModerationSettings>): Promise<ModerationSettings> {
    const value = { ...(await this.get()), ...patch };
    await this.settings.set('moderation', value);
    this.cached = { value, at: Date.now() };
    return value;
  }
}
