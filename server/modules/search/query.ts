/**
 * Turns what a person typed into a PostgreSQL `tsquery` source string. Pure: no database, unit-tested.
 *
 * Only letters and digits survive, so the result can never carry tsquery operators a visitor wrote (no syntax
 * errors, no injection into the query language); the database's configurations then stem, unaccent and drop
 * stop words. The last word is matched as a prefix while the person is still typing it.
 */
export interface ParsedQuery {
  /** The words kept, lower-cased, in order. */
  words: string[];
  /** `a & b & c:*` (all) or `a | b | c` (any); '' when nothing searchable was typed. */
  tsquery: string;
}

export const MAX_WORDS = 12;
const MAX_WORD_LENGTH = 60;

export function words(input: string): string[] {
  const text = input.normalize('NFC').toLocaleLowerCase('fr').replace(/[’ʼ]/g, "'");
  const found = text.match(/[\p{L}\p{N}]+/gu) ?? [];
  return found.filter((w) => w.length <= MAX_WORD_LENGTH).slice(0, MAX_WORDS);
}

export function parseQuery(
  input: string,
  opts: { match?: 'all' | 'any'; prefix?: boolean; titleOnly?: boolean } = {},
): ParsedQuery {
  const kept = words(input);
  if (kept.length === 0) return { words: [], tsquery: '' };
  // Weight A marks the words of a thread's title (migration 0006).
  const weight = opts.titleOnly ? 'A' : '';
  const terms = kept.map((w, i) => {
    const prefix = opts.prefix && i === kept.length - 1 && !/\s$/.test(input);
    return prefix || weight ? `${w}:${prefix ? '*' : ''}${weight}` : w;
  });
  return { words: kept, tsquery: terms.join(opts.match === 'any' ? ' | ' : ' & ') };
}

export interface Segment {
  text: string;
  hit: boolean;
}

/** Sentinels `ts_headline` puts around the matched words; control characters, stripped from the text first. */
export const HIT_START = '\u0001';
export const HIT_END = '\u0002';

/** Splits a highlighted headline into plain-text segments: the page renders them as text, never as HTML. */
export function segments(headline: string): Segment[] {
  const out: Segment[] = [];
  let rest = headline;
  while (rest.length > 0) {
    const start = rest.indexOf(HIT_START);
    if (start === -1) {
      out.push({ text: rest, hit: false });
      break;
    }
    if (start > 0) out.push({ text: rest.slice(0, start), hit: false });
    const end = rest.indexOf(HIT_END, start + 1);
    const stop = end === -1 ? rest.length : end;
    out.push({ text: rest.slice(start + 1, stop), hit: true });
    rest = rest.slice(stop + 1);
  }
  // Drop empty pieces and join pieces of the same kind.
  return out.reduce<Segment[]>((acc, s) => {
    const last = acc.at(-1);
    if (s.text === '') return acc;
    if (last && last.hit === s.hit) last.text += s.text;
    else acc.push({ ...s });
    return acc;
  }, []);
}

/**
 * Lays highlighted segments back onto the original text: `ts_headline` may drop leading or trailing
 * punctuation (« ? », « » »), which a title must keep. Falls back to the plain text if they do not line up.
 */
export function realign(original: string, parts: Segment[]): Segment[] {
  const out: Segment[] = [];
  let pos = 0;
  for (const part of parts) {
    const at = original.indexOf(part.text, pos);
    if (at === -1) return [{ text: original, hit: false }];
    if (at > pos) out.push({ text: original.slice(pos, at), hit: false });
    out.push(part);
    pos = at + part.text.length;
  }
  if (pos < original.length) out.push({ text: original.slice(pos), hit: false });
  return segments(out.map((s) => (s.hit ? HIT_START + s.text + HIT_END : s.text)).join(''));
}

/** Lexemes of a tsquery's text form (`'chaussur' & 'ete':*`), with whether each is a prefix. */
export function lexemes(tsqueryText: string): { lexeme: string; prefix: boolean }[] {
  return [...tsqueryText.matchAll(/'((?:[^']|'')*)'(:\*?[A-D]*)?/g)].map((m) => ({
    lexeme: m[1]!.replace(/''/g, "'"),
    prefix: (m[2] ?? '').includes('*'),
  }));
}

/**
 * Whether a query is made only of common words, judged by PostgreSQL's own statistics (the most common
 * lexemes of `post_search.doc`). Common: the newest posts are walked in order and the first matches kept,
 * which is quick because matches are dense. Rare (any word outside the common list): the GIN index finds the
 * few matches directly. The planner cannot tell rare from common for a word it has no statistics on.
 */
export function isCommonQuery(
  configs: string[],
  common: ReadonlySet<string>,
  commonList: readonly string[],
  match: 'all' | 'any' = 'all',
): boolean {
  const isCommon = ({ lexeme, prefix }: { lexeme: string; prefix: boolean }) =>
    prefix ? commonList.some((c) => c.startsWith(lexeme)) : common.has(lexeme);
  // The query matches in either language: it is rare only if it is rare in both. All words must match
  // (`all`): one rare word makes it rare; any word may (`any`): one common word makes it common.
  return configs.some((text) => {
    const terms = lexemes(text);
    return terms.length > 0 && (match === 'all' ? terms.every(isCommon) : terms.some(isCommon));
  });
}
