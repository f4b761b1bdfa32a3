import { i18n } from './i18n/index.svelte.ts';

/**
 * A category's name and description in the reader's language: the English ones for an English reader when the
 * community managers wrote them, else the default ones (the site's language).
 */
export const categoryName = (c: { name: string; nameEn?: string | null }): string =>
  (i18n.locale === 'en' && c.nameEn) || c.name;

export const categoryDescription = (c: { description: string; descriptionEn?: string | null }): string =>
  (i18n.locale === 'en' && c.descriptionEn) || c.description;
