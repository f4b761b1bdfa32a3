import { sql } from 'kysely';
import { type Actor, authorize } from '../../access/access.ts';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/kysely.ts';
import { UnprocessableError } from '../../lib/errors.ts';
import { CachedSetting } from './cached-setting.ts';

/**
 * What community managers change live from the console (site setting `community`). The limits start from the
 * environment's values (TITLE_MIN…, RATE_LIMIT_POSTING), which stay the defaults until someone changes them here.
 */
export interface CommunitySettings {
  /** Whether moderators, community managers and admins appear in leaderboards, top contributors and rising members. */
  staffInLeaderboards: boolean;
  titleMin: number;
  titleMax: number;
  bodyMin: number;
  bodyMax: number;
  /** Threads and replies one member may send per minute. */
  postsPerMinute: number;
}

/** The bounds each limit may be set within (the request schemas' own ceilings are above them). */
export const COMMUNITY_BOUNDS = {
  titleMin: [1, 100],
  titleMax: [10, 1000],
  bodyMin: [1, 1000],
  bodyMax: [100, 500_000],
  postsPerMinute: [1, 1000],
} as const;

export function communityDefaults(config: Pick<Config, 'limits' | 'rateLimits'>): CommunitySettings {
  return {
    staffInLeaderboards: false,
    titleMin: config.limits.titleMin,
    titleMax: config.limits.titleMax,
    bodyMin: config.limits.bodyMin,
    bodyMax: config.limits.bodyMax,
    postsPerMinute: config.rateLimits.posting,
  };
}

/**
 * The community's live settings: read on hot paths through the 2 s cache (publishing checks lengths, the posting
 * limit reads its maximum), changed by community managers with an audit row of what changed, from what.
 */
export class CommunitySettingsStore extends CachedSetting<CommunitySettings> {
  constructor(database: Db, config: Pick<Config, 'limits' | 'rateLimits'>, ttlMs = 2000) {
    super(database, 'community', communityDefaults(config), ttlMs);
  }

  async update(actorOrNull: Actor | null, patch: Partial<CommunitySettings>): Promise<CommunitySettings> {
    const actor = authorize(actorOrNull, 'community.settings');
    const before = await this.get();
    const next = { ...before, ...patch };
    for (const [field, [min, max]] of Object.entries(COMMUNITY_BOUNDS)) {
      const value = next[field as keyof typeof COMMUNITY_BOUNDS];
      if (!Number.isInteger(value) || value < min || value > max)
        throw new UnprocessableError('settings.out_of_range', `${field} must be between ${min} and ${max}.`, {
          field,
        });
    }
    if (next.titleMin >= next.titleMax)
      throw new UnprocessableError('settings.min_above_max', 'The shortest title must be shorter than the longest.', {
        field: 'titleMin',
      });
    if (next.bodyMin >= next.bodyMax)
      throw new UnprocessableError('settings.min_above_max', 'The shortest post must be shorter than the longest.', {
        field: 'bodyMin',
      });
    return this.change(actor.id, patch);
  }
}

/**
 * The condition a leaderboard puts on its members (`role` is their role column): members only, unless community
 * managers chose to show staff too. Read in the query itself, so a change is seen on the next read.
 */
export const leaderboardRole = (role: string) =>
  sql<boolean>`(${sql.ref(role)} = 'member' OR EXISTS (SELECT 1 FROM site_settings WHERE key = 'community' AND value->>'staffInLeaderboards' = 'true'))`;
