import { describe, expect, it } from 'vitest';
import { requiredLiterals } from '../../server/modules/netiquette/engine/literals.ts';
import { compileRules, evaluate, type RuleDefinition } from '../../server/modules/netiquette/engine/index.ts';

describe('required literals of a regular expression (the prefilter before RE2)', () => {
  it.each([
    ['(code|coupon)[-_ ]?promo[-_ ]?\\d{2,}', ['promo']],
    ['(code|coupon)promo\\d+|ref-[a-z]{3}\\d+', ['promo', 'ref-']],
    ['Viagra', ['viagra']],
    ['promos?', ['promo']],
    // Both sides are compared lower-cased, so inline flags change nothing.
    ['(?i)promo', ['promo']],
  ])('%s → %j', (pattern, literals) => {
    expect(requiredLiterals(pattern)).toEqual(literals);
  });

  it.each(['(promo|code)\\d+', 'ab', 'a|bcd', '[a-z]+', 'pr.mo'])(
    'gives none for %s (the engine always runs)',
    (pattern) => {
      expect(requiredLiterals(pattern)).toBeUndefined();
    },
  );

  it('never hides a match: every pattern still finds what it finds without the prefilter', () => {
    const rule = (key: string, pattern: string): RuleDefinition => ({
      key,
      kind: 'regex',
      action: 'flag',
      enabled: true,
      categoryIds: null,
      params: { pattern },
    });
    const set = compileRules([
      rule('a', 'promo-?code\\s*\\w+'),
      rule('b', 'ref-\\d{4}'),
      rule('c', 'kask\\d'),
      rule('d', 'straße \\d'),
    ]);
    const context = {
      trustLevel: 1,
      role: 'member' as const,
      accountAgeDays: 1,
      categoryId: 1,
      authorPostCount: 5,
      recentPosts: [],
      now: new Date(),
    };
    const hits = (body: string) => evaluate({ body }, context, set).hits.map((h) => h.excerpt);
    expect(hits('Mon PROMO-CODE X1 et REF-1234')).toEqual(['PROMO-CODE X1', 'REF-1234']);
    expect(hits('Un ſpromo-code long')).toEqual(['promo-code long']);
    // Folded as RE2 folds: the Kelvin sign and the long s, the capital sharp s.
    expect(hits('Le \u212AAſK1 et la STRAẞE 4')).toEqual(['\u212AAſK1', 'STRAẞE 4']);
    expect(hits('Rien à voir ici')).toEqual([]);
  });
});
