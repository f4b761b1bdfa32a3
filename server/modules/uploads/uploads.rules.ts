import { type Actor, hasRole } from '../../access/access.ts';
import type { Config } from '../../config.ts';

/**
 * What a member may send, by trust level: newcomers (level 0) a quarter of the largest file and `perDay` images
 * a day, each level up more (as Discourse grants uploads with trust). Staff have the largest size and no daily cap.
 */
const SIZE_SHARE = [0.25, 0.5, 1, 1, 1];
const DAILY_FACTOR = [1, 3, 10, 25, 50];

export interface UploadLimits {
  maxBytes: number;
  /** Images per rolling 24 hours; null: no cap. */
  perDay: number | null;
}

export function limitsFor(actor: Actor, config: Config['uploads']): UploadLimits {
  if (hasRole(actor, 'moderator')) return { maxBytes: config.maxBytes, perDay: null };
  const level = Math.max(0, Math.min(actor.trustLevel, SIZE_SHARE.length - 1));
  return {
    maxBytes: Math.floor(config.maxBytes * SIZE_SHARE[level]!),
    perDay: config.perDay * DAILY_FACTOR[level]!,
  };
}
