import type { FoundLink } from './detectors/links.ts';
import type { TextStats } from './text-stats.ts';
import type { LexiconMatch } from './lexicon.ts';
import type { Token } from './normalize.ts';
import type { Action, EvaluationContext, Hit, Messages, RuleDefinition } from './types.ts';

/**
 * A compiled rule set's shape: what compileRules produces and evaluate runs, the prepared fields every
 * rule reads, and the error for a rule that cannot compile. Types only, besides RuleError.
 */

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
  /** Each token's sentence number (see grammar.ts), on first use. */
  sentences?: Int32Array;
  /** One pass of character counts shared by the character-level detectors (see text-stats.ts). */
  stats?: TextStats;
  /** Only when the evaluation explains itself: why passages were let go. */
  notes?: Note[];
}

/** Why a passage was let go (or weighed): collected only when the evaluation explains itself (explain.ts). */
export interface Note {
  field: 'title' | 'body';
  start: number;
  end: number;
  fired: boolean;
  why: Messages;
}

export interface Found {
  field: 'title' | 'body';
  start: number;
  end: number;
  retryAfterSeconds?: number;
  /** Why the rule fired here, for the explanation (staff only). */
  why?: Messages;
}

export interface CompiledRule {
  key: string;
  kind: RuleDefinition['kind'];
  action: Action;
  categoryIds: ReadonlySet<number> | null;
  messages: Messages;
  /** `earlier`: the hits of the rules evaluated before this one (the classifier runs last, on undecided posts). */
  detect(fields: Prepared[], context: EvaluationContext, earlier: readonly Hit[]): Found[];
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
