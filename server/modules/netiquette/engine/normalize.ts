import { skeleton } from '../../../lib/confusables.ts';

/**
 * Text normalisation for matching, with every token mapped back to its span in the original text so that the
 * composer can highlight exactly what the member wrote.
 *
 * Steps (each tested on its own in tests/unit/netiquette-normalize.test.ts):
 *  - Unicode NFKC (full-width and stylised letters become plain ones), ligatures opened (œ → oe);
 *  - zero-width characters, soft hyphens and combining marks removed;
 *  - case and accent folding (É → e);
 *  - look-alike letters of other scripts inside a word (Cyrillic « а », Greek « ο ») folded to the Latin letter
 *    they imitate, through Unicode's confusables (TR39, as usernames are compared: server/lib/confusables.ts);
 *  - leetspeak inside words (0→o, 3→e, 4→a, 1→i or l, $→s, @→a, 5→s, 7→t, !→i);
 *  - masked letters kept in the word (« enc*lé », « f**k »): Token.masked, resolved against the lexicons;
 *  - letters spaced or dotted out joined (« c o n n a r d », « f.u.c.k »);
 *  - French elisions split off (« l'», « qu'», « d'»…): the apostrophe separates words;
 *  - long runs of a repeated letter shortened (« connnnnard », « fuuuuck »).
 * Matching is then done on whole tokens, so « conseil » or « concours » never match « con ».
 *
 * This runs on every post and on every keystroke pause in the composer: ASCII takes a table lookup, other
 * characters are folded once and remembered.
 */

export interface Token {
  /** Letters hidden behind `*` (« enc*lé »): the text keeps a `*` for each, and lexicons fill them in. */
  masked?: true;
  /** Folded text, leetspeak decoded with 1 → i. */
  text: string;
  /** The same with 1 → l, when the token held a 1 (else identical to text). */
  alt: string;
  /**
   * The forms compared with list entries: text and alt, each also with runs of three or more identical
   * letters shortened to two (« connnnard » → « connard ») and to one (« fuuuuck » → « fuck »). Double
   * letters are kept: « coon » is not « con ».
   */
  forms: string[];
  /** Span in the original string (UTF-16 offsets, end exclusive). */
  start: number;
  end: number;
}

export interface FoldedText {
  /** Lower-case, accent-free, invisible characters removed. */
  text: string;
  /** For each UTF-16 unit of `text`, the span of the original character it came from. */
  starts: Int32Array;
  ends: Int32Array;
}

// Combining and variation-selector code points are listed on purpose: each alone is what this matches.
const INVISIBLE =
  // eslint-disable-next-line no-misleading-character-class
  /^[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\uFE00-\uFE0F\uFEFF]$/u;
const MARK = /\p{M}/gu;
const LIGATURES: Record<string, string> = { œ: 'oe', æ: 'ae', ß: 'ss', ĳ: 'ij', ø: 'o', đ: 'd', ł: 'l', ı: 'i' };
/** Letters of the scripts whose look-alikes of Latin letters are used to slip a word past a filter. */
const LOOKALIKE_SCRIPT = /^[\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Armenian}\p{Script=Cherokee}]$/u;
const LATIN_WORD = /^[a-z]{1,2}$/;
const foldCache = new Map<string, string>();

function foldChar(cp: string): string {
  let s = foldCache.get(cp);
  if (s === undefined) {
    if (INVISIBLE.test(cp) || /^\p{M}$/u.test(cp)) s = '';
    else {
      s = cp.normalize('NFKC').normalize('NFD').replace(MARK, '').toLowerCase();
      s = [...s].map((c) => LIGATURES[c] ?? c).join('');
      // « сonnard » with a Cyrillic « с »: the confusable skeleton gives the Latin letter it imitates. A whole
      // Russian or Greek word folds into Latin nonsense that no list holds, which costs nothing.
      if (LOOKALIKE_SCRIPT.test(cp)) {
        // The lunate sigma « ϲ » is a « c » to the eye, but the skeleton's compatibility decomposition first turns
        // it into a final sigma, which imitates nothing.
        const latin = cp === 'ϲ' ? 'c' : skeleton(cp);
        if (LATIN_WORD.test(latin)) s = latin;
      }
    }
    if (foldCache.size < 50_000) foldCache.set(cp, s);
  }
  return s;
}

/** Scratch offset buffers reused by every call: tokenize is synchronous, and allocating them per post costs. */
let scratchStarts = new Int32Array(4096);
let scratchEnds = new Int32Array(4096);

/**
 * Folds the original into lower-case, accent-free text, with for each UTF-16 unit the span of the original
 * character it came from. The offsets live in shared scratch buffers: valid until the next call.
 */
/**
 * `identity`: every character of the text folded to exactly one, so that offsets are unchanged and the offset
 * buffers were not filled (the callers use the offset itself).
 */
function foldInto(original: string): {
  text: string;
  starts: Int32Array;
  ends: Int32Array;
  length: number;
  identity: boolean;
  /** Whether scratchClasses already holds each character's class. */
  classified: boolean;
} {
  const n = original.length;
  // Folding can lengthen the text (« œ » → « oe »), at most threefold for the characters we know.
  if (scratchStarts.length < n * 3 + 8) {
    scratchStarts = new Int32Array(n * 3 + 8);
    scratchEnds = new Int32Array(n * 3 + 8);
  }
  const starts = scratchStarts;
  const ends = scratchEnds;
  if (ASCII.test(original))
    return { text: original.toLowerCase(), starts, ends, length: n, identity: true, classified: false };
  // Most non-ASCII texts are Latin: every character folds to exactly one (« é » → « e »), the offsets are the
  // identity, and one array of codes makes the string without a slice per run.
  const codes = oneToOne(original, n);
  if (codes) {
    const text = UTF16.decode(codes.subarray(0, n));
    return { text, starts, ends, length: n, identity: true, classified: true };
  }
  const parts: string[] = [];
  let k = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j < n && original.charCodeAt(j) < 128) {
      starts[k] = j;
      ends[k++] = j + 1;
      j++;
    }
    if (j > i) {
      parts.push(original.slice(i, j));
      i = j;
      continue;
    }
    const code = original.charCodeAt(i);
    const width = code >= 0xd800 && code <= 0xdbff && i + 1 < n ? 2 : 1;
    const folded = foldChar(width === 1 ? original[i]! : original.slice(i, i + 2));
    if (k + folded.length + 8 > starts.length) return foldInto(original + ' '.repeat(folded.length * 3)); // never: 3× room
    for (let f = 0; f < folded.length; f++) {
      starts[k] = i;
      ends[k++] = i + width;
    }
    parts.push(folded);
    i += width;
  }
  // Folded characters are already lower case; one lower-casing of the whole joins the ASCII runs.
  return { text: parts.join('').toLowerCase(), starts, ends, length: k, identity: false, classified: false };
}

/** Makes a string of UTF-16 code units in native code (three times faster than String.fromCharCode.apply). */
const UTF16 = new TextDecoder('utf-16le', { ignoreBOM: true });
/** Scratch class buffer reused by every call, like the offset buffers. */
let scratchClasses = new Uint8Array(4096);
/** Scratch codes for the one-to-one fold. */
let scratchCodes = new Uint16Array(4096);
/** ASCII upper case to lower case, and every other code below 128 to itself. */
const LOWER = new Uint16Array(128).map((_, c) => (c >= 65 && c <= 90 ? c + 32 : c));
/**
 * BMP code units that fold to one code unit (0: they do not), filled on first use. The whole plane, not just
 * Latin: French typography (« ’ », « … », espaces insécables) would otherwise send most posts down the slow path.
 */
const ONE = new Int32Array(0x10000).fill(-1);

/** The folded codes (and classes, in scratchClasses) when every character of the text folds to exactly one code unit; else undefined. */
function oneToOne(original: string, n: number): Uint16Array | undefined {
  if (scratchCodes.length < n) scratchCodes = new Uint16Array(n * 2);
  if (scratchClasses.length < n + 1) scratchClasses = new Uint8Array(n * 2 + 8);
  const codes = scratchCodes;
  // The characters' classes on the way (see tokenize): one pass fewer over the text.
  const classes = scratchClasses;
  for (let i = 0; i < n; i++) {
    const c = original.charCodeAt(i);
    if (c < 128) {
      const lower = LOWER[c]!;
      codes[i] = lower;
      classes[i] = ASCII_CLASS[lower]!;
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) return undefined;
    let f = ONE[c]!;
    if (f === -1) {
      const folded = foldChar(original[i]!);
      f = folded.length === 1 && folded.charCodeAt(0) < 0xd800 ? folded.charCodeAt(0) : 0;
      ONE[c] = f;
    }
    if (f === 0) return undefined;
    codes[i] = f;
    classes[i] = f < 128 ? ASCII_CLASS[f]! : classOfWide(f);
  }
  return codes;
}

export function fold(original: string): FoldedText {
  const { text, starts, ends, length, identity } = foldInto(original);
  if (identity)
    return {
      text,
      starts: Int32Array.from({ length }, (_, i) => i),
      ends: Int32Array.from({ length }, (_, i) => i + 1),
    };
  return { text, starts: starts.slice(0, length), ends: ends.slice(0, length) };
}

// eslint-disable-next-line no-control-regex -- the whole ASCII range, control characters included
const ASCII = /^[\x00-\x7f]*$/;
const LEET: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '8': 'b',
  $: 's',
  '@': 'a',
  '!': 'i',
  '€': 'e',
  '|': 'l',
};
/** Separators that may stand between the letters of a spelled-out word. */
const SPELL_SEPARATORS = new Set([' ', '.', '-', '_', '*', '·', '•', '/', '+']);

// Character classes: a letter, a digit, a symbol standing for a letter anywhere in a word ($, @, €), or only
// between letters or digits (!, |: « conn!ard », but « connard! » ends with punctuation).
const OTHER = 0;
const LETTER_C = 1;
const DIGIT_C = 2;
const LEET_ANY = 3;
const LEET_IN = 4;
/** `*` standing for hidden letters: only with letters on both sides of its run (« f**k »), else markdown. */
const MASK_C = 5;
const ASCII_CLASS = new Uint8Array(128);
for (let c = 97; c <= 122; c++) ASCII_CLASS[c] = LETTER_C;
for (let c = 48; c <= 57; c++) ASCII_CLASS[c] = DIGIT_C;
ASCII_CLASS[36] = LEET_ANY; // $
ASCII_CLASS[64] = LEET_ANY; // @
ASCII_CLASS[33] = LEET_IN; // !
ASCII_CLASS[124] = LEET_IN; // |
ASCII_CLASS[42] = MASK_C; // *
const LETTER_RE = /\p{L}/u;
const wideClass = new Map<number, number>();

/** Characters beyond ASCII, classified once and remembered (a regular expression test costs more than a lookup). */
function classOfWide(code: number): number {
  let c = wideClass.get(code);
  if (c === undefined) {
    c = code === 0x20ac ? LEET_ANY : LETTER_RE.test(String.fromCharCode(code)) ? LETTER_C : OTHER;
    if (wideClass.size < 20_000) wideClass.set(code, c);
  }
  return c;
}

export const squeeze = (s: string): string => {
  let out = '';
  for (let i = 0; i < s.length; i++) if (s[i] !== s[i - 1]) out += s[i];
  return out;
};

/** Runs of three or more identical letters shortened to `keep` (« connnnard » → « connard » with 2). */
function shorten(s: string, keep: 1 | 2): string {
  if (s.length < 3) return s;
  const chars = [...s];
  let out = '';
  for (let i = 0; i < chars.length;) {
    let j = i + 1;
    while (j < chars.length && chars[j] === chars[i]) j++;
    out += chars[i]!.repeat(j - i >= 3 ? keep : j - i);
    i = j;
  }
  return out;
}

/** Word tokens of a text, leetspeak decoded and spelled-out words joined. */
export function tokenize(original: string): Token[] {
  const { text, starts, ends, length: n, identity, classified } = foldInto(original);
  // Each character's class, once: the loops below read it two or three times (the one-to-one fold has
  // already written them).
  if (scratchClasses.length < n + 1) scratchClasses = new Uint8Array(n * 2 + 8);
  const cls = scratchClasses;
  if (!classified)
    for (let k = 0; k < n; k++) {
      const c = text.charCodeAt(k);
      cls[k] = c < 128 ? ASCII_CLASS[c]! : classOfWide(c);
    }
  cls[n] = OTHER;
  // In a word: letters, digits, $ @ € anywhere; ! and | only between letters or digits (« conn!ard »);
  // `*` as hidden letters (see maskInWord).
  const inWord = (k: number, c: number): boolean => {
    if (c === LETTER_C || c === DIGIT_C || c === LEET_ANY) return true;
    if (c === OTHER) return false;
    if (c === MASK_C) return maskInWord(text, cls, n, k);
    if (k === 0 || k === n - 1) return false;
    const p = cls[k - 1];
    const q = cls[k + 1];
    return (p === LETTER_C || p === DIGIT_C) && (q === LETTER_C || q === DIGIT_C);
  };
  const tokens: Token[] = [];
  // Single-letter words, with where the separator before them starts and ends, for joining spelled-out words
  // afterwards: three numbers each, flat (French has many: « à », « a », « l' », « d' »).
  const singles: number[] = [];
  let sepStart = 0;
  let i = 0;
  while (i < n) {
    const ci = cls[i]!;
    if (ci === OTHER || !inWord(i, ci)) {
      i++;
      continue;
    }
    let j = i;
    let letters = 0;
    let otherCount = 0;
    let hasOne = false;
    let run = 0;
    let maxRun = 0;
    let prevCode = -1;
    let c = ci;
    let masks = 0;
    while (j < n && (c === LETTER_C || inWord(j, c))) {
      const code = text.charCodeAt(j);
      if (c === LETTER_C) letters++;
      else if (c === MASK_C) masks++;
      else {
        otherCount++;
        if (code === 49) hasOne = true;
      }
      if (code === prevCode) {
        if (++run > maxRun) maxRun = run;
      } else run = 1;
      prevCode = code;
      j++;
      c = cls[j]!;
    }
    if (maxRun === 0) maxRun = 1;
    if (letters > 0) {
      const raw = text.slice(i, j);
      let decoded = raw;
      let alt = raw;
      // Leetspeak only where letters dominate: « c0nn4rd » is a word in disguise, « 4x4 » or « GR20 » are names.
      if (otherCount > 0 && letters >= 2 && letters > otherCount) {
        decoded = '';
        alt = '';
        for (const ch of raw) {
          const d = LEET[ch] ?? ch;
          decoded += d;
          alt += ch === '1' ? 'l' : d;
        }
        if (!hasOne) alt = decoded;
      }
      if (j - i === 1) singles.push(tokens.length, sepStart, i);
      const run3 = maxRun >= 3 || (decoded !== raw && (hasRun3(decoded) || hasRun3(alt)));
      const token = makeToken(decoded, alt, identity ? i : starts[i]!, identity ? j : ends[j - 1]!, run3);
      if (masks > 0) {
        token.masked = true;
        const bare = decoded.replaceAll('*', '');
        // « f*u*c*k » is spelled out with stars; « *connard* » is markdown emphasis; « encul* » is cut short.
        if ((bare.length >= 3 && masks >= bare.length - 1) || decoded.endsWith('*')) token.forms.push(bare);
      }
      tokens.push(token);
      sepStart = j;
    }
    // A number is no word: it stays in the separator, which breaks a spelled-out run.
    i = j;
  }
  return singles.length >= 9 ? joinSpelled(tokens, singles, text) : tokens;
}

/** `*` hides letters only with a letter before its run, and a letter after it or a word cut short (« encul* »). */
function maskInWord(text: string, cls: Uint8Array, n: number, k: number): boolean {
  let a = k - 1;
  while (a >= 0 && text.charCodeAt(a) === 42) a--;
  let b = k + 1;
  while (b < n && text.charCodeAt(b) === 42) b++;
  if (a < 0 || b - a > 4 || cls[a] !== LETTER_C) return false;
  if (b < n && cls[b] === LETTER_C) return true;
  // A word's last letters hidden (« encul* »): after three letters, and at most two stars.
  return b - a <= 3 && a >= 2 && cls[a - 1] === LETTER_C && cls[a - 2] === LETTER_C && (b >= n || cls[b] === OTHER);
}

/**
 * Joins runs of three or more single letters separated by one spelling separator: « c o n n a r d ».
 * `singles` holds, for each single letter, its token index and its separator's span in `text`.
 */
function joinSpelled(tokens: Token[], singles: number[], text: string): Token[] {
  const count = singles.length / 3;
  const index = (s: number) => singles[s * 3]!;
  const spelledAfter = (s: number) => isSpellSeparator(text, singles[s * 3 + 1]!, singles[s * 3 + 2]!);
  let out: Token[] | undefined;
  let next = 0;
  for (let a = 0; a < count;) {
    let b = a;
    while (b + 1 < count && index(b + 1) === index(b) + 1 && spelledAfter(b + 1)) b++;
    if (b - a + 1 >= 3) {
      out ??= [];
      const first = index(a);
      const last = index(b);
      while (next < first) out.push(tokens[next++]!);
      let t = '';
      let alt = '';
      for (let k = first; k <= last; k++) {
        t += tokens[k]!.text;
        alt += tokens[k]!.alt;
      }
      out.push(makeToken(t, alt, tokens[first]!.start, tokens[last]!.end, hasRun3(t) || hasRun3(alt)));
      next = last + 1;
    }
    a = b + 1;
  }
  // Most texts spell nothing out: their tokens are returned as they are.
  if (!out) return tokens;
  while (next < tokens.length) out.push(tokens[next++]!);
  return out;
}

function hasRun3(s: string): boolean {
  for (let i = 2; i < s.length; i++) if (s[i] === s[i - 1] && s[i] === s[i - 2]) return true;
  return false;
}

function makeToken(text: string, alt: string, start: number, end: number, run3: boolean): Token {
  const forms = alt === text ? [text] : [text, alt];
  if (run3) {
    for (const f of alt === text ? [text] : [text, alt]) {
      for (const short of [shorten(f, 2), shorten(f, 1)]) if (!forms.includes(short)) forms.push(short);
    }
  }
  return { text, alt, forms, start, end };
}

/** Whether text[start, end) is one spelling separator, or one and a space (« f. u. c. k »). */
function isSpellSeparator(text: string, start: number, end: number): boolean {
  if (end - start === 1) return SPELL_SEPARATORS.has(text[start]!);
  return end - start === 2 && SPELL_SEPARATORS.has(text[start]!) && text.charCodeAt(start + 1) === 32;
}

/** One canonical string for comparing whole texts (duplicates): folded, words only, single spaces. */
export function canonical(original: string): string {
  return tokenize(original)
    .map((t) => t.forms.at(-1))
    .join(' ');
}
