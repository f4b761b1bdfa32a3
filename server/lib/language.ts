import { franc } from 'franc-min';

/** The languages a post is recognised in (franc's ISO 639-3 codes → the ISO 639-1 codes `lang` takes). */
const LANGUAGES = { fra: 'fr', eng: 'en', deu: 'de', spa: 'es', ita: 'it', nld: 'nl', por: 'pt' } as const;
const CANDIDATES = Object.keys(LANGUAGES);

/** Quotations of other posts, code and links are left out: what is scored is what the author says. */
export function authorsProse(markdown: string): string {
  return markdown
    .replace(/^ {0,3}(```|~~~)[^\n]*\n[\s\S]*?(^ {0,3}\1[^\n]*$|(?![\s\S]))/gm, ' ')
    .replace(/`[^`\n]*`/g, ' ')
    .replace(/^ {0,3}>.*$/gm, ' ')
    .replace(/\b(?:https?:\/\/|www\.)\S+/gi, ' ');
}

/**
 * The language a post is written in, from its author's own prose (franc's trigram model, among the languages a
 * European brand's community writes in), or null when the text is too short to tell. Its first 600 characters
 * are enough and keep the cost at write time near 0.1 ms.
 */
export function textLanguage(markdown: string): string | null {
  const prose = authorsProse(markdown)
    .replace(/[*_#>[\]()!|~-]+/g, ' ')
    .slice(0, 600);
  const found = franc(prose, { only: CANDIDATES, minLength: 24 });
  return LANGUAGES[found as keyof typeof LANGUAGES] ?? null;
}
