import type { frBrand } from './fr.brand.ts';

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : { one: string; other: string } };

/** English strings of categories in two languages, icons, sub-categories and branding (the keys of fr.brand.ts). */
export const enBrand: Shape<typeof frBrand> = {
  'category.subcategories': 'Subcategories',
  'home.subcategories': 'Subcategories of {name}',
  'admin.category.nameFr': 'Name (French, the default)',
  'admin.category.nameEn': 'Name in English',
  'admin.category.descriptionFr': 'Description (French, the default)',
  'admin.category.descriptionEn': 'Description in English',
  'admin.category.englishHelp': 'Left empty, the French one shows in English too.',
  'admin.category.icon': 'Icon',
  'admin.category.noIcon': 'None',
  'admin.category.parent': 'Parent category',
  'admin.category.noParent': 'None (top level)',
  'admin.category.parentLocked': 'It has subcategories: it stays at the top level.',
  'admin.category.subOf': 'Subcategory of {name}',
  'error.category.icon_unknown': 'This icon is not one of those offered.',
  'error.category.parent_nested': 'The parent is itself a subcategory: one level only.',
  'error.category.has_children': 'A category with subcategories cannot become one.',
  'error.category.parent_self': 'A category cannot be its own parent.',
  'error.category.parent_not_found': 'This parent category does not exist.',
  'admin.brand.title': 'Logo and favicon',
  'admin.brand.logo': 'Logo',
  'admin.brand.logoHelp': 'Shown in the header beside the name (PNG, JPEG or WebP; up to 800 × 200 px).',
  'admin.brand.favicon': 'Favicon',
  'admin.brand.faviconHelp': "The tab's and home screen's icon: a square image, 192 px or more.",
  'admin.brand.choose': 'Choose an image',
  'admin.brand.remove': 'Remove',
  'admin.brand.none': 'Default',
  'admin.brand.saved': 'Image saved.',
  'admin.brand.removed': 'Image removed: back to the default.',
  'error.settings.brand_image': 'Upload the image from the console.',
};
