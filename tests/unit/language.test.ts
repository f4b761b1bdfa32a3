import { franc } from 'franc-min';
import { describe, expect, it } from 'vitest';
import { authorsProse, textLanguage } from '../../server/lib/language.ts';
import { englishPost, frenchPost, prng } from '../../bench/lib/corpus.ts';
import { CLEAN, VIOLATIONS } from '../fixtures/netiquette-corpus.ts';
import { TEST } from '../fixtures/netiquette/test.ts';
import { TRAIN } from '../fixtures/netiquette/train.ts';

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

  it('answers what franc answers, on every post of the labelled corpora, generated posts and mixed scripts', () => {
    // franc itself, on the same prose and among the same languages: what textLanguage computes by its own path.
    const codes: Record<string, string> = {
      fra: 'fr',
      eng: 'en',
      deu: 'de',
      spa: 'es',
      ita: 'it',
      nld: 'nl',
      por: 'pt',
    };
    const reference = (markdown: string) => {
      const prose = authorsProse(markdown)
        .replace(/[*_#>[\]()!|~-]+/g, ' ')
        .slice(0, 600);
      return codes[franc(prose, { only: Object.keys(codes), minLength: 24 })] ?? null;
    };
    const rand = prng(7);
    const texts = [
      ...CLEAN,
      ...VIOLATIONS,
      ...TRAIN.map((p) => p.text),
      ...TEST.map((p) => p.text),
      ...Array.from({ length: 200 }, (_, i) => (i % 2 ? frenchPost(rand) : englishPost(rand))),
      'Zelt gekauft 🏕️🏕️🏕️ — super Qualität, sehr zufrieden damit, wirklich!',
      'Палатка отличная, but the zipper broke after two trips in the Alps.',
      'Палатка отличная, молния сломалась после двух походов в горы, жаль.',
      'Палатка отличная, молния сломалась после двух походов в горы, but the zip was ok.',
      '1234 5678 9012 3456 7890 1234 5678 9012',
      'Ça tient la route : 3 saisons, 2 000 km, 0 souci. Très content de mes chaussures.',
      'La tienda de campaña es muy buena pero la cremallera se rompió en el segundo viaje.',
      'A tenda é ótima, mas o zíper quebrou na segunda viagem à montanha com chuva.',
      'De tent is prima maar de rits ging kapot tijdens de tweede tocht in de bergen.',
      'La tenda è ottima ma la cerniera si è rotta durante il secondo viaggio in montagna.',
    ];
    expect(texts.length).toBeGreaterThan(500);
    const answers = new Set<string | null>();
    for (const text of texts) {
      const expected = reference(text);
      answers.add(expected);
      expect(textLanguage(text), text).toBe(expected);
    }
    // The comparison covered several answers, none included.
    expect([...answers].sort()).toEqual(expect.arrayContaining([null, 'de', 'en', 'es', 'fr', 'it', 'nl', 'pt']));
  });
});
