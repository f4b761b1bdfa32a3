import { type Token, tokenize } from './normalize.ts';

/**
 * A compiled word and phrase list. Entries are written in plain language: words separated by spaces
 * (a phrase matches consecutive words), `*` at the end of a word for any ending (« enculé* » also matches
 * « enculés », « enculée »). Entries go through the same normalisation as posts and are compared with each
 * token's forms (see Token.forms), on whole words only.
 */
interface WordPattern {
  exact: string;
  stem: boolean;
}

export interface LexiconMatch {
  /** Index of the first and last token matched. */
  first: number;
  last: number;
  entry: string;
}

export class Lexicon {
  private readonly byFirst = new Map<string, WordPattern[][]>();
  /** Entries starting with a stem, by the stem's first letter. */
  private readonly stemFirst = new Map<string, WordPattern[][]>();
  private readonly entries = new Map<WordPattern[], string>();
  readonly size: number;

  constructor(entries: Iterable<string>) {
    let size = 0;
    const seen = new Set<string>();
    for (const entry of entries) {
      const pattern = compileEntry(entry);
      if (!pattern) continue;
      const key = pattern.map((p) => p.exact + (p.stem ? '*' : '')).join(' ');
      if (seen.has(key)) continue;
      seen.add(key);
      size++;
      this.entries.set(pattern, entry);
      const head = pattern[0]!;
      if (head.stem) {
        const list = this.stemFirst.get(head.exact[0]!) ?? [];
        list.push(pattern);
        this.stemFirst.set(head.exact[0]!, list);
      } else {
        const list = this.byFirst.get(head.exact) ?? [];
        list.push(pattern);
        this.byFirst.set(head.exact, list);
      }
    }
    this.size = size;
  }

  /** Every entry as compiled, with its original text. */
  *patterns(): IterableIterator<[WordPattern[], string]> {
    yield* this.entries.entries();
  }

  /** Every match in the tokens, longest first at each position, non-overlapping. */
  match(tokens: Token[]): LexiconMatch[] {
    const found: LexiconMatch[] = [];
    for (let i = 0; i < tokens.length;) {
      const best = this.longestAt(tokens, i);
      if (best) {
        found.push(best);
        i = best.last + 1;
      } else i++;
    }
    return found;
  }

  /** The longest entry starting exactly at token i, if any. Hot path: no allocation unless something matches. */
  longestAt(tokens: Token[], i: number): LexiconMatch | undefined {
    const t = tokens[i]!;
    let bestPattern: WordPattern[] | undefined;
    for (let f = 0; f < t.forms.length; f++) {
      const list = this.byFirst.get(t.forms[f]!);
      if (list) bestPattern = longest(list, tokens, i, bestPattern);
    }
    const stems = this.stemFirst.get(t.text[0]!);
    if (stems) bestPattern = longest(stems, tokens, i, bestPattern);
    if (t.alt[0] !== t.text[0]) {
      const altStems = this.stemFirst.get(t.alt[0]!);
      if (altStems) bestPattern = longest(altStems, tokens, i, bestPattern);
    }
    return bestPattern
      ? { first: i, last: i + bestPattern.length - 1, entry: this.entries.get(bestPattern)! }
      : undefined;
  }
}

function longest(candidates: WordPattern[][], tokens: Token[], i: number, best: WordPattern[] | undefined) {
  for (const pattern of candidates) {
    if (i + pattern.length > tokens.length || (best && pattern.length <= best.length)) continue;
    let ok = true;
    for (let k = 0; k < pattern.length && ok; k++) ok = wordMatches(pattern[k]!, tokens[i + k]!);
    if (ok) best = pattern;
  }
  return best;
}

function wordMatches(p: WordPattern, t: Token): boolean {
  for (let f = 0; f < t.forms.length; f++) {
    if (p.stem ? t.forms[f]!.startsWith(p.exact) : t.forms[f] === p.exact) return true;
  }
  return false;
}

function compileEntry(entry: string): WordPattern[] | undefined {
  const words = entry.trim().split(/\s+/).filter(Boolean);
  const pattern: WordPattern[] = [];
  for (const word of words) {
    const stem = word.endsWith('*');
    const tokens = tokenize(stem ? word.slice(0, -1) : word);
    tokens.forEach((t, k) => pattern.push({ exact: t.text, stem: stem && k === tokens.length - 1 }));
  }
  // A stem needs a few letters, or it would match half the language.
  if (pattern.length === 0 || pattern.some((p) => p.stem && p.exact.length < 4)) return undefined;
  return pattern;
}

/**
 * Several lexicons matched in one pass over the tokens (one map lookup per token for all of them), each
 * keeping its own longest, non-overlapping matches. The engine matches every word rule of a rule set at once.
 */
export class LexiconGroup {
  private readonly byFirst = new Map<string, [number, WordPattern[], string][]>();

  /**
   * Entries starting with a stem, by the stem's first four letters packed in a number (stems have four
   * letters at least): one lookup per word, and most words start like no stem.
   */
  private readonly stemByHead = new Map<number, [number, WordPattern[], string][]>();

  /** Every entry's first word, for filling in masked letters (« enc*lé »). */
  private readonly heads: WordPattern[] = [];

  /**
   * Bit sets of the entries' first words (by a hash of the whole word) and of the stems (by their first three
   * letters): most words of a post begin no entry, and a bit test costs less than V8 hashing a fresh string for
   * a map lookup. A set bit only means « look in the map ».
   */
  private readonly firstBits = new Uint32Array(1 << 15);
  private readonly stemBits = new Uint32Array(1 << 16);

  constructor(private readonly lexicons: readonly Lexicon[]) {
    const seen = new Set<string>();
    lexicons.forEach((lex, k) => {
      for (const [pattern, entry] of lex.patterns()) {
        const head = pattern[0]!;
        const headId = head.exact + (head.stem ? '*' : '');
        if (!seen.has(headId)) {
          seen.add(headId);
          this.heads.push(head);
        }
        if (head.stem) {
          const key = headKey(head.exact);
          const list = this.stemByHead.get(key) ?? [];
          list.push([k, pattern, entry]);
          this.stemByHead.set(key, list);
          setBit(this.stemBits, stemBit(head.exact));
        } else {
          setBit(this.firstBits, firstBit(head.exact));
          const list = this.byFirst.get(head.exact) ?? [];
          list.push([k, pattern, entry]);
          this.byFirst.set(head.exact, list);
        }
      }
    });
  }

  private unmask(t: Token): void {
    const extra = t.forms.flatMap((f) => fillMasks(f, this.heads));
    for (const e of extra) if (!t.forms.includes(e)) t.forms.push(e);
  }

  /** Per-call state, reused: matching is synchronous, and most lexicons match nothing in most posts. */
  private readonly state: GroupState = { tokens: [], nextFree: [], bestLength: [], bestEntry: [], any: false };

  /** matches[k] holds lexicon k's matches, in order (a shared empty array for a lexicon without any). */
  matchAll(tokens: Token[]): LexiconMatch[][] {
    const count = this.lexicons.length;
    const matches: LexiconMatch[][] = new Array<LexiconMatch[]>(count).fill(NONE);
    const state = this.state;
    state.tokens = tokens;
    const { nextFree, bestLength, bestEntry } = state;
    for (let k = 0; k < count; k++) {
      nextFree[k] = 0;
      bestLength[k] = 0;
      bestEntry[k] = '';
    }
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t.masked) this.unmask(t);
      state.any = false;
      for (let f = 0; f < t.forms.length; f++) {
        const form = t.forms[f]!;
        if (hasBit(this.firstBits, firstBit(form))) considerGroup(this.byFirst.get(form), i, state);
        if (form.length >= 4 && hasBit(this.stemBits, stemBit(form)))
          considerGroup(this.stemByHead.get(headKey(form)), i, state);
      }
      const any = state.any;
      if (!any) continue;
      for (let k = 0; k < count; k++) {
        if (bestLength[k]! > 0) {
          if (matches[k] === NONE) matches[k] = [];
          matches[k]!.push({ first: i, last: i + bestLength[k]! - 1, entry: bestEntry[k]! });
          nextFree[k] = i + bestLength[k]!;
          bestLength[k] = 0;
        }
      }
    }
    return matches;
  }
}

/**
 * A word with letters hidden behind `*` gets, as extra forms, the lexicon words it can be read as: same length,
 * the same letters where they show. It must show most of itself (at least two letters, and no more hidden
 * than shown), so that « f*** » or « *** » stay unread.
 */
function fillMasks(form: string, heads: WordPattern[]): string[] {
  let hidden = 0;
  for (let i = 0; i < form.length; i++) if (form.charCodeAt(i) === 42) hidden++;
  if (hidden === 0 || form.length - hidden < 2 || hidden * 2 > form.length) return [];
  const filled: string[] = [];
  for (const head of heads) {
    const w = head.exact;
    if (head.stem ? w.length > form.length : w.length !== form.length) continue;
    let ok = true;
    for (let i = 0; i < w.length && ok; i++) ok = form[i] === '*' || form[i] === w[i];
    // A stem's ending must show no hidden letter of its own (« enculé* » reads « enc*lés », not « enc*l** »).
    for (let i = w.length; i < form.length && ok; i++) ok = form[i] !== '*';
    if (ok) filled.push(w + form.slice(w.length));
  }
  return filled;
}

const NONE: LexiconMatch[] = Object.freeze([]) as unknown as LexiconMatch[];

interface GroupState {
  tokens: Token[];
  nextFree: number[];
  bestLength: number[];
  bestEntry: string[];
  any: boolean;
}

// A plain function, not a closure made per token: this runs for every word of every post.
function considerGroup(list: [number, WordPattern[], string][] | undefined, i: number, s: GroupState): void {
  if (!list) return;
  for (let c = 0; c < list.length; c++) {
    const [k, pattern, entry] = list[c]!;
    if (s.nextFree[k]! > i || pattern.length <= s.bestLength[k]! || i + pattern.length > s.tokens.length) continue;
    let ok = true;
    for (let p = 0; p < pattern.length && ok; p++) ok = wordMatches(pattern[p]!, s.tokens[i + p]!);
    if (ok) {
      s.bestLength[k] = pattern.length;
      s.bestEntry[k] = entry;
      s.any = true;
    }
  }
}

/** FNV-1a of a whole word, on 20 bits (a million bits for a thousand or so first words: few false alarms). */
function firstBit(word: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 16777619);
  return h >>> 12;
}

/** A word's first three units, seven bits each: 21 bits. */
function stemBit(word: string): number {
  return ((word.charCodeAt(0) & 0x7f) << 14) | ((word.charCodeAt(1) & 0x7f) << 7) | (word.charCodeAt(2) & 0x7f);
}

function setBit(bits: Uint32Array, n: number): void {
  bits[n >>> 5]! |= 1 << (n & 31);
}

function hasBit(bits: Uint32Array, n: number): boolean {
  return (bits[n >>> 5]! & (1 << (n & 31))) !== 0;
}

/**
 * The first four UTF-16 units of a word packed in a small integer, seven bits each (a collision only costs a
 * useless lookup): a small integer is a map key without allocation or float hashing.
 */
function headKey(word: string): number {
  return (
    ((word.charCodeAt(0) & 0x7f) << 21) |
    ((word.charCodeAt(1) & 0x7f) << 14) |
    ((word.charCodeAt(2) & 0x7f) << 7) |
    (word.charCodeAt(3) & 0x7f)
  );
}
