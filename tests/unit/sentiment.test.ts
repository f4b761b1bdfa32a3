import { describe, expect, it } from 'vitest';
import { authorsProse } from '../../server/lib/language.ts';
import { NEGATIVE_AT, toneOf } from '../../server/modules/community/sentiment.ts';

/**
 * The tone of posts, on sentences of the kind a brand's community writes. Each list is read by the real
 * lexicons (Pattern's French, AFINN-165) with Agora's additions; a change to either that turns a complaint
 * into a neutral post, or a question into a complaint, fails here.
 */
const COMPLAINTS = {
  fr: [
    'Franchement je suis très déçu, la mise à jour est horrible et l’appli est inutilisable.',
    'C’est une arnaque, le SAV ne répond jamais.',
    'J’en ai marre, ras-le-bol de ce produit, plus jamais.',
    'C’est nul, ça ne marche plus depuis la mise à jour.',
    'Service client lamentable, commande perdue et aucun remboursement.',
    'Inadmissible : la semelle s’est décollée au bout d’une semaine.',
    'DÉÇUE par cette veste, prend l’eau dès la première pluie. Inacceptable à ce prix.',
  ],
  en: [
    'This update is terrible, I am really disappointed.',
    'It does not work anymore, total waste of money.',
    'Awful customer service, my order never arrived. Worst purchase ever.',
    'The app is unusable since the update, what a ripoff.',
    'Broken after two days. Useless.',
  ],
};

const NOT_COMPLAINTS = {
  fr: [
    'Bonjour, j’ai un souci avec ma commande, quelqu’un peut m’aider ?',
    'Depuis la mise à jour ça ne marche pas, vous avez une idée ?',
    'Merci pour l’astuce, ça marche parfaitement !',
    'Pas mal du tout cette nouvelle version, rien de décevant.',
    'Le service client est au top, bravo l’équipe.',
    'C’est marrant ce truc, je ne connaissais pas.',
    'La fermeture éclair a lâché sur le GR20, est-ce couvert par la garantie ?',
    'Chère cliente, voici les nouveautés de la saison.',
  ],
  en: [
    'Hi, I have a problem with my order, can someone help please?',
    'Not bad at all, I like the new colours.',
    'Thanks, great tip, works perfectly!',
    'Is the zipper covered by the warranty? It broke on the trail.',
  ],
};

describe('toneOf', () => {
  for (const language of ['fr', 'en'] as const) {
    it(`finds the complaints in ${language === 'fr' ? 'French' : 'English'}`, () => {
      for (const text of COMPLAINTS[language]) {
        const tone = toneOf(text);
        expect(tone.language, text).toBe(language);
        expect(tone.negative, `${text} → ${JSON.stringify(tone)}`).toBe(true);
        expect(tone.score).toBeLessThanOrEqual(NEGATIVE_AT);
      }
    });

    it(`leaves questions, thanks and praise in ${language === 'fr' ? 'French' : 'English'} alone`, () => {
      for (const text of NOT_COMPLAINTS[language]) {
        const tone = toneOf(text);
        expect(tone.language, text).toBe(language);
        expect(tone.negative, `${text} → ${JSON.stringify(tone)}`).toBe(false);
      }
    });
  }

  it('reverses and halves what a negation governs, once for « ne … pas »', () => {
    expect(toneOf('Ce n’est pas génial.').terms).toEqual([{ term: 'genial', value: -0.45 }]);
    expect(toneOf('Pas mal !').terms).toEqual([{ term: 'mal', value: 0.35 }]);
    expect(toneOf('It is not terrible.').terms).toEqual([{ term: 'terrible', value: 0.5 }]);
    expect(toneOf('I don’t love it.').terms).toEqual([{ term: 'love', value: -0.5 }]);
    // Beyond three words the negation no longer reaches.
    expect(toneOf('Je ne sais pas trop quoi dire mais c’est génial.').score).toBeGreaterThan(0);
  });

  it('matches phrases before words, whatever negation precedes them', () => {
    expect(toneOf('Ça ne fonctionne plus.').terms).toEqual([{ term: 'fonctionne plus', value: -0.6 }]);
    expect(toneOf('It does not work.').terms).toEqual([{ term: 'does not work', value: -1 }]);
    expect(toneOf('Ras-le-bol !').terms).toEqual([{ term: 'ras le bol', value: -0.8 }]);
  });

  it('ignores case, accents and the kind of apostrophe', () => {
    const scores = ['Très DÉÇU, c’est une ARNAQUE', "tres decu, c'est une arnaque", 'Très déçu, c‘est une arnaque'].map(
      (t) => toneOf(t).score,
    );
    expect(new Set(scores).size).toBe(1);
    expect(scores[0]).toBeLessThanOrEqual(NEGATIVE_AT);
  });

  it('scores only the author’s words: not what they quote, nor code, nor links', () => {
    expect(
      toneOf('> C’est nul, une arnaque, je suis déçu.\n\nJe ne suis pas d’accord, le produit tient bien.').negative,
    ).toBe(false);
    expect(toneOf('Le journal dit :\n\n```\nERROR: fatal failure, terrible crash\n```\n\nUne idée ?').negative).toBe(
      false,
    );
    expect(authorsProse('Voir https://exemple.fr/arnaque-horrible et `horrible()`')).not.toMatch(/horrible/);
  });

  it('is neutral on text it cannot read', () => {
    for (const text of ['', '   ', '12345', '🙂🙂', '日本語のテキスト'])
      expect(toneOf(text)).toMatchObject({ score: 0, negative: false, terms: [] });
  });
});
