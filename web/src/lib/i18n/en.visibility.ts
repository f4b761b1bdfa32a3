import type { frVisibility } from './fr.visibility.ts';

/** English strings of who may see a category (the same keys as fr.visibility.ts). */
export const enVisibility: Record<keyof typeof frVisibility, string> = {
  'admin.category.see': 'Who may see',
  'admin.category.seeHelp':
    'Topics of a restricted category show in no list, search or feed for anyone else: to them, it does not exist.',
  'admin.category.seeParent': 'No wider than the parent category ({who}).',
  'admin.see.visitor': 'Everyone, visitors included',
  'admin.see.member': 'Signed-in members',
  'admin.see.trust_1': 'Trust level 1 and up',
  'admin.see.trust_2': 'Trust level 2 and up',
  'admin.see.trust_3': 'Trust level 3 and up',
  'admin.see.trust_4': 'Trust level 4',
  'admin.see.staff': 'Staff only',
  'category.restricted': 'Restricted category: {who}',
  'error.category.see_wider_than_parent': 'A sub-category cannot be visible to more people than its parent category.',
  'error.category.posting_wider_than_see': 'Who may start or reply cannot be wider than who may see the category.',
  'error.category.not_found': 'This category does not exist.',
  'error.tag.not_found': 'This tag does not exist.',
};
