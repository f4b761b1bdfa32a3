import { describe, expect, it } from 'vitest';
import { findLinks } from '../../server/modules/netiquette/engine/detectors/links.ts';
import {
  compileRules,
  defaultDefinitions,
  evaluate,
  mask,
  type EvaluationContext,
  type RuleDefinition,
  RuleError,
} from '../../server/modules/netiquette/engine/index.ts';
import {
  findCards,
  findIbans,
  findPhones,
  luhn,
} from '../../server/modules/netiquette/engine/detectors/personal-data.ts';

const base: EvaluationContext = {
  trustLevel: 1,
  role: 'member',
  accountAgeDays: 60,
  categoryId: 1,
  authorPostCount: 20,
  recentPosts: [],
  now: new Date('2026-06-01T12:00:00Z'),
};
const defaults = compileRules(defaultDefinitions());
const check = (body: string, context: Partial<EvaluationContext> = {}, title?: string) =>
  evaluate({ body, title }, { ...base, ...context }, defaults);
const keys = (body: string, context: Partial<EvaluationContext> = {}) =>
  check(body, context).hits.map((h) => h.ruleKey);

const only = (defs: RuleDefinition[]) => compileRules(defs);

describe('verdicts and hits', () => {
  it('takes the strongest action among the hits', () => {
    const verdict = check('Putain, espèce de connard, appelle le 06 12 34 56 78');
    expect(verdict.hits.map((h) => h.action).sort()).toEqual(['censor', 'hold', 'hold']);
    expect(verdict.action).toBe('hold');
  });

  it('gives each hit its span in the original text and messages in French and English', () => {
    const body = 'Bonjour, ｃｏｎｎａｒｄ !';
    const [hit] = check(body).hits;
    expect(body.slice(hit!.start, hit!.end)).toBe('ｃｏｎｎａｒｄ');
    expect(hit!.excerpt).toBe('ｃｏｎｎａｒｄ');
    expect(hit!.messages.fr).toMatch(/insultant/);
    expect(hit!.messages.en).toMatch(/insulting/);
  });

  it('reports hits in the title apart from the body', () => {
    const verdict = check('Rien à redire', {}, 'Quel connard ce vendeur');
    expect(verdict.hits[0]).toMatchObject({ field: 'title', excerpt: 'connard' });
  });

  it('keeps one explanation per passage: "fuck you" is an insult, not also profanity', () => {
    expect(keys('fuck you')).toEqual(['insults']);
  });

  it('masks censored words, keeping their first letter', () => {
    const body = 'Putain, quelle vue !';
    expect(mask(body, check(body).hits, 'body')).toBe('P•••••, quelle vue !');
  });
});

describe('word boundaries (Scunthorpe)', () => {
  it.each([
    'conseil',
    'concours',
    'Scunthorpe',
    'assess',
    'class',
    'cocktail',
    'analysis',
    'Essex',
    'pédale',
    'gourde',
  ])('never hits "%s"', (word) => {
    expect(check(`Un mot : ${word}.`).hits).toEqual([]);
  });

  it('sees "con" only where it insults', () => {
    expect(keys('Les pros et les cons du modèle.')).toEqual([]);
    expect(keys('Pauvre con.')).toEqual(['insults']);
  });

  it('takes mild words as insults only when aimed at someone', () => {
    expect(keys('Ce réglage est débile.')).toEqual([]);
    expect(keys("T'es complètement débile.")).toEqual(['insults']);
    expect(keys('The zip is dumb.')).toEqual([]);
    expect(keys('You are so dumb.')).toEqual(['insults']);
  });
});

describe('personal data', () => {
  it('finds French and international phone numbers, not order numbers', () => {
    expect(findPhones('Appelle le 06 12 34 56 78 ou le +44 20 7946 0958')).toHaveLength(2);
    expect(findPhones('Commande n° 0612345678')).toEqual([]);
  });

  it('finds IBANs only when their checksum holds', () => {
    expect(findIbans('FR76 3000 6000 0112 3456 7890 189')).toHaveLength(1);
    expect(findIbans('FR76 3000 6000 0112 3456 7890 188')).toEqual([]);
  });

  it('finds card numbers by prefix and Luhn, not EANs, prices or dates', () => {
    expect(luhn('4111111111111111')).toBe(true);
    expect(findCards('carte 4111 1111 1111 1111.')).toHaveLength(1);
    expect(findCards('carte 4111 1111 1111 1112')).toEqual([]);
    expect(findCards('EAN 3760123456789, prix 1 299,99 €, le 12/03/2025')).toEqual([]);
  });

  it('finds e-mail addresses', () => {
    expect(keys('écris à marie.curie@exemple.fr')).toEqual(['email']);
  });
});

describe('links', () => {
  it('limits the number of links by trust level', () => {
    const body = 'a.fr b.fr c.fr d.fr';
    expect(keys(body, { trustLevel: 0 }).filter((k) => k === 'links_count')).toHaveLength(3);
    expect(keys(body, { trustLevel: 2 })).toEqual([]);
  });

  it('flags URL shorteners and refuses denied domains', () => {
    expect(keys('https://bit.ly/abc')).toEqual(['links_shortener']);
    const set = only([
      {
        key: 'links_domain',
        kind: 'links_domain',
        action: 'reject',
        enabled: true,
        categoryIds: null,
        params: { denyDomains: ['concurrent.example'] },
      },
    ]);
    expect(evaluate({ body: 'Moins cher sur https://shop.concurrent.example/promo' }, base, set).action).toBe('reject');
  });

  it('finds bare domains by their real top-level domain, not weights, initials or sentence ends', () => {
    const hosts = (text: string) => findLinks(text).map((l) => l.host);
    expect(hosts('Voir cime-shop.fr/promo et Shop-Example.COM.')).toEqual(['cime-shop.fr', 'shop-example.com']);
    expect(hosts('Poids 1.5kg, M.Dupont a fini.Le lendemain, v2.3.1 et a.b.c')).toEqual([]);
    expect(hosts('écrire à moi@cime.fr ou https://www.cime.fr/a.b.fr')).toEqual(['cime.fr']);
  });

  it('matches listed domains and their subdomains only, however the list writes them', () => {
    expect(keys('Voir https://go.bit.ly/abc')).toEqual(['links_shortener']);
    expect(keys('Voir https://notbit.ly/abc')).toEqual([]);
    const deny = (denyDomains: string[]) =>
      only([
        {
          key: 'links_domain',
          kind: 'links_domain',
          action: 'reject',
          enabled: true,
          categoryIds: null,
          params: { denyDomains },
        },
      ]);
    const action = (body: string, set: ReturnType<typeof only>) => evaluate({ body }, base, set).action;
    expect(action('Chez https://www.Concurrent.example/x', deny(['WWW.concurrent.example']))).toBe('reject');
    expect(action('Chez https://a.b.concurrent.example/x', deny(['concurrent.example']))).toBe('reject');
    expect(action('Chez https://myconcurrent.example/x', deny(['concurrent.example']))).toBe('allow');
    expect(action('Chez https://concurrent.example/x', deny(['', 'other.example']))).toBe('allow');
  });
});

describe('style', () => {
  it('flags shouting but not acronyms', () => {
    expect(keys('CE PRODUIT EST VRAIMENT NUL ET TRES DECEVANT POUR MOI')).toEqual(['shouting']);
    expect(keys('Le SAV de la FFRP et le GR20 sont en PDF sur le site USB.')).toEqual([]);
  });

  it('hints at repeated characters without holding the post', () => {
    const verdict = check('Génial !!!!!!!!');
    expect(verdict.hits.map((h) => h.ruleKey)).toEqual(['repetition']);
    expect(verdict.action).toBe('allow');
  });
});

describe('activity rules', () => {
  it('refuses a duplicate of a recent post by the same author', () => {
    const recentPosts = [{ text: 'Quelle tente pour le GR20 ?', createdAt: new Date('2026-06-01T11:50:00Z') }];
    expect(keys('Quelle tente pour le GR20 ?', { recentPosts })).toContain('duplicate');
    const old = [{ text: 'Quelle tente pour le GR20 ?', createdAt: new Date('2026-05-01T11:50:00Z') }];
    expect(keys('Quelle tente pour le GR20 ?', { recentPosts: old })).not.toContain('duplicate');
  });

  it('refuses flooding with the time to wait', () => {
    const now = base.now.getTime();
    const recentPosts = [50, 40, 30].map((s) => ({ text: `message ${s}`, createdAt: new Date(now - s * 1000) }));
    const flood = check('encore un', { trustLevel: 0, recentPosts }).hits.find((h) => h.ruleKey === 'flood');
    expect(flood?.action).toBe('reject');
    expect(flood?.retryAfterSeconds).toBe(10);
    expect(keys('encore un', { trustLevel: 3, recentPosts })).not.toContain('flood');
  });

  it("flags a new member's first posts", () => {
    expect(keys('Bonjour à tous !', { trustLevel: 0, authorPostCount: 0 })).toEqual(['first_posts']);
    expect(keys('Bonjour à tous !', { trustLevel: 0, authorPostCount: 5 })).toEqual([]);
  });
});

describe('community managers’ rules', () => {
  const custom = (extra: Partial<RuleDefinition>): RuleDefinition => ({
    key: 'custom-1',
    kind: 'words',
    action: 'flag',
    enabled: true,
    categoryIds: null,
    params: { words: ['concurrent', 'marque x'] },
    messages: { fr: 'Pas de publicité pour la concurrence.', en: 'No advertising for competitors.' },
    ...extra,
  });

  it('matches word and phrase lists with the same normalisation', () => {
    const set = only([custom({})]);
    const verdict = evaluate({ body: 'La M@RQUE X est moins chère' }, base, set);
    expect(verdict.hits[0]).toMatchObject({
      ruleKey: 'custom-1',
      excerpt: 'M@RQUE X',
      messages: { fr: 'Pas de publicité pour la concurrence.' },
    });
  });

  it('applies a rule only in the categories it is scoped to', () => {
    const set = only([custom({ categoryIds: [7] })]);
    expect(evaluate({ body: 'un concurrent' }, { ...base, categoryId: 1 }, set).hits).toEqual([]);
    expect(evaluate({ body: 'un concurrent' }, { ...base, categoryId: 7 }, set).hits).toHaveLength(1);
  });

  it('ignores disabled rules', () => {
    expect(evaluate({ body: 'un concurrent' }, base, only([custom({ enabled: false })])).hits).toEqual([]);
  });

  it('runs regular expressions case-insensitively by default', () => {
    const set = only([custom({ kind: 'regex', params: { pattern: 'promo-?code\\s*\\w+' } })]);
    expect(evaluate({ body: 'Mon PROMO-CODE ABC123 !' }, base, set).hits[0]?.excerpt).toBe('PROMO-CODE ABC123');
  });

  it('refuses an invalid pattern at compile time, naming the rule', () => {
    expect(() => only([custom({ kind: 'regex', params: { pattern: '(unclosed' } })])).toThrow(RuleError);
  });

  it('cannot be stalled by a hostile pattern and input (linear-time matching)', () => {
    // With a backtracking engine each of these would run for longer than the age of the universe (the test's
    // own time-out would fail it); RE2 matches in time linear in the input.
    const set = only([
      custom({ kind: 'regex', params: { pattern: '^(a+)+$' } }),
      custom({ key: 'custom-2', kind: 'regex', params: { pattern: '(x+x+)+y' } }),
      custom({ key: 'custom-3', kind: 'regex', params: { pattern: '(.*a){25}' } }),
    ]);
    const hostile = `${'a'.repeat(30_000)}!${'x'.repeat(30_000)}`;
    expect(evaluate({ body: hostile }, base, set).hits.map((h) => h.ruleKey)).toEqual(['custom-3']);
  });

  it('refuses the constructs that need backtracking (backreferences, look-arounds)', () => {
    expect(() => only([custom({ kind: 'regex', params: { pattern: '(a)\\1' } })])).toThrow(RuleError);
    expect(() => only([custom({ kind: 'regex', params: { pattern: '(?=a)a' } })])).toThrow(RuleError);
  });
});
