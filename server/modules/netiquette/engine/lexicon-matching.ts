import { builtinLexicons } from './builtin-lexicons.ts';
import { type Lexicon, LexiconGroup, type LexiconMatch } from './lexicon.ts';
import type { Token } from './normalize.ts';
import type { Found, Prepared } from './rule-set.ts';

/**
 * The lexicons a rule set uses, matched together in one pass per field. Detectors hold an index into it;
 * the group is built once every detector has registered its lexicons.
 */
export class LexiconRegistry {
  readonly lexicons: Lexicon[] = [];
  private group: LexiconGroup | undefined;

  use(lexicon: Lexicon): number {
    const found = this.lexicons.indexOf(lexicon);
    if (found >= 0) return found;
    this.group = undefined;
    return this.lexicons.push(lexicon) - 1;
  }

  matches(f: Prepared, index: number): LexiconMatch[] {
    this.group ??= new LexiconGroup(this.lexicons);
    f.matches ??= this.group.matchAll(f.tokens);
    return f.matches[index]!;
  }
}

const INTENSIFIERS = new Set([
  'vraiment',
  'trop',
  'completement',
  'totalement',
  'un',
  'une',
  'des',
  'qu',
  'so',
  'such',
  'really',
  'a',
  'an',
  'total',
  'complete',
  'fucking',
  'sacre',
  'sacree',
  'gros',
  'grosse',
  'bien',
  'de',
  'd',
]);

/** Spans covered by allowed phrases (« cul-de-sac ») in a field, so that no word rule hits inside them. */
function allowedSpans(registry: LexiconRegistry, f: Prepared): [number, number][] {
  f.allowed ??= registry
    .matches(f, registry.use(builtinLexicons().allow))
    .map((m) => [f.tokens[m.first]!.start, f.tokens[m.last]!.end]);
  return f.allowed;
}

export function lexiconDetector(registry: LexiconRegistry, lexicons: Lexicon[], options: { directed?: boolean } = {}) {
  const indexes = lexicons.filter((l) => l.size > 0).map((l) => registry.use(l));
  registry.use(builtinLexicons().allow);
  return (fields: Prepared[]): Found[] => {
    const found: Found[] = [];
    for (const f of fields) {
      for (const index of indexes) {
        for (const m of registry.matches(f, index)) {
          if (options.directed && !isDirected(f.tokens, m.first)) continue;
          const start = f.tokens[m.first]!.start;
          const end = f.tokens[m.last]!.end;
          if (allowedSpans(registry, f).some(([a, b]) => a <= start && end <= b)) continue;
          found.push({ field: f.field, start, end });
        }
      }
    }
    return found;
  };
}

/** A mild word is an insult when a directing phrase ends just before it, intensifiers aside. */
function isDirected(tokens: Token[], index: number): boolean {
  const { directed } = builtinLexicons();
  for (let end = index - 1, skipped = 0; end >= 0 && skipped <= 2; end--, skipped++) {
    for (const phrase of directed) {
      const begin = end - phrase.length + 1;
      if (begin >= 0 && phrase.every((w, k) => tokens[begin + k]!.forms.includes(w))) return true;
    }
    if (!tokens[end]!.forms.some((form) => INTENSIFIERS.has(form))) return false;
  }
  return false;
}
