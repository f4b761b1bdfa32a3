import { describe, expect, it } from 'vitest';
import { INDEX_SETTINGS, MeiliSearchAdapter, STOP_WORDS } from '../../server/modules/search/meili.adapter.ts';

describe('Meilisearch index settings and filters', () => {
  it('drops French and English function words, elided letters included, but keeps « été »', () => {
    for (const w of ['le', 'la', 'les', 'des', 'du', 'l', 'd', 'qu', 'j', 'the', 'and', 'of'])
      expect(STOP_WORDS, w).toContain(w);
    for (const w of ['été', 'chaussure', 'entretien', 'boots']) expect(STOP_WORDS, w).not.toContain(w);
    expect(new Set(STOP_WORDS).size).toBe(STOP_WORDS.length);
  });

  it('ranks the title above the body, and filters on what the search routes offer', () => {
    expect(INDEX_SETTINGS.searchableAttributes).toEqual(['title', 'body']);
    for (const f of ['visibility', 'categoryId', 'authorId', 'kind', 'answered', 'createdAt', 'number']) {
      expect(INDEX_SETTINGS.filterableAttributes, f).toContain(f);
    }
    expect(INDEX_SETTINGS.rankingRules?.at(-1)).toBe('createdAt:desc');
    expect(INDEX_SETTINGS.typoTolerance).toMatchObject({ enabled: true });
  });

  it('builds filters from numbers and fixed words only', () => {
    expect(MeiliSearchAdapter.filter({ includeHidden: false })).toBe('visibility = published');
    expect(
      MeiliSearchAdapter.filter({
        includeHidden: true,
        categoryId: 3,
        authorId: 7,
        kind: 'question',
        from: new Date('2026-01-01T00:00:00Z'),
        to: new Date('2026-02-01T00:00:00Z'),
        answered: true,
        titles: true,
      }),
    ).toBe(
      'visibility IN [published, pending, hidden] AND categoryId = 3 AND authorId = 7 AND kind = question AND createdAt >= 1767225600 AND createdAt < 1769904000 AND answered = true AND number = 1',
    );
    // Whatever reached it by mistake, no quote, operator or space survives into the expression.
    expect(MeiliSearchAdapter.filter({ includeHidden: false, kind: 'tip" OR visibility = hidden' as never })).toBe(
      'visibility = published AND kind = tipvisibilityhidden',
    );
  });
});
