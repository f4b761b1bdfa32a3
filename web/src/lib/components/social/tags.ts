/**
 * A tag as the server will spell it (server/modules/social/tags.rules.ts): NFC, lower case, spaces and
 * underscores as hyphens, accents kept. The server has the last word; this keeps chips from changing on save.
 */
export function normaliseTag(raw: string): string {
  return raw
    .normalize('NFC')
    .trim()
    .replace(/^#/u, '')
    .toLocaleLowerCase('fr')
    .replace(/[\s_]+/gu, '-')
    .replace(/-{2,}/gu, '-')
    .replace(/^-|-$/gu, '');
}
