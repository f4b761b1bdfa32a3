import type { Actor } from '../../access/access.ts';
import type { Hit, Verdict } from '../netiquette/index.ts';

type Action = Verdict['action'];
const ACTIONS: readonly Action[] = ['allow', 'censor', 'flag', 'hold', 'reject'];

/**
 * The netiquette in private messages: the same engine and rules as posts, read with another policy.
 * - Personal data (e-mail, phone, postal address) is what private messages are for: it passes, and the sender
 *   gets a notice (the other side will see it; never share it with someone you do not trust).
 * - `first_posts` (a new member's first posts reviewed) is about public posts: it would open a private
 *   conversation to staff for no fault, so it does not apply here (the per-trust-level allowance on new
 *   conversations limits spam instead).
 * - Everything else as for posts: insults, threats, harassment, bank details are refused or held; a held or
 *   flagged message opens its conversation to staff (reported by the netiquette), a censored one is masked.
 */
export const PERSONAL_DATA_RULES = new Set(['email', 'phone', 'address']);
const PUBLIC_ONLY_RULES = new Set(['first_posts']);

export interface MessageVerdict extends Verdict {
  /** The personal-data hits the sender is told about (the message goes through). */
  notices: Hit[];
}

export function messageVerdict(verdict: Verdict): MessageVerdict {
  const notices = verdict.hits.filter((h) => PERSONAL_DATA_RULES.has(h.ruleKey));
  const hits = verdict.hits.filter((h) => !PERSONAL_DATA_RULES.has(h.ruleKey) && !PUBLIC_ONLY_RULES.has(h.ruleKey));
  const action = hits.reduce<Action>(
    (strongest, h) => (ACTIONS.indexOf(h.action) > ACTIONS.indexOf(strongest) ? h.action : strongest),
    'allow',
  );
  return { action, hits, notices };
}

/** Does the public post's verdict come from personal data (the composer then offers to send it to the team)? */
export function isPersonalDataVerdict(verdict: Pick<Verdict, 'hits'>): boolean {
  return verdict.hits.some((h) => PERSONAL_DATA_RULES.has(h.ruleKey));
}

/**
 * How many conversations a member may start in 24 hours, by trust level (staff: no limit). A new member (level
 * 0) may write to the team at any time, and start a few conversations with members.
 */
export const DAILY_CONVERSATIONS = [3, 10, 30, 60, 100] as const;

export function dailyAllowance(actor: Pick<Actor, 'role' | 'trustLevel'>): number {
  if (actor.role !== 'member') return Number.POSITIVE_INFINITY;
  return DAILY_CONVERSATIONS[Math.min(actor.trustLevel, DAILY_CONVERSATIONS.length - 1)]!;
}

/** At most this many other members in one conversation. */
export const MAX_RECIPIENTS = 20;
