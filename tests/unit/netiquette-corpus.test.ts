import { describe, expect, it } from 'vitest';
import {
  compileRules,
  defaultDefinitions,
  evaluate,
  type EvaluationContext,
} from '../../server/modules/netiquette/engine/index.ts';
import { CLEAN, VIOLATIONS } from '../fixtures/netiquette-corpus.ts';

const ruleSet = compileRules(defaultDefinitions());
const context: EvaluationContext = {
  trustLevel: 1,
  role: 'member',
  accountAgeDays: 60,
  categoryId: 1,
  authorPostCount: 20,
  recentPosts: [],
  now: new Date(),
};
const flagged = (text: string) => evaluate({ body: text }, context, ruleSet).action !== 'allow';

describe('the netiquette engine on the labelled corpus', () => {
  it(`has at least 150 posts (${CLEAN.length} clean, ${VIOLATIONS.length} violations)`, () => {
    expect(CLEAN.length + VIOLATIONS.length).toBeGreaterThanOrEqual(150);
  });

  it('catches at least 95 % of the violations and flags at most 2 % of the clean posts', () => {
    const missed = VIOLATIONS.filter((t) => !flagged(t));
    const falsePositives = CLEAN.filter(flagged);
    const recall = 1 - missed.length / VIOLATIONS.length;
    const falsePositiveRate = falsePositives.length / CLEAN.length;
    const precision = (VIOLATIONS.length - missed.length) / (VIOLATIONS.length - missed.length + falsePositives.length);
    console.log(
      `netiquette corpus: recall ${(recall * 100).toFixed(1)} %, precision ${(precision * 100).toFixed(1)} %, ` +
        `false positives ${(falsePositiveRate * 100).toFixed(1)} % (${falsePositives.length}/${CLEAN.length})` +
        (missed.length ? `\n  missed: ${missed.map((m) => JSON.stringify(m)).join(', ')}` : '') +
        (falsePositives.length
          ? `\n  false positives: ${falsePositives.map((m) => JSON.stringify(m)).join(', ')}`
          : ''),
    );
    expect(recall).toBeGreaterThanOrEqual(0.95);
    expect(falsePositiveRate).toBeLessThanOrEqual(0.02);
  });
});
