import { describe, expect, it } from 'vitest';
import { mulberry32, Zipf } from '../../bench/lib/zipf.ts';

describe('Zipf', () => {
  const n = 100_000;
  const draws = 400_000;

  function frequencies(zipf: Zipf) {
    const counts = new Map<number, number>();
    for (let i = 0; i < draws; i++) {
      const k = zipf.next();
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    return counts;
  }

  it('gives the first ranks the frequencies 1/(k+1) over the harmonic number (s = 1)', () => {
    const counts = frequencies(new Zipf(n, 1, mulberry32(42)));
    const harmonic = Array.from({ length: n }, (_, k) => 1 / (k + 1)).reduce((a, b) => a + b, 0);
    for (const k of [0, 1, 2, 4, 9]) {
      const expected = draws / (k + 1) / harmonic;
      // Within 5 standard deviations of a binomial count (≈ 1.2 % of the count at rank 0, 4 % at rank 9).
      const tolerance = 5 * Math.sqrt(expected);
      expect(Math.abs(counts.get(k)! - expected)).toBeLessThan(tolerance);
    }
    // Rank 0 is drawn about twice as often as rank 1, ten times as often as rank 9.
    expect(counts.get(0)! / counts.get(1)!).toBeGreaterThan(1.9);
    expect(counts.get(0)! / counts.get(1)!).toBeLessThan(2.1);
    expect(counts.get(0)! / counts.get(9)!).toBeGreaterThan(9);
    expect(counts.get(0)! / counts.get(9)!).toBeLessThan(11);
  });

  it('leaves most of the mass in the long tail: the top 1 % of ranks take about 60 %, not all', () => {
    const zipf = new Zipf(n, 1, mulberry32(7));
    let top = 0;
    for (let i = 0; i < draws; i++) if (zipf.next() < n / 100) top += 1;
    let expected = 0;
    for (let k = 0; k < n / 100; k++) expected += zipf.probability(k);
    expect(expected).toBeGreaterThan(0.55);
    expect(expected).toBeLessThan(0.65);
    expect(Math.abs(top / draws - expected)).toBeLessThan(0.01);
  });

  it('draws every rank within bounds, and a steeper s concentrates the draws', () => {
    const flat = new Zipf(1000, 0.5, mulberry32(3));
    const steep = new Zipf(1000, 2, mulberry32(3));
    let flatTop = 0;
    let steepTop = 0;
    for (let i = 0; i < 20_000; i++) {
      const a = flat.next();
      const b = steep.next();
      expect(a).toBeGreaterThanOrEqual(0);
      expect(a).toBeLessThan(1000);
      if (a === 0) flatTop += 1;
      if (b === 0) steepTop += 1;
    }
    // P(0) = 1/ζ(2) ≈ 0.61 at s = 2 against ≈ 0.016 at s = 0.5 over 1000 ranks.
    expect(steepTop / 20_000).toBeGreaterThan(0.58);
    expect(flatTop / 20_000).toBeLessThan(0.03);
  });

  it('repeats its sequence for a given seed', () => {
    const a = new Zipf(1000, 1, mulberry32(9));
    const b = new Zipf(1000, 1, mulberry32(9));
    expect(Array.from({ length: 50 }, () => a.next())).toEqual(Array.from({ length: 50 }, () => b.next()));
  });
});
