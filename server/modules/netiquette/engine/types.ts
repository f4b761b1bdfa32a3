/** The netiquette engine's vocabulary. Pure data: no I/O anywhere in this folder. */

/** In order of severity: a post's verdict is the strongest action among its hits. */
export const ACTIONS = ['allow', 'censor', 'flag', 'hold', 'reject'] as const;
export type Action = (typeof ACTIONS)[number];

export const severity = (action: Action): number => ACTIONS.indexOf(action);

export type Locale = 'fr' | 'en';
export type Messages = Record<Locale, string>;

export type BuiltinKey =
  | 'insults'
  | 'profanity'
  | 'threats'
  | 'hate'
  | 'email'
  | 'phone'
  | 'iban'
  | 'card'
  | 'links_count'
  | 'links_domain'
  | 'links_shortener'
  | 'shouting'
  | 'repetition'
  | 'duplicate'
  | 'flood'
  | 'first_posts'
  | 'identity'
  | 'sexual'
  | 'harassment'
  | 'address'
  | 'spam'
  | 'classifier';

/** A rule as stored (netiquette_rules) and as community managers edit it. */
export interface RuleDefinition {
  /** Stable key: a built-in detector's name, or `custom-<id>`. */
  key: string;
  kind: BuiltinKey | 'words' | 'regex';
  action: Action;
  enabled: boolean;
  /** Category ids the rule applies to; null: everywhere. */
  categoryIds: number[] | null;
  /** Kind-specific settings: word lists, a pattern, limits per trust level… */
  params: Record<string, unknown>;
  /** Overrides of the default explanation shown to the member. */
  messages?: Partial<Messages>;
}

export interface RecentPost {
  text: string;
  createdAt: Date;
}

export interface EvaluationContext {
  trustLevel: number;
  role: 'member' | 'moderator' | 'community_manager' | 'admin';
  accountAgeDays: number;
  categoryId: number | null;
  /** Published posts the author has written so far. */
  authorPostCount: number;
  /** The author's latest posts (for duplicates and flood), newest first, supplied by the caller. */
  recentPosts: RecentPost[];
  now: Date;
}

export interface Hit {
  ruleKey: string;
  action: Action;
  messages: Messages;
  /** Which part of the input: the title or the body, and the span in that original text (UTF-16 offsets). */
  field: 'title' | 'body';
  start: number;
  end: number;
  /** The text that matched, as written. */
  excerpt: string;
  /** Flood: how long to wait before posting again. */
  retryAfterSeconds?: number;
}

/** Why a rule fired on a passage, or looked at it and let it go: for staff, never for the member. */
export interface Explanation {
  ruleKey: string;
  fired: boolean;
  field: 'title' | 'body';
  start: number;
  end: number;
  excerpt: string;
  why: Messages;
}

export interface Verdict {
  action: Action;
  hits: Hit[];
  /** Only when asked for (evaluate's `explain` option). */
  explain?: Explanation[];
}

export interface EvaluationInput {
  title?: string;
  body: string;
}
