import type { CategoriesRepository } from '../../content/index.ts';
import { UnprocessableError } from '../../lib/errors.ts';
import { isCategoryIcon } from './category-icons.ts';

/** What a category change may set that another category or the icon set constrains. */
export interface CategoryShape {
  icon?: string | null;
  parentId?: number | null;
}

const refuse = (code: string, message: string, field: string) => new UnprocessableError(code, message, { field });

/**
 * Refuses an icon outside the console's set, and any parent that would make the tree deeper than one level: an
 * unknown parent, the category itself, a parent that is itself a child, or a category that has children of its
 * own becoming a child (which is also what makes a cycle impossible). Read inside the change's transaction.
 */
export async function assertCategoryShape(
  categories: CategoriesRepository,
  id: number | null,
  input: CategoryShape,
): Promise<void> {
  if (input.icon != null && !isCategoryIcon(input.icon))
    throw refuse('category.icon_unknown', `No icon named "${input.icon}" in the set.`, 'icon');
  if (input.parentId == null) return;
  if (input.parentId === id) throw refuse('category.parent_self', 'A category cannot be its own parent.', 'parentId');
  const parent = await categories.getSettings(input.parentId);
  if (!parent) throw refuse('category.parent_not_found', 'No such parent category.', 'parentId');
  if (parent.parent_id !== null)
    throw refuse('category.parent_nested', 'The parent is itself a sub-category: one level only.', 'parentId');
  if (id !== null && (await categories.childIds(id)).length > 0)
    throw refuse('category.has_children', 'A category with sub-categories cannot become one.', 'parentId');
}
