import { describe, expect, it } from 'vitest';

/**
 * The web app's dictionaries are one chunk per language (web/src/lib/i18n/index.svelte.ts): none is there until
 * its language is loaded, and loading one does not bring the other. In the integration project because it
 * compiles Svelte's runes (the unit project does not); loaded by path, as tests/unit/i18n-typography.test.ts
 * does, because the module's types need the DOM, outside this tsconfig.
 */
interface I18nModule {
  i18n: { locale: 'fr' | 'en'; messages: Record<string, unknown> };
  t: (key: string, params?: Record<string, string | number>) => string;
  loadMessages: (locale: 'fr' | 'en') => Promise<void>;
}
const path = '../../web/src/lib/i18n/index.svelte.ts';
const { i18n, t, loadMessages } = (await import(path)) as I18nModule;

describe('i18n dictionaries', () => {
  it('say the key itself, and know no key, while the language is not loaded', () => {
    expect(i18n.locale).toBe('fr');
    expect(t('nav.home')).toBe('nav.home');
    expect('nav.home' in i18n.messages).toBe(false);
  });

  it('speak a language once it is loaded, and only that one', async () => {
    await loadMessages('en');
    i18n.locale = 'en';
    expect(t('nav.home')).toBe('Home');
    expect('nav.home' in i18n.messages).toBe(true);
    i18n.locale = 'fr';
    expect(t('nav.home')).toBe('nav.home');
    // Loading twice at once shares one load.
    await Promise.all([loadMessages('fr'), loadMessages('fr')]);
    expect(t('nav.home')).toBe('Accueil');
    expect(t('thread.replies', { n: 2 })).toBe('2 réponses');
  });
});
