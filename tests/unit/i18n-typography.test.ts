import { describe, expect, it } from 'vitest';

type Messages = Record<string, string | Record<string, string>>;
// Loaded by path: the dictionaries' types come from the web app's i18n module (DOM types), outside this tsconfig.
const load = async (locale: 'en' | 'fr') => {
  const module = `../../web/src/lib/i18n/${locale}.ts`;
  return ((await import(module)) as Record<string, Messages>)[locale]!;
};
const en = await load('en');
const fr = await load('fr');

/** Issue 19: no French spacing in English, and counts of things said through plural forms. */
const texts = (messages: Messages) =>
  Object.entries(messages).flatMap(([key, value]) =>
    typeof value === 'string' ? [[key, value] as const] : Object.values(value).map((v) => [key, v] as const),
  );

describe('i18n typography', () => {
  // The switch to French is written in French; the Markdown error lists punctuation characters, spaced.
  const exceptions = new Set(['lang.switch', 'error.text.run_too_long']);

  it('puts no space before % ; : ? ! in English', () => {
    const spaced = texts(en)
      .filter(([key]) => !exceptions.has(key))
      .filter(([, text]) => /[ \u00a0\u202f][%;?!]|[\u00a0\u202f]:/u.test(text));
    expect(spaced).toEqual([]);
  });

  it('says a count of searches through plural forms in both languages', () => {
    expect(typeof en['search.misses.summary']).toBe('object');
    expect(typeof fr['search.misses.summary']).toBe('object');
  });
});
