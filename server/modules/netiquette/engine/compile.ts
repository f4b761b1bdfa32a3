import { RE2JS } from 're2js';
import { findCards, findEmails, findIbans, findPhones } from './detectors/personal-data.ts';
import { type FoundLink, findLinks, hostMatches } from './detectors/links.ts';
import { findRepetitions, findShouting } from './detectors/style.ts';
import { Lexicon, LexiconGroup, type LexiconMatch } from './lexicon.ts';
import { requiredLiterals } from './literals.ts';
import { canonical, type Token } from './normalize.ts';
import { BUILTIN_BY_KEY } from './rules.ts';
import type { Action, EvaluationContext, Messages, RuleDefinition } from './types.ts';
import * as lists from './wordlists.ts';

/** One field of the post, normalised once and shared by every rule. */
export interface Prepared {
  field: 'title' | 'body';
  text: string;
  tokens: Token[];
  /** Computed once per evaluation, on first use, and shared by the rules that need them. */
  links?: FoundLink[];
  allowed?: [number, number][];
  /** Matches of every lexicon of the rule set, by lexicon index (see LexiconRegistry). */
  matches?: LexiconMatch[][];
  /** Whether any of the rule set's regular expressions can match this field (one pass for all of them). */
  regexMaybe?: boolean;
  /** The text lower-cased, for the regular expressions' literal prefilter. */
  lowered?: string;
}

/**
 * RE2 finds a match's position by simulating an automaton, which costs about as much per pattern as the
 * text is long; deciding *whether* a pattern matches runs on a fast DFA. So all the rule set's patterns are
 * first tested together, as one alternation, and located one by one only in the rare text that matches.
 */
class RegexPrefilter {
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
    this.literals = required && this.literals ? [...this.literals, ...required] : undefined;
    this.literalScan = this.literals?.length
      ? new RegExp(this.literals.map((l) => l.replace(/[-\\^$*+?.()|[\]{}]/g, '\\$&')).join('|'))
      : undefined;
  }

  mayMatch(f: Prepared): boolean {
    // Cheapest first: no required literal in the text (case-folded as RE2 folds), no possible match.
    if (this.literalScan) {
      f.lowered ??= f.text.toLowerCase().replace(/\u017f/g, 's').replace(/\u212a/g, 'k');
      if (!this.literalScan.test(f.lowered)) return false;
    }
    if (this.union === undefined) {
      try {
        this.union = this.patterns.length > 1 ? RE2JS.compile(this.patterns.map((p) => `(?:${p})`).join('|')) : null;
      } catch {
        this.union = null; // too large to combine: every pattern runs on its own
      }
    }
    if (this.union === null) return true;
    f.regexMaybe ??= this.union.test(f.text);
    return f.regexMaybe;
  }
}

/**
 * The lexicons a rule set uses, matched together in one pass per field. Detectors hold an index into it;
 * the group is built once every detector has registered its lexicons.
 */
class LexiconRegistry {
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

function linksOf(f: Prepared): FoundLink[] {
  f.links ??= findLinks(f.text);
  return f.links;
}

export interface Found {
  field: 'title' | 'body';
  start: number;
  end: number;
  retryAfterSeconds?: number;
}

export interface CompiledRule {
  key: string;
  kind: RuleDefinition['kind'];
  action: Action;
  categoryIds: ReadonlySet<number> | null;
  messages: Messages;
  detect(fields: Prepared[], context: EvaluationContext): Found[];
}

export interface CompiledRuleSet {
  rules: CompiledRule[];
  /** Whether a rule reads the author's recent posts (duplicate, flood): without one they need not be fetched. */
  readsRecentPosts: boolean;
  /** Lexicon sizes, for the rules page and the benchmark. */
  stats: Record<string, number>;
}

export class RuleError extends Error {
  constructor(
    readonly ruleKey: string,
    message: string,
  ) {
    super(message);
  }
}

/** The built-in lexicons: built once per process (they are data), shared by every compiled rule set. */
interface Lexicons {
  insults: Lexicon;
  mild: Lexicon;
  directed: string[][];
  profanity: Lexicon;
  hate: Lexicon;
  threats: Lexicon;
  allow: Lexicon;
}
let lexicons: Lexicons | undefined;

const INTENSIFIERS = new Set(['vraiment', 'trop', 'completement', 'totalement', 'un', 'une', 'des', 'qu', 'so', 'such', 'really', 'a', 'an', 'total', 'complete', 'fucking', 'sacre', 'sacree', 'gros', 'grosse', 'bien', 'de', 'd']);

function builtinLexicons(): Lexicons {
  if (lexicons) return lexicons;
  const base = (entry: string) => lists.norm(entry.replace(/\*$/, ''));
  const placed = new Set([...lists.PROFANITY, ...lists.MILD, ...lists.HATE, ...lists.THREATS, ...lists.STRONG].map(base));
  const listed = lists.listedInsults().filter((w) => {
    const n = lists.norm(w);
    return n.length > 1 && !lists.ALLOW.has(n) && !placed.has(n);
  });
  lexicons = {
    insults: new Lexicon([...lists.STRONG, ...listed]),
    mild: new Lexicon(lists.MILD),
    directed: lists.DIRECTED.map((p) => lists.norm(p).split(' ').filter(Boolean)),
    profanity: new Lexicon(lists.PROFANITY),
    hate: new Lexicon(lists.HATE),
    threats: new Lexicon(lists.THREATS),
    allow: new Lexicon(lists.ALLOW_PHRASES),
  };
  return lexicons;
}

function wordList(params: Record<string, unknown>, name = 'words'): string[] {
  const value = params[name];
  return Array.isArray(value) ? value.filter((w): w is string => typeof w === 'string' && w.trim() !== '') : [];
}

function numberAt(params: Record<string, unknown>, name: string, trustLevel: number, fallback: number): number {
  const value = params[name];
  if (Array.isArray(value)) {
    const n = Number(value[Math.min(Math.max(trustLevel, 0), value.length - 1)]);
    return Number.isFinite(n) ? n : fallback;
  }
  return fallback;
}

const num = (params: Record<string, unknown>, name: string, fallback: number) => {
  const n = Number(params[name]);
  return Number.isFinite(n) ? n : fallback;
};

/** Spans covered by allowed phrases (« cul-de-sac ») in a field, so that no word rule hits inside them. */
function allowedSpans(registry: LexiconRegistry, f: Prepared): [number, number][] {
  f.allowed ??= registry
    .matches(f, registry.use(builtinLexicons().allow))
    .map((m) => [f.tokens[m.first]!.start, f.tokens[m.last]!.end]);
  return f.allowed;
}

function lexiconDetector(registry: LexiconRegistry, lexicons: Lexicon[], options: { directed?: boolean } = {}) {
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
    if (!INTENSIFIERS.has(tokens[end]!.text)) return false;
  }
  return false;
}

function regexDetector(ruleKey: string, pattern: string, caseSensitive: boolean, prefilter: RegexPrefilter) {
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

const spansOf =
  (finder: (text: string) => { start: number; end: number }[]) =>
  (fields: Prepared[]): Found[] =>
    fields.flatMap((f) => finder(f.text).map((s) => ({ field: f.field, start: s.start, end: s.end })));

function detectorFor(def: RuleDefinition, registry: LexiconRegistry, prefilter: RegexPrefilter): CompiledRule['detect'] {
  const params = def.params ?? {};
  switch (def.kind) {
    case 'insults': {
      const { insults, mild } = builtinLexicons();
      const extra = new Lexicon(wordList(params));
      const strong = lexiconDetector(registry, [insults, extra]);
      const aimed = lexiconDetector(registry, [mild], { directed: true });
      return (fields) => [...strong(fields), ...aimed(fields)];
    }
    case 'profanity': {
      const { profanity } = builtinLexicons();
      const extra = new Lexicon(wordList(params));
      return lexiconDetector(registry, [profanity, extra]);
    }
    case 'hate':
      return lexiconDetector(registry, [builtinLexicons().hate]);
    case 'threats':
      return lexiconDetector(registry, [builtinLexicons().threats]);
    case 'email':
      return spansOf(findEmails);
    case 'phone':
      return spansOf(findPhones);
    case 'iban':
      return spansOf(findIbans);
    case 'card':
      return spansOf(findCards);
    case 'links_count': {
      const allow = wordList(params, 'allowDomains');
      return (fields, ctx) => {
        const links = fields.flatMap((f) => linksOf(f).map((l) => ({ ...l, field: f.field })));
        const counted = links.filter((l) => !allow.some((d) => hostMatches(l.host, d)));
        const max = numberAt(params, 'maxByTrustLevel', ctx.trustLevel, 3);
        return counted.length > max ? counted.slice(max).map((l) => ({ field: l.field, start: l.start, end: l.end })) : [];
      };
    }
    case 'links_domain': {
      const deny = wordList(params, 'denyDomains');
      return (fields) =>
        deny.length === 0
          ? []
          : fields.flatMap((f) =>
              linksOf(f)
                .filter((l) => deny.some((d) => hostMatches(l.host, d)))
                .map((l) => ({ field: f.field, start: l.start, end: l.end })),
            );
    }
    case 'links_shortener':
      return (fields) =>
        fields.flatMap((f) =>
          linksOf(f)
            .filter((l) => lists.SHORTENERS.some((d) => hostMatches(l.host, d)))
            .map((l) => ({ field: f.field, start: l.start, end: l.end })),
        );
    case 'shouting': {
      const minLetters = num(params, 'minLetters', 20);
      const ratio = num(params, 'ratio', 0.7);
      return (fields) =>
        fields.flatMap((f) => {
          const span = findShouting(f.text, f.field === 'title' ? Math.min(minLetters, 12) : minLetters, ratio);
          return span ? [{ field: f.field, ...span }] : [];
        });
    }
    case 'repetition': {
      const min = Math.max(3, num(params, 'min', 6));
      return spansOf((text) => findRepetitions(text, min));
    }
    case 'duplicate': {
      const windowMs = num(params, 'windowMinutes', 30) * 60_000;
      return (fields, ctx) => {
        const body = fields.find((f) => f.field === 'body');
        if (!body || body.tokens.length < 3 || ctx.recentPosts.length === 0) return [];
        const mine = body.tokens.map((t) => t.forms.at(-1)).join(' ');
        const same = ctx.recentPosts.some(
          (p) => ctx.now.getTime() - p.createdAt.getTime() <= windowMs && canonical(p.text) === mine,
        );
        return same ? [{ field: 'body', start: 0, end: body.text.length }] : [];
      };
    }
    case 'flood':
      return (fields, ctx) => {
        const perMinute = numberAt(params, 'perMinuteByTrustLevel', ctx.trustLevel, 5);
        const lastMinute = ctx.recentPosts
          .filter((p) => ctx.now.getTime() - p.createdAt.getTime() < 60_000)
          .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
        if (lastMinute.length < perMinute) return [];
        // The oldest post of the minute leaves the window first: that is how long to wait.
        const waitMs = 60_000 - (ctx.now.getTime() - lastMinute[lastMinute.length - perMinute]!.createdAt.getTime());
        const body = fields.find((f) => f.field === 'body') ?? fields[0]!;
        return [{ field: body.field, start: 0, end: 0, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) }];
      };
    case 'first_posts': {
      const count = num(params, 'count', 3);
      return (fields, ctx) => {
        if (ctx.authorPostCount >= count || ctx.trustLevel > 0) return [];
        const body = fields.find((f) => f.field === 'body') ?? fields[0]!;
        return [{ field: body.field, start: 0, end: 0 }];
      };
    }
    case 'words': {
      const lexicon = new Lexicon(wordList(params));
      return lexiconDetector(registry, [lexicon]);
    }
    case 'regex': {
      const pattern = typeof params.pattern === 'string' ? params.pattern : '';
      if (!pattern) throw new RuleError(def.key, 'a regular expression rule needs a pattern');
      return regexDetector(def.key, pattern, params.caseSensitive === true, prefilter);
    }
    default:
      throw new RuleError(def.key, `unknown rule kind "${String(def.kind)}"`);
  }
}

const DEFAULT_CUSTOM_MESSAGES: Messages = {
  fr: 'Ce passage enfreint une règle de la communauté.',
  en: 'This passage breaks a community rule.',
};

/**
 * Compiles rule definitions into a rule set. Throws RuleError (with the rule's key) for a rule that cannot
 * compile, so that a community manager's mistake is refused when saved, not when a member posts.
 */
export function compileRules(definitions: RuleDefinition[]): CompiledRuleSet {
  const lex = builtinLexicons();
  const registry = new LexiconRegistry();
  const prefilter = new RegexPrefilter();
  const rules = definitions
    .filter((d) => d.enabled)
    .map((def) => {
      const builtin = BUILTIN_BY_KEY.get(def.kind as never);
      const defaults = builtin?.messages ?? DEFAULT_CUSTOM_MESSAGES;
      return {
        key: def.key,
        kind: def.kind,
        action: def.action,
        categoryIds: def.categoryIds ? new Set(def.categoryIds) : null,
        messages: { fr: def.messages?.fr || defaults.fr, en: def.messages?.en || defaults.en },
        detect: detectorFor(def, registry, prefilter),
      };
    });
  return {
    rules,
    readsRecentPosts: rules.some((r) => r.kind === 'duplicate' || r.kind === 'flood'),
    stats: {
      insults: lex.insults.size,
      mild: lex.mild.size,
      profanity: lex.profanity.size,
      hate: lex.hate.size,
      threats: lex.threats.size,
    },
  };
}
