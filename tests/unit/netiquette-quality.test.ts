import { describe, expect, it } from 'vitest';
import {
  compileRules,
  defaultDefinitions,
  evaluate,
  type RuleDefinition,
} from '../../server/modules/netiquette/engine/index.ts';
import { decodeModel, features, probability } from '../../server/modules/netiquette/engine/classifier.ts';
import { MODEL } from '../../server/modules/netiquette/engine/classifier-weights.ts';
import { tokenize } from '../../server/modules/netiquette/engine/normalize.ts';
import { readFileSync } from 'node:fs';
import { render, train, WEIGHTS_FILE } from '../../scripts/train-netiquette.ts';
import { type ClassScore, contextFor, score, summary } from '../fixtures/netiquette/score.ts';
import { TEST } from '../fixtures/netiquette/test.ts';
import { TRAIN } from '../fixtures/netiquette/train.ts';
import { LABELS } from '../fixtures/netiquette/types.ts';

const ruleSet = compileRules(defaultDefinitions());

function report(name: string, scores: ClassScore[]): string {
  return `${name}: ${scores.map((s) => `${s.label} ${s.hits}/${s.total}`).join(', ')}${scores
    .flatMap((s) =>
      s.misses.map(
        (m) => `\n  ${s.label === 'clean' ? 'false positive' : 'missed'} [${s.label}] ${JSON.stringify(m.text)}`,
      ),
    )
    .join('')}`;
}

describe('the labelled corpus (issue 17)', () => {
  it('holds at least 600 posts in two splits that share none', () => {
    expect(TRAIN.length + TEST.length).toBeGreaterThanOrEqual(600);
    const train = new Set(TRAIN.map((p) => p.text));
    expect(TEST.filter((p) => train.has(p.text))).toEqual([]);
  });

  it('has every class in both splits, the test split included', () => {
    for (const label of LABELS) {
      expect(TRAIN.filter((p) => p.label === label).length, label).toBeGreaterThanOrEqual(12);
      expect(TEST.filter((p) => p.label === label).length, label).toBeGreaterThanOrEqual(7);
    }
  });
});

describe.each([
  ['train', TRAIN],
  ['test', TEST],
] as const)('the default rule set on the %s split', (name, corpus) => {
  it('catches at least 95 % of the violations and acts on at most 2 % of the clean posts', () => {
    const scores = score(corpus, ruleSet);
    console.log(report(name, scores));
    const { recall, falsePositiveRate } = summary(scores);
    expect(recall).toBeGreaterThanOrEqual(0.95);
    expect(falsePositiveRate).toBeLessThanOrEqual(0.02);
  });

  it('catches at least 85 % of every violation class', () => {
    for (const s of score(corpus, ruleSet).filter((c) => c.label !== 'clean'))
      expect(s.hits / s.total, s.label).toBeGreaterThanOrEqual(0.85);
  });
});

describe('the statistical classifier', () => {
  it('ships the weights its training script gives (trained on the train split only)', () => {
    expect(readFileSync(WEIGHTS_FILE, 'utf8')).toBe(render(train().encoded));
  }, 60_000);

  it('never holds or refuses a post on its own, whatever action a community manager sets', () => {
    const defs: RuleDefinition[] = [
      {
        key: 'classifier',
        kind: 'classifier',
        action: 'reject',
        enabled: true,
        categoryIds: null,
        params: { threshold: 0 },
      },
    ];
    const verdict = evaluate(
      { body: 'Bonjour, une question sur les tentes.' },
      contextFor(TRAIN[0]!),
      compileRules(defs),
    );
    expect(verdict.hits.map((h) => h.ruleKey)).toEqual(['classifier']);
    expect(verdict.action).toBe('flag');
  });

  it('weighs each post exactly as the features it was trained on (its per-word memory changes nothing)', () => {
    const model = decodeModel(MODEL);
    for (const post of [...TRAIN.slice(0, 40), ...TEST.slice(0, 40)]) {
      const tokens = tokenize(post.text);
      const [buckets, n] = features(tokens);
      let sum = 0;
      for (let k = 0; k < n; k++) sum += model.weights[buckets[k]!]!;
      const expected = 1 / (1 + Math.exp(-(model.bias + (n > 0 ? sum / Math.sqrt(n) : 0))));
      // Twice: the second time every word comes from the memory.
      expect(probability(model, [tokens])).toBeCloseTo(expected, 9);
      expect(probability(model, [tokenize(post.text)])).toBeCloseTo(expected, 9);
    }
  });

  it('gives no second opinion on a post the rules already hold', () => {
    const verdict = evaluate({ body: 'Espèce de connard, je vais te retrouver.' }, contextFor(TRAIN[0]!), ruleSet);
    expect(verdict.action).toBe('hold');
    expect(verdict.hits.some((h) => h.ruleKey === 'classifier')).toBe(false);
  });
});
