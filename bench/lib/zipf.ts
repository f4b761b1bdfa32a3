/**
 * A Zipf sampler over ranks 0…n−1: rank k (0-based) is drawn with probability proportional to 1 / (k + 1)^s.
 * The cumulative distribution is built once (n doubles) and each draw is a binary search over it, so a draw costs
 * O(log n) whatever s is. Seeded, so that two runs of a benchmark ask for the same sequence of threads.
 */
export class Zipf {
  private readonly cdf: Float64Array;

  constructor(
    readonly n: number,
    readonly s = 1,
    private readonly random: () => number = mulberry32(1),
  ) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError('n must be a positive integer');
    this.cdf = new Float64Array(n);
    let sum = 0;
    for (let k = 0; k < n; k++) {
      sum += 1 / (k + 1) ** s;
      this.cdf[k] = sum;
    }
    for (let k = 0; k < n; k++) this.cdf[k]! /= sum;
  }

  /** The probability of rank k. */
  probability(k: number): number {
    return this.cdf[k]! - (k > 0 ? this.cdf[k - 1]! : 0);
  }

  /** A rank, 0 (the most frequent) to n − 1. */
  next(): number {
    const u = this.random();
    let lo = 0;
    let hi = this.n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** A small seeded PRNG (mulberry32): uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
