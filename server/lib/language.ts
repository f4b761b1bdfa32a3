import { franc } from 'franc-min';
import { data } from 'franc-min/data.js';

/** The languages a post is recognised in (franc's ISO 639-3 codes → the ISO 639-1 codes `lang` takes). */
const LANGUAGES = { fra: 'fr', eng: 'en', deu: 'de', spa: 'es', ita: 'it', nld: 'nl', por: 'pt' } as const;
const CANDIDATES = Object.keys(LANGUAGES);

/** Quotations of other posts, code and links are left out: what is scored is what the author says. */
export function authorsProse(markdown: string): string {
  return markdown
    .replace(/^ {0,3}(```|~~~)[^\n]*\n[\s\S]*?(^ {0,3}\1[^\n]*$|(?![\s\S]))/gm, ' ')
    .replace(/`[^`\n]*`/g, ' ')
    .replace(/^ {0,3}>.*$/gm, ' ')
    .replace(/\b(?:https?:\/\/|www\.)\S+/gi, ' ');
}

const MIN_LENGTH = 24;

/**
 * The language a post is written in, from its author's own prose (franc's trigram model, among the languages a
 * European brand's community writes in), or null when the text is too short to tell. Its first 600 characters
 * are enough.
 */
export function textLanguage(markdown: string): string | null {
  const prose = authorsProse(markdown)
    .replace(/[*_#>[\]()!|~-]+/g, ' ')
    .slice(0, 600);
  if (prose.length < MIN_LENGTH) return null;
  const found = latinText(prose) ? closestLatin(prose) : franc(prose, { only: CANDIDATES, minLength: MIN_LENGTH });
  return LANGUAGES[found as keyof typeof LANGUAGES] ?? null;
}

/*
 * franc's answer without two costs it need not pay here (issue 20: franc took 0.12 ms of every post's write, this
 * 0.025 ms, on a 180-character reply): which of its 25 scripts the text is mostly written in, one regular
 * expression over the text each, when all our languages are Latin-script; and its trigram table, an object of
 * several hundred keys built per text. franc scores a language by the sum over the text's distinct trigrams of
 * |occurrences − rank in the language's model − 1| (300 for a trigram the model lacks) and answers the lowest:
 * the same sums here, from franc's own models, with one Map from each trigram to its ranks in ours. A test holds
 * the two to the same answers.
 */

/** Our candidates, in franc's order (which settles ties as franc does), and each trigram's rank in their models. */
const CODES = Object.keys(data.Latin!).filter((code) => CANDIDATES.includes(code));
const NOT_IN_MODEL = -1;
const RANKS = new Map<string, Int16Array>();
CODES.forEach((code, i) => {
  data.Latin![code]!.split('|').forEach((trigram, rank) => {
    let ranks = RANKS.get(trigram);
    if (!ranks) RANKS.set(trigram, (ranks = new Int16Array(CODES.length).fill(NOT_IN_MODEL)));
    ranks[i] = rank;
  });
});
const MAX_DIFFERENCE = 300;

/**
 * Is Latin the script most of the text is written in? More than half of it being letters of Latin-1 and Latin
 * Extended (a part of what franc counts as Latin) settles it; else franc itself decides.
 */
function latinText(text: string): boolean {
  let latin = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7))
      latin++;
  }
  return latin * 2 > text.length;
}

/** franc's closest model among ours (trigram-utils' `clean`, then its trigrams counted). */
function closestLatin(text: string): string {
  const cleaned = ` ${text
    .replace(/[\u0021-\u0040]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase()} `;
  const counts = new Map<string, number>();
  for (let i = 0; i + 3 <= cleaned.length; i++) {
    const trigram = cleaned.slice(i, i + 3);
    counts.set(trigram, (counts.get(trigram) ?? 0) + 1);
  }
  const distances = new Array<number>(CODES.length).fill(0);
  for (const [trigram, count] of counts) {
    const ranks = RANKS.get(trigram);
    for (let i = 0; i < CODES.length; i++) {
      const rank = ranks ? ranks[i]! : NOT_IN_MODEL;
      distances[i]! += rank === NOT_IN_MODEL ? MAX_DIFFERENCE : Math.abs(count - rank - 1);
    }
  }
  let best = 0;
  for (let i = 1; i < CODES.length; i++) if (distances[i]! < distances[best]!) best = i;
  return CODES[best]!;
}
