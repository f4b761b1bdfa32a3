import { type Token, tokenize } from './normalize.ts';
import type { Prepared } from './rule-set.ts';

/**
 * The little grammar the detectors need around a word the lexicons found: who the sentence is about (first or
 * second person), whether a word stands where an order would (imperative), what comes just before or after.
 * Word classes are written like lexicon entries (`*` for any ending) and normalised like posts.
 */

/** A set of words and stems, compared with every form of a token. */
export class WordSet {
  private readonly exact = new Set<string>();
  private readonly stems: string[] = [];

  constructor(words: readonly string[]) {
    for (const w of words) {
      const stem = w.endsWith('*');
      const folded = tokenize(stem ? w.slice(0, -1) : w)
        .map((t) => t.text)
        .join('');
      if (!folded) continue;
      if (stem) this.stems.push(folded);
      else this.exact.add(folded);
    }
  }

  has(t: Token | undefined): boolean {
    if (!t) return false;
    for (let f = 0; f < t.forms.length; f++) {
      const form = t.forms[f]!;
      if (this.exact.has(form)) return true;
      for (let s = 0; s < this.stems.length; s++) if (form.startsWith(this.stems[s]!)) return true;
    }
    return false;
  }
}

/** Phrases (several words) matched token by token; `*` stems allowed. */
export class PhraseSet {
  private readonly phrases: WordSet[][];

  constructor(phrases: readonly string[]) {
    this.phrases = phrases.map((p) =>
      p
        .split(/\s+/)
        .filter(Boolean)
        .flatMap((w) => (w.endsWith('*') ? [w] : tokenize(w).map((t) => t.text)))
        .map((w) => new WordSet([w])),
    );
  }

  /** The length of the longest phrase starting at token i, or 0. */
  startsAt(tokens: Token[], i: number): number {
    let best = 0;
    for (const p of this.phrases) {
      if (p.length <= best || i + p.length > tokens.length) continue;
      let ok = true;
      for (let k = 0; k < p.length && ok; k++) ok = p[k]!.has(tokens[i + k]);
      if (ok) best = p.length;
    }
    return best;
  }

  /** Whether a phrase ends exactly at token i (its last word is token i). */
  endsAt(tokens: Token[], i: number): boolean {
    for (const p of this.phrases) {
      const begin = i - p.length + 1;
      if (begin < 0) continue;
      let ok = true;
      for (let k = 0; k < p.length && ok; k++) ok = p[k]!.has(tokens[begin + k]);
      if (ok) return true;
    }
    return false;
  }
}

const SENTENCE_END = /[.!?;:\n…()]/;

/**
 * Each token's sentence number in a field (punctuation that closes a sentence or a clause between two tokens
 * starts a new one). Computed on first use only: most posts never reach a detector that asks.
 */
export function sentences(f: Prepared): Int32Array {
  if (f.sentences) return f.sentences;
  const ids = new Int32Array(f.tokens.length);
  let id = 0;
  for (let i = 1; i < f.tokens.length; i++) {
    if (SENTENCE_END.test(f.text.slice(f.tokens[i - 1]!.end, f.tokens[i]!.start))) id++;
    ids[i] = id;
  }
  f.sentences = ids;
  return ids;
}

/** The text between two neighbouring tokens. */
export const gap = (f: Prepared, i: number): string =>
  i <= 0 || i >= f.tokens.length ? '' : f.text.slice(f.tokens[i - 1]!.end, f.tokens[i]!.start);

/** Whether a comma (or a sentence end) separates token i from token i + 1: a clause ends after i. */
export function clauseEndsAfter(f: Prepared, i: number): boolean {
  if (i >= f.tokens.length - 1) return true;
  return /[,.!?;:\n…()]/.test(gap(f, i + 1));
}

/** The first index in [from, to] (inclusive, either direction) of a token in the set, within i's sentence; -1 if none. */
export function findIn(f: Prepared, i: number, set: WordSet, from: number, to: number): number {
  const ids = sentences(f);
  const step = to >= from ? 1 : -1;
  for (let k = from; step > 0 ? k <= to : k >= to; k += step) {
    if (k < 0 || k >= f.tokens.length || ids[k] !== ids[i]) break;
    if (set.has(f.tokens[k])) return k;
  }
  return -1;
}

/** Words that may open an order without being its verb: interjections, vocatives, « va » in « va te pendre ». */
const OPENERS = new WordSet([
  'et',
  'mais',
  'bon',
  'alors',
  'allez',
  'allez',
  'oh',
  'eh',
  'hé',
  'he',
  'ben',
  'bah',
  'donc',
  'maintenant',
  'toi',
  'vous',
  'mec',
  'stp',
  'svp',
  'bref',
  'and',
  'so',
  'now',
  'just',
  'please',
  'pls',
  'plz',
  'hey',
  'oi',
  'mate',
  'dude',
  'then',
  'well',
  'seriously',
  'sérieux',
  'serieux',
]);

/** Whether token i stands where an order's verb does: first of its sentence, openers aside. */
export function imperativeAt(f: Prepared, i: number): boolean {
  const ids = sentences(f);
  for (let k = i - 1; k >= 0 && ids[k] === ids[i]; k--) {
    // « …, just leave »: a clause opened by a comma is a place for an order too.
    if (gap(f, k + 1).includes(',')) return true;
    if (!OPENERS.has(f.tokens[k])) return false;
  }
  return true;
}

export const FIRST_PERSON = new WordSet(['je', 'j', 'moi', 'me', 'm', 'i', 'im', 'ive', 'myself', 'suis', 'am']);
export const SECOND_PERSON = new WordSet([
  'tu',
  't',
  'te',
  'toi',
  'tes',
  'ton',
  'ta',
  'vous',
  'vos',
  'votre',
  'you',
  'your',
  'youre',
  'u',
  'ur',
  'ya',
  'yourself',
]);
