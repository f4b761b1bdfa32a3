import type { Prepared } from './rule-set.ts';

/**
 * What the character-level detectors need to know before they look closer, gathered in one pass over a field
 * (issue 17's speed budget): each of them used to walk the whole text once just to learn that there was
 * nothing for it — six passes over every 2 KB post.
 */
export interface TextStats {
  /** Digits in the text. */
  digits: number;
  /** The longest run of digits where single spaces or dashes may separate them (cards: 15 or more). */
  longestDigitRun: number;
  /** Eight digits close together (at most three of « ().+- » and spaces between two): a phone may be there. */
  phoneLike: boolean;
  /** Capitals in runs of five or more (« SAV » does not count): shouting needs many. */
  capitalsInRuns: number;
  /** The longest run of one repeated character, white space and markdown rules aside. */
  longestRepeat: number;
  /** Money or a percentage is written (€, $, %). */
  money: boolean;
  percent: boolean;
  at: boolean;
}

const isPhoneSeparator = (c: number) =>
  c === 32 || c === 40 || c === 41 || c === 46 || c === 43 || c === 45 || c === 160;
/** Characters whose runs are layout, not shouting: white space, markdown rules, headings, fences. */
const isLayout = (c: number) =>
  c === 32 ||
  c === 10 ||
  c === 13 ||
  c === 9 ||
  c === 45 ||
  c === 61 ||
  c === 95 ||
  c === 42 ||
  c === 35 ||
  c === 126 ||
  c === 96 ||
  c === 46;

export function statsOf(f: Prepared): TextStats {
  if (f.stats) return f.stats;
  const text = f.text;
  let digits = 0;
  let run = 0;
  let longestDigitRun = 0;
  let gap = false;
  let phoneDigits = 0;
  let separators = 0;
  let phoneLike = false;
  let capsRun = 0;
  let capitalsInRuns = 0;
  let repeat = 0;
  let longestRepeat = 0;
  let previous = -1;
  let money = false;
  let percent = false;
  let at = false;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 32;
    // Most characters are lower-case letters: they only end runs of digits and capitals.
    if (c >= 97 && c <= 122) {
      run = 0;
      gap = false;
      phoneDigits = 0;
      if (capsRun > 0) {
        if (capsRun >= 5) capitalsInRuns += capsRun;
        capsRun = 0;
      }
      if (c === previous) {
        if (++repeat > longestRepeat) longestRepeat = repeat;
      } else repeat = 1;
      previous = c;
      continue;
    }
    if (c >= 48 && c <= 57) {
      digits++;
      run++;
      gap = false;
      if (run > longestDigitRun) longestDigitRun = run;
      phoneDigits++;
      separators = 0;
      if (phoneDigits >= 8) phoneLike = true;
    } else {
      if ((c === 32 || c === 45) && !gap && run > 0) gap = true;
      else {
        run = 0;
        gap = false;
      }
      if (isPhoneSeparator(c) && phoneDigits > 0 && separators < 3) separators++;
      else {
        phoneDigits = 0;
        separators = 0;
      }
    }
    if ((c >= 65 && c <= 90) || (c >= 0xc0 && c <= 0xde && c !== 0xd7)) capsRun++;
    else {
      if (capsRun >= 5) capitalsInRuns += capsRun;
      capsRun = 0;
    }
    if (c === previous) {
      if (++repeat > longestRepeat && !isLayout(c)) longestRepeat = repeat;
    } else repeat = 1;
    previous = c;
    if (c === 0x20ac || c === 36) money = true;
    else if (c === 37) percent = true;
    else if (c === 64) at = true;
  }
  f.stats = { digits, longestDigitRun, phoneLike, capitalsInRuns, longestRepeat, money, percent, at };
  return f.stats;
}
