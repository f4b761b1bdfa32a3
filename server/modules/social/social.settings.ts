import type { Db } from '../../db/kysely.ts';
import { CachedSetting } from '../site/index.ts';

/** What community managers set for reactions and tags (one JSON object in site_settings). */
export interface SocialSettings {
  /** The emoji members may react with, in the order they are offered. */
  reactions: string[];
  /** The trust level from which a member may create a tag (staff always may). */
  tagCreateTrustLevel: number;
  /** How many tags a thread may carry. */
  maxTagsPerThread: number;
}

export const DEFAULT_SOCIAL_SETTINGS: SocialSettings = {
  reactions: ['👍', '❤️', '😂', '😮', '🙏', '🎉'],
  tagCreateTrustLevel: 2,
  maxTagsPerThread: 5,
};

export class SocialSettingsStore extends CachedSetting<SocialSettings> {
  constructor(db: Db) {
    super(db, 'social', DEFAULT_SOCIAL_SETTINGS);
  }
}

/** One emoji, as a grapheme: no text, no spaces, at most 16 UTF-16 units (skin tones and ZWJ sequences fit). */
export function isEmoji(value: string): boolean {
  const graphemes = [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(value)];
  return graphemes.length === 1 && value.length <= 16 && /\p{Extended_Pictographic}/u.test(value);
}
