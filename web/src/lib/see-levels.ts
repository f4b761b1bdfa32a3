import type { PostingLevel, SeeLevel } from './api/types.ts';

/**
 * Who may see a category, widest first (the server's access/visibility.ts). The console keeps a draft coherent as
 * the server requires it: never wider than the parent, and start/reply never wider than see.
 */
export const SEE_LEVELS: SeeLevel[] = ['visitor', 'member', 'trust_1', 'trust_2', 'trust_3', 'trust_4', 'staff'];

export const seeRank = (level: SeeLevel): number => SEE_LEVELS.indexOf(level);

/** Is `level` wider than `floor` (seen or usable by more people)? */
export const wider = (level: SeeLevel, floor: SeeLevel): boolean => seeRank(level) < seeRank(floor);

/** The posting level raised to `see` when it was wider. */
export const atLeast = (level: PostingLevel, see: SeeLevel): PostingLevel =>
  wider(level, see) ? (see === 'visitor' ? 'member' : (see as PostingLevel)) : level;
