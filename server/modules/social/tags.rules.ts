import { UnprocessableError } from '../../lib/errors.ts';

export const TAG_LENGTH = { min: 2, max: 30 } as const;

/**
 * A tag's one spelling: NFC, lower case, spaces and underscores turned into hyphens, accents kept («
 * événements » and « evenements » are two tags, as French readers would expect). Letters, digits and single
 * hyphens only; 2 to 30 characters. Throws 422 `tag.invalid` with the offending name otherwise.
 */
export function normaliseTag(raw: string): string {
  const name = raw
    .normalize('NFC')
    .trim()
    .replace(/^#/u, '')
    .toLocaleLowerCase('fr')
    .replace(/[\s_]+/gu, '-')
    .replace(/-{2,}/gu, '-')
    .replace(/^-|-$/gu, '');
  const length = [...name].length;
  if (!/^[\p{L}\p{N}][\p{L}\p{M}\p{N}-]*$/u.test(name) || length < TAG_LENGTH.min || length > TAG_LENGTH.max) {
    throw new UnprocessableError(
      'tag.invalid',
      `A tag is ${TAG_LENGTH.min} to ${TAG_LENGTH.max} letters, digits or hyphens.`,
      { field: 'tags', name: raw },
    );
  }
  return name;
}
