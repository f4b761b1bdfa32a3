import type { ReputationSettings } from './reputation.settings.ts';

/**
 * Trust levels 0–4: new, member, regular, leader (relay), and a level community managers grant. Computed
 * from reputation, account age, approved posts and a clean recent record; sanctions demote. Pure: the
 * caller gathers the member's figures.
 */
export interface TrustFigures {
  reputation: number;
  accountAgeDays: number;
  approvedPosts: number;
  /** Days since the last refusal of one of their posts or the last warning (Infinity: never). */
  daysSinceLastIncident: number;
  activeStrikes: number;
  suspended: boolean;
  banned: boolean;
  granted: boolean;
}

export interface Requirement {
  key: 'reputation' | 'accountAgeDays' | 'approvedPosts' | 'cleanDays';
  current: number;
  needed: number;
  met: boolean;
}

export interface TrustAssessment {
  level: number;
  /** What the next level needs (null at the top, or when a sanction holds the level down). */
  next: { level: number; requirements: Requirement[] } | null;
  /** Why the level is lower than the figures alone would give. */
  cappedBy: 'banned' | 'suspended' | 'warning' | null;
}

function requirements(f: TrustFigures, t: ReputationSettings['trust'][number]): Requirement[] {
  const clean = Number.isFinite(f.daysSinceLastIncident) ? Math.floor(f.daysSinceLastIncident) : t.cleanDays;
  return [
    { key: 'reputation', current: f.reputation, needed: t.reputation, met: f.reputation >= t.reputation },
    {
      key: 'accountAgeDays',
      current: Math.floor(f.accountAgeDays),
      needed: t.accountAgeDays,
      met: f.accountAgeDays >= t.accountAgeDays,
    },
    {
      key: 'approvedPosts',
      current: f.approvedPosts,
      needed: t.approvedPosts,
      met: f.approvedPosts >= t.approvedPosts,
    },
    { key: 'cleanDays', current: Math.min(clean, t.cleanDays), needed: t.cleanDays, met: clean >= t.cleanDays },
  ];
}

export function assessTrust(f: TrustFigures, settings: ReputationSettings): TrustAssessment {
  let earned = 0;
  for (let level = 1; level <= settings.trust.length; level++) {
    if (requirements(f, settings.trust[level - 1]!).every((r) => r.met)) earned = level;
    else break;
  }
  if (f.granted) earned = 4;
  let level = earned;
  let cappedBy: TrustAssessment['cappedBy'] = null;
  if (f.banned || f.suspended) {
    level = 0;
    cappedBy = f.banned ? 'banned' : 'suspended';
  } else if (f.activeStrikes > 0 && level > 1) {
    level = 1;
    cappedBy = 'warning';
  }
  const nextLevel = earned + 1;
  const next =
    cappedBy === null && nextLevel <= settings.trust.length
      ? { level: nextLevel, requirements: requirements(f, settings.trust[nextLevel - 1]!) }
      : null;
  return { level, next, cappedBy };
}
