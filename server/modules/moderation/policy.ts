import { type Actor, hasRole } from '../../access/access.ts';
import type { Category, ModerationReason } from '../../db/types.ts';
import { TooManyRequestsError, UnprocessableError } from '../../lib/errors.ts';
import type { Hit, Verdict } from '../netiquette/index.ts';

/** Where a post goes once the netiquette has spoken and the category's moderation mode is applied (docs/ARCHITECTURE.md, the publish pipeline). */
export interface Placement {
  state: 'published' | 'pending';
  /** Why it enters the moderation queue (empty: it does not). */
  reasons: ModerationReason[];
  priority: number;
  /** Censored words are masked in what is published. */
  masked: boolean;
}

const PRIORITY = { hold: 40, flag: 20, pre: 15, post: 5 } as const;

/**
 * Refuses a rejected post with its reasons, and the member's own text, so that nothing they wrote is lost;
 * flooding is a 429 with the time to wait.
 */
export function refuseIfRejected(verdict: Verdict, text: { title?: string; body: string }): void {
  if (verdict.action !== 'reject') return;
  const rejecting = verdict.hits.filter((h) => h.action === 'reject');
  const flood = rejecting.find((h) => h.ruleKey === 'flood');
  const details = { hits: verdict.hits, title: text.title ?? null, body: text.body };
  if (flood && rejecting.length === 1) {
    throw new TooManyRequestsError('netiquette.flood', flood.messages.en, {
      ...details,
      retryAfterSeconds: flood.retryAfterSeconds ?? 60,
    });
  }
  throw new UnprocessableError(
    'netiquette.rejected',
    rejecting[0]?.messages.en ?? 'This post breaks the netiquette.',
    details,
  );
}

/**
 * The verdict raised by the category's mode: `pre` holds every post of a member below the category's bypass
 * trust level, `post` publishes it and queues it for review, `reactive` queues only rule hits and reports.
 * Staff posts are never held or queued.
 */
export function place(
  verdict: Verdict,
  author: Actor,
  category: Pick<Category, 'moderation_mode' | 'bypass_trust_level'>,
  /** Post mode reviews a sample of posts, by trust level (ModerationSettings.postSampling): is this one drawn? */
  sampled: () => boolean = () => true,
): Placement {
  const masked = verdict.hits.some((h) => h.action === 'censor');
  if (hasRole(author, 'moderator')) return { state: 'published', reasons: [], priority: 0, masked };
  const reasons: ModerationReason[] = [];
  let priority = 0;
  let state: Placement['state'] = 'published';
  if (verdict.action === 'hold' || verdict.action === 'flag') {
    reasons.push('rule');
    priority = PRIORITY[verdict.action] + verdict.hits.filter((h) => h.action === verdict.action).length;
    if (verdict.action === 'hold') state = 'pending';
  }
  const belowBypass = author.trustLevel < category.bypass_trust_level;
  if (category.moderation_mode === 'pre' && belowBypass) {
    reasons.push('pre');
    state = 'pending';
    priority = Math.max(priority, PRIORITY.pre);
  } else if (category.moderation_mode === 'post' && belowBypass && sampled()) {
    reasons.push('post');
    priority = Math.max(priority, PRIORITY.post);
  }
  return { state, reasons, priority, masked };
}

/** The hits worth keeping with a post and in the rule statistics: allowed hints are the composer's business. */
export const recordedHits = (hits: Hit[]) => hits.filter((h) => h.action !== 'allow');
