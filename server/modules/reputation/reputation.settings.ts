import type { Db } from '../../db/kysely.ts';
import { CachedSetting } from '../site/index.ts';

/** Points and trust thresholds, editable by community managers (site setting `reputation`). */
export interface ReputationSettings {
  points: {
    reply: number;
    like: number;
    helpful: number;
    accepted: number;
    featured: number;
    rejected: number;
    removedAfterReports: number;
  };
  /** Replies that earn points per member and day (the rest still count as posts). */
  replyDailyCap: number;
  /** What trust levels 1 to 3 need (index 0 is level 1). Level 4 is granted by community managers. */
  trust: { reputation: number; accountAgeDays: number; approvedPosts: number; cleanDays: number }[];
}

export const DEFAULT_REPUTATION_SETTINGS: ReputationSettings = {
  points: { reply: 1, like: 2, helpful: 5, accepted: 15, featured: 10, rejected: -5, removedAfterReports: -10 },
  replyDailyCap: 10,
  trust: [
    { reputation: 5, accountAgeDays: 1, approvedPosts: 3, cleanDays: 0 },
    { reputation: 50, accountAgeDays: 14, approvedPosts: 20, cleanDays: 30 },
    { reputation: 250, accountAgeDays: 60, approvedPosts: 100, cleanDays: 90 },
  ],
};

export class ReputationSettingsStore extends CachedSetting<ReputationSettings> {
  constructor(db: Db, ttlMs = 2000) {
    super(db, 'reputation', DEFAULT_REPUTATION_SETTINGS, ttlMs);
  }
}
