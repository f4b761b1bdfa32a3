import type { Db } from '../../db/kysely.ts';
import { CachedSetting } from '../site/index.ts';

/** Moderation settings community managers change (site setting `moderation`). */
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

export class ModerationSettingsStore extends CachedSetting<ModerationSettings> {
  constructor(db: Db, ttlMs = 2000) {
    super(db, 'moderation', DEFAULT_MODERATION_SETTINGS, ttlMs);
  }
}
