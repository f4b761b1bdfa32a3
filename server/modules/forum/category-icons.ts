/**
 * The icons a category may carry: lucide names the console offers (web/src/lib/components/ui/category-icons.ts
 * maps each to its component; a test keeps the two lists equal). A short set keeps the picker usable.
 */
export const CATEGORY_ICONS = [
  'megaphone',
  'message-circle',
  'message-circle-question-mark',
  'lightbulb',
  'wrench',
  'book-open',
  'star',
  'heart',
  'users',
  'calendar',
  'shopping-bag',
  'gift',
  'rocket',
  'shield',
  'camera',
  'music',
  'gamepad-2',
  'leaf',
  'code',
  'bug',
  'newspaper',
  'sparkles',
  'map-pin',
  'graduation-cap',
] as const;

export type CategoryIcon = (typeof CATEGORY_ICONS)[number];

export const isCategoryIcon = (name: string): name is CategoryIcon =>
  (CATEGORY_ICONS as readonly string[]).includes(name);
