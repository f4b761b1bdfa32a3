/** Shouting and repeated characters: style problems, measured on the original text. */

export interface StyleSpan {
  start: number;
  end: number;
}

/**
 * Shouting: the share of capitals among the letters of words of five letters or more (acronyms such as
 * « SAV », "GR20" or "USB" are short and do not count) reaches `ratio`, over at least `minLetters` letters.
 */
export function findShouting(text: string, minLetters: number, ratio: number): StyleSpan | undefined {
  // Cheap bound first: shouting needs at least ratio × minLetters capitals in words of five letters or more,
  // so that many capitals in runs of five; ordinary prose (« SAV », "GR20") has far fewer.
  let inRuns = 0;
  let run = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 32;
    if ((c >= 65 && c <= 90) || (c >= 0xc0 && c <= 0xde && c !== 0xd7)) run++;
    else {
      if (run >= 5) inRuns += run;
      run = 0;
    }
  }
  if (inRuns < minLetters * ratio * 0.8) return undefined;
  let letters = 0;
  let upper = 0;
  let first = -1;
  let last = -1;
  // One pass over the words: [start, i) is the current run of letters, `caps` its capitals.
  let start = -1;
  let caps = 0;
  const close = (i: number) => {
    const length = i - start;
    if (length >= 5) {
      letters += length;
      upper += caps;
      if (caps === length) {
        if (first < 0) first = start;
        last = i;
      }
    }
    start = -1;
    caps = 0;
  };
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 32;
    let isUpper = false;
    let isLetter = false;
    if (c < 128) {
      isUpper = c >= 65 && c <= 90;
      isLetter = isUpper || (c >= 97 && c <= 122);
    } else if (c < 0xd800 || c > 0xdfff) {
      const ch = text[i]!;
      const lower = ch.toLowerCase();
      const up = ch.toUpperCase();
      isLetter = lower !== up;
      isUpper = isLetter && ch === up;
    }
    if (isLetter) {
      if (start < 0) start = i;
      if (isUpper) caps++;
    } else if (start >= 0) close(i);
  }
  if (letters < minLetters || upper / letters < ratio || first < 0) return undefined;
  return { start: first, end: last };
}

/** Runs of one character repeated `min` times or more: « !!!!!!!! », « trooooooop », "??????". */
export function findRepetitions(text: string, min: number): StyleSpan[] {
  const spans: StyleSpan[] = [];
  let runStart = 0;
  let runCode = text.charCodeAt(0);
  const n = text.length;
  for (let i = 1; i <= n; i++) {
    const c = i < n ? text.charCodeAt(i) : -1;
    if (c === runCode) continue;
    // Markdown rules, headings and code fences are not shouting; white space is not a character to repeat.
    if (i - runStart >= min && !/[\s\-=_*#~`.]/.test(text[runStart]!)) spans.push({ start: runStart, end: i });
    runStart = i;
    runCode = c;
  }
  return spans;
}
