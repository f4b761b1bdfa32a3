import { RE2JS } from 're2js';
import { requiredLiterals } from './literals.ts';
import { type Found, type Prepared, RuleError } from './rule-set.ts';

/**
 * RE2 finds a match's position by simulating an automaton, which costs about as much per pattern as the
 * text is long; deciding *whether* a pattern matches runs on a fast DFA. So all the rule set's patterns are
 * first tested together, as one alternation, and located one by one only in the rare text that matches.
 */
export class RegexPrefilter {
  private readonly patterns: string[] = [];
  private union: RE2JS | null | undefined;
  /** Literals one of which every pattern's match contains (undefined: some pattern has none we can tell). */
  private literals: string[] | undefined = [];
  /** The literals as one alternation of plain strings: a single scan, and nothing a backtracking could blow up. */
  private literalScan: RegExp | undefined;

  add(pattern: string, caseSensitive: boolean): void {
    this.patterns.push(caseSensitive ? pattern : `(?i:${pattern})`);
    this.union = undefined;
    const required = requiredLiterals(pattern);
    this.literals = required && this.literals ? [...new Set([...this.literals, ...required])] : undefined;
    // `iu`: Unicode simple case folding, as RE2's (?i) folds (« ſ » is « s », « ẞ » is « ß », the Kelvin sign
    // « k »), so the text is scanned as it is, without lower-casing a copy of it.
    this.literalScan = this.literals?.length
      ? new RegExp(this.literals.map((l) => l.replace(/[\\^$*+?.()|[\]{}/]/g, '\\$&')).join('|'), 'iu')
      : undefined;
  }

  /** The answer is the same for every regular-expression rule of the set: asked once per field, remembered. */
  mayMatch(f: Prepared): boolean {
    f.regexMaybe ??= this.decide(f);
    return f.regexMaybe;
  }

  private decide(f: Prepared): boolean {
    // Cheapest first: no required literal in the text (case-folded as RE2 folds), no possible match.
    if (this.literalScan && !this.literalScan.test(f.text)) return false;
    if (this.union === undefined) {
      try {
        this.union = this.patterns.length > 1 ? RE2JS.compile(this.patterns.map((p) => `(?:${p})`).join('|')) : null;
      } catch {
        this.union = null; // too large to combine: every pattern runs on its own
      }
    }
    return this.union === null || this.union.test(f.text);
  }
}

export function regexDetector(ruleKey: string, pattern: string, caseSensitive: boolean, prefilter: RegexPrefilter) {
  let re: RE2JS;
  try {
    // RE2 semantics: matching time is linear in the input, whatever the pattern (no catastrophic backtracking).
    re = RE2JS.compile(pattern, caseSensitive ? 0 : RE2JS.CASE_INSENSITIVE);
  } catch (err) {
    throw new RuleError(ruleKey, `invalid regular expression: ${(err as Error).message}`);
  }
  prefilter.add(pattern, caseSensitive);
  return (fields: Prepared[]): Found[] => {
    const found: Found[] = [];
    for (const f of fields) {
      if (!prefilter.mayMatch(f) || !re.test(f.text)) continue;
      const m = re.matcher(f.text);
      let guard = 0;
      while (m.find() && guard++ < 1000) {
        if (m.end() === m.start()) continue; // an empty match highlights nothing
        found.push({ field: f.field, start: m.start(), end: m.end() });
      }
    }
    return found;
  };
}
