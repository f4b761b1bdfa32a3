import { describe, expect, it } from 'vitest';
import { textLanguage } from '../../server/lib/language.ts';

describe('textLanguage', () => {
  it('tells the language of a post from its own prose', () => {
    expect(textLanguage('Ma tente fuit le long de la couture du double toit. Que faire avant le départ ?')).toBe('fr');
    expect(textLanguage('I bought these boots last year and the sole is already coming off, any advice?')).toBe('en');
    expect(textLanguage('Ich habe das Zelt im Frühling gekauft und jetzt ist es schon undicht.')).toBe('de');
  });

  it('leaves out quotations, code and links, and says nothing when there is too little to tell', () => {
    const quoting =
      '> I bought these boots last year and the sole is already coming off.\n\nMême souci avec les miennes, la colle néoprène a tenu deux saisons.';
    expect(textLanguage(quoting)).toBe('fr');
    expect(textLanguage('Merci !')).toBeNull();
    expect(textLanguage('https://example.com/a-very-long-link-that-says-nothing-at-all')).toBeNull();
  });
});
