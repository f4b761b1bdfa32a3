import { describe, expect, it } from 'vitest';
import {
  compileRules,
  defaultDefinitions,
  evaluate,
  type EvaluationContext,
} from '../../server/modules/netiquette/engine/index.ts';

const regular: EvaluationContext = {
  trustLevel: 1,
  role: 'member',
  accountAgeDays: 120,
  categoryId: 1,
  authorPostCount: 30,
  recentPosts: [],
  now: new Date('2026-06-01T12:00:00Z'),
};
const newcomer: EvaluationContext = { ...regular, trustLevel: 0, accountAgeDays: 0, authorPostCount: 0 };
// The first-posts review would flag every post of a newcomer: left out to see what the content rules say.
const defaults = compileRules(defaultDefinitions().filter((d) => d.key !== 'first_posts'));
const rulesOf = (body: string, context = regular) => evaluate({ body }, context, defaults).hits.map((h) => h.ruleKey);
const actionOf = (body: string, context = regular) => evaluate({ body }, context, defaults).action;

describe('disguise', () => {
  it('folds Cyrillic and Greek look-alike letters inside a word', () => {
    const body = 'Pauvre сοnnard.'; // Cyrillic « с », Greek « ο »
    const [hit] = evaluate({ body }, regular, defaults).hits;
    expect(hit).toMatchObject({ ruleKey: 'insults', excerpt: 'сοnnard' });
  });

  it('reads masked letters as the listed word they hide, and leaves markdown emphasis alone', () => {
    expect(rulesOf('Quel enf*iré, celui-là.')).toEqual(['insults']);
    const [swear] = evaluate({ body: 'Oh f**k, la pluie.' }, regular, defaults).hits.filter(
      (h) => h.ruleKey === 'profanity',
    );
    expect(swear?.excerpt).toBe('f**k');
    expect(rulesOf('Lisez **bien** la *notice* avant le montage.')).toEqual([]);
  });

  it('knows the abbreviations and back-slang of insults', () => {
    expect(rulesOf('ftg')).toEqual(['insults']);
    expect(rulesOf('Quel nardco, ce type.')).toEqual(['insults']);
  });
});

describe('false positives fixed by mechanism', () => {
  it('leaves a listed word inside a hyphenated compound the list does not hold whole', () => {
    const set = compileRules([
      { key: 'custom-1', kind: 'words', action: 'flag', enabled: true, categoryIds: null, params: { words: ['pied'] } },
    ]);
    expect(evaluate({ body: 'Mal au cou-de-pied après la descente.' }, regular, set).hits).toEqual([]);
    expect(evaluate({ body: 'Mal au pied après la descente.' }, regular, set).hits).toHaveLength(1);
  });

  it('lets an insult the author says of themselves pass, not one said of the reader', () => {
    expect(rulesOf('Quel crétin je fais, j’ai oublié la pompe.')).toEqual([]);
    expect(rulesOf('I am such an idiot, the poles are at home.')).toEqual([]);
    expect(rulesOf('Quel crétin tu fais.')).toEqual(['insults']);
  });

  it('reads words with an innocent sense in their ordinary sense', () => {
    expect(rulesOf('Elle attache sa queue de cheval avant de mettre le casque.')).toEqual([]);
    expect(rulesOf('Mon pneu crève à chaque sortie, des conseils ?')).toEqual([]);
    expect(rulesOf('Hot tip: keep your gas canister in your sleeping bag.')).toEqual([]);
  });
});

describe('threats', () => {
  it.each([
    'Je vais te défoncer à la sortie.',
    'On va cramer votre boutique.',
    'I will smash your face in.',
    'I will find you.',
    'Va te pendre.',
    'Go kill yourself.',
  ])('holds "%s"', (body) => {
    expect(actionOf(body)).toBe('hold');
    expect(rulesOf(body)).toContain('threats');
  });

  it.each([
    'Tu vas te tuer avec ces chaussures lisses.',
    'Je vais défoncer mon record ce week-end.',
    'I will find you a better tent in the outlet.',
    'You will kill yourself on that scree in trainers.',
    'Je te retrouve au parking à 8 h.',
  ])('lets "%s" pass', (body) => {
    expect(rulesOf(body)).not.toContain('threats');
  });
});

describe('identity attacks', () => {
  it('catches a group named as a whole with a demeaning predicate, and exclusion demands', () => {
    expect(rulesOf('Les Turcs sont tous des voleurs.')).toContain('identity');
    expect(rulesOf('Retourne dans ton pays.')).toContain('identity');
    expect(rulesOf('Go back to your country.')).toContain('identity');
  });

  it('lets ordinary mentions of a group and advice to go home pass', () => {
    expect(rulesOf('Les Turcs font un café excellent au refuge.')).toEqual([]);
    expect(rulesOf('Rentre chez toi avant la pluie, la route est longue.')).toEqual([]);
  });
});

describe('sexual remarks and harassment', () => {
  it('catches sexual remarks aimed at a member, not sexual words about gear', () => {
    expect(rulesOf('Montre-moi tes seins.')).toContain('sexual');
    expect(rulesOf('Ce soutien-gorge de sport maintient bien les seins en trail.')).toEqual([]);
    expect(rulesOf('Protège tes fesses du froid avec un bout de mousse.')).toEqual([]);
  });

  it('catches body shaming, threats to expose and orders to leave', () => {
    expect(rulesOf('T’es trop grosse pour ce vélo.')).toContain('harassment');
    expect(rulesOf('Je vais publier ton adresse partout.')).toContain('harassment');
    expect(rulesOf('Dégage de ce forum.')).toContain('harassment');
    expect(rulesOf('Le ciel se dégage enfin sur le massif.')).toEqual([]);
  });
});

describe('personal data', () => {
  it('finds postal addresses with their postcode, not streets named in passing', () => {
    const body = 'Envoie-le au 12 rue des Lilas, 75020 Paris.';
    const hit = evaluate({ body }, regular, defaults).hits.find((h) => h.ruleKey === 'address');
    expect(hit?.excerpt).toBe('12 rue des Lilas, 75020 Paris');
    expect(rulesOf('Le magasin est rue de la Paix, près de l’Opéra.')).toEqual([]);
  });

  it('finds e-mail addresses spelled out, not the word "at"', () => {
    expect(rulesOf('Écris à paul [at] gmail [dot] com')).toEqual(['email']);
    expect(rulesOf('We met at the hut at noon.')).toEqual([]);
  });

  it('finds phones in other national formats and in words, not order numbers', () => {
    expect(rulesOf('My mobile is 07911 123456.')).toEqual(['phone']);
    expect(rulesOf('Appelle le zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit.')).toEqual(['phone']);
    expect(rulesOf('Ma commande 0612345678 est partie.')).toEqual([]);
  });
});

describe('spam', () => {
  it('scores spam with one link or none, more strongly for a new member', () => {
    const body = 'Casino en ligne : 200 € de bonus à l’inscription.';
    expect(rulesOf(body, newcomer)).toEqual(['spam']);
    expect(rulesOf(body, regular)).toEqual([]);
    expect(rulesOf('Gagnez 300 € par jour avec mon coaching crypto, écrivez-moi sur WhatsApp.')).toEqual(['spam']);
  });

  it('lets a member talk about a sale', () => {
    expect(rulesOf('Les soldes sont lancés, j’ai eu la tente à -30 %.', newcomer)).toEqual([]);
  });
});

describe('explanations', () => {
  it('are given only when asked for', () => {
    const body = 'Quel idiot je fais. Espèce de connard.';
    expect(evaluate({ body }, regular, defaults)).not.toHaveProperty('explain');
    const explained = evaluate({ body }, regular, defaults, { explain: true });
    expect(explained.explain).toContainEqual(
      expect.objectContaining({ ruleKey: 'insults', fired: true, excerpt: 'connard' }),
    );
    expect(explained.explain).toContainEqual(
      expect.objectContaining({ ruleKey: 'insults', fired: false, excerpt: 'idiot' }),
    );
  });
});
