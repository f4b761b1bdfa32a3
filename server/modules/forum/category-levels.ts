import { levelRank } from '../../access/visibility.ts';
import type { PostingLevel, SeeLevel } from '../../db/types.ts';
import type { CategoriesRepository } from '../../content/index.ts';
import { UnprocessableError } from '../../lib/errors.ts';
import { AuditRepository } from '../../events/audit.repository.ts';
import type { Executor } from '../../db/kysely.ts';

/** The levels a category change may set, and the parent it may move under. */
export interface CategoryLevels {
  parentId?: number | null;
  seeLevel?: SeeLevel;
  startLevel?: PostingLevel;
  replyLevel?: PostingLevel;
}

const refuse = (code: string, message: string, field: string, details: Record<string, unknown>) =>
  new UnprocessableError(code, message, { field, ...details });

/**
 * Who may see a category bounds everything else about it: a sub-category is never more visible than its parent
 * (its threads show in the parent's list), and who may start or reply is never wider than who may see (a member
 * could not open what they wrote). The change's values are read over the category's current ones, inside its
 * transaction; a refusal names the field to change.
 */
export async function assertCategoryLevels(
  categories: CategoriesRepository,
  id: number | null,
  input: CategoryLevels,
): Promise<void> {
  const current = id === null ? undefined : await categories.getSettings(id);
  const see = input.seeLevel ?? current?.see_level ?? 'visitor';
  const parentId = input.parentId !== undefined ? input.parentId : (current?.parent_id ?? null);
  if (parentId !== null) {
    const parent = await categories.getSettings(parentId);
    if (parent && levelRank(see) < levelRank(parent.see_level))
      throw refuse(
        'category.see_wider_than_parent',
        `A sub-category cannot be seen by more people than its parent (${parent.see_level}).`,
        'seeLevel',
        { parentSeeLevel: parent.see_level },
      );
  }
  const posting = [
    ['startLevel', input.startLevel ?? current?.start_level ?? 'member'],
    ['replyLevel', input.replyLevel ?? current?.reply_level ?? 'member'],
  ] as const;
  for (const [field, level] of posting)
    if (levelRank(level) < levelRank(see))
      throw refuse(
        'category.posting_wider_than_see',
        `Who may ${field === 'startLevel' ? 'start threads' : 'reply'} cannot be wider than who may see (${see}).`,
        field,
        { seeLevel: see },
      );
}

/**
 * A parent made more private takes its sub-categories with it: each child seen more widely is raised to the
 * parent's level (and its start and reply levels with it), on the record as a change by the same manager.
 * Making a parent more visible leaves its children as they are (a private child of a public parent is fine).
 */
export async function raiseChildren(
  trx: Executor,
  categories: CategoriesRepository,
  parentId: number,
  see: SeeLevel,
  actorId: number,
): Promise<number[]> {
  const raised: number[] = [];
  for (const childId of await categories.childIds(parentId)) {
    const child = await categories.getSettings(childId);
    if (!child || levelRank(child.see_level) >= levelRank(see)) continue;
    const atLeast = <L extends SeeLevel>(level: L) => (levelRank(level) < levelRank(see) ? see : level);
    const change = {
      see_level: see,
      start_level: atLeast(child.start_level) as PostingLevel,
      reply_level: atLeast(child.reply_level) as PostingLevel,
    };
    await categories.update(childId, change);
    await new AuditRepository(trx).record({
      actorId,
      action: 'category.update',
      subjectType: 'category',
      subjectId: childId,
      data: {
        seeLevel: change.see_level,
        startLevel: change.start_level,
        replyLevel: change.reply_level,
        raisedWith: parentId,
      },
    });
    raised.push(childId);
  }
  return raised;
}
