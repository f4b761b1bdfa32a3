import type { Category, PostingLevel, ThreadKind } from '../db/types.ts';
import { ForbiddenError, UnprocessableError } from '../lib/errors.ts';
import type { Actor } from './access.ts';

/**
 * Who may write where: a category says who may start threads in it and who may reply (`PostingLevel`), which
 * kinds of thread it takes, and whether it is archived (kept for reading, closed to anything new). Staff meet
 * every level; a member meets `trust_N` from trust level N up. What a role may do anywhere (access.ts) is
 * checked first; this narrows it per category.
 */
type CategoryRules = Pick<Category, 'start_level' | 'reply_level' | 'kinds' | 'archived_at'>;

export const POSTING_LEVELS = [
  'member',
  'trust_1',
  'trust_2',
  'trust_3',
  'trust_4',
  'staff',
] as const satisfies readonly PostingLevel[];

/** Does the member meet the level? */
export function meetsLevel(actor: Pick<Actor, 'role' | 'trustLevel'> | null, level: PostingLevel): boolean {
  if (!actor) return false;
  if (actor.role !== 'member') return true;
  if (level === 'staff') return false;
  if (level === 'member') return true;
  return actor.trustLevel >= Number(level.slice('trust_'.length));
}

/** May the member start a thread in the category (of that kind, when given)? */
export function canStartIn(
  actor: Pick<Actor, 'role' | 'trustLevel'> | null,
  category: CategoryRules,
  kind?: ThreadKind,
) {
  return (
    !category.archived_at &&
    meetsLevel(actor, category.start_level) &&
    (kind === undefined || !category.kinds || category.kinds.includes(kind))
  );
}

/** May the member reply in the category's threads (the thread's own state, lock, is checked apart)? */
export function canReplyIn(
  actor: Pick<Actor, 'role' | 'trustLevel'> | null,
  category: Pick<CategoryRules, 'reply_level' | 'archived_at'>,
) {
  return !category.archived_at && meetsLevel(actor, category.reply_level);
}

/** Refuses a new thread the category does not take, saying why. */
export function assertMayStart(actor: Actor, category: CategoryRules & { name: string }, kind: ThreadKind): void {
  if (category.archived_at)
    throw new ForbiddenError('category.archived', 'This category is archived: it takes no new threads.');
  if (!meetsLevel(actor, category.start_level))
    throw new ForbiddenError(
      'category.start_forbidden',
      category.start_level === 'staff'
        ? `Only the team starts threads in « ${category.name} ».`
        : `Starting threads in « ${category.name} » needs trust level ${category.start_level.slice(6)}.`,
    );
  if (category.kinds && !category.kinds.includes(kind))
    throw new UnprocessableError(
      'category.kind_not_allowed',
      `« ${category.name} » does not take this kind of thread.`,
      {
        field: 'kind',
        allowed: category.kinds,
      },
    );
}

/** Refuses a reply where the category does not allow the member to reply. */
export function assertMayReply(
  actor: Actor,
  category: Pick<CategoryRules, 'reply_level' | 'archived_at'> & { name: string },
): void {
  if (category.archived_at)
    throw new ForbiddenError('category.archived', 'This category is archived: it takes no new replies.');
  if (!meetsLevel(actor, category.reply_level))
    throw new ForbiddenError(
      'category.reply_forbidden',
      category.reply_level === 'staff'
        ? `Only the team replies in « ${category.name} ».`
        : `Replying in « ${category.name} » needs trust level ${category.reply_level.slice(6)}.`,
    );
}
