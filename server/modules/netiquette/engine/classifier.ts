import type { Token } from './normalize.ts';

/**
 * The netiquette's statistical classifier (issue 17): a logistic regression over hashed features of the
 * normalised words — each word, its first five letters, each pair of neighbouring words, and the character
 * 4-grams of each word (so that « connards » and « connasse » share something) — trained by
 * scripts/train-netiquette.ts on the project's train split only, its weights shipped in classifier-weights.ts.
 * Nothing is downloaded. It reads the first MAX_TOKENS words of each field: the posts it is for are short, and
 * the rule set's budget is 100 µs for a 2 KB post.
 */

export const BUCKETS = 1 << 14;
export const MAX_TOKENS = 80;

const WORD = 2166136261;
const PREFIX = 0x9e3779b9;
const GRAM = 0x85ebca6b;
const MASK = BUCKETS - 1;
const EDGE = 94; // « ^ » and « $ » around a word: its 4-grams know where it starts and ends

/** FNV-1a over characters [from, to) of a word, with « ^ » before index 0 and « $ » at its end. */
function fnv(w: string, from: number, to: number, seed: number): number {
  let h = seed;
  for (let i = from; i < to; i++) {
    h ^= i < 0 || i >= w.length ? (i < 0 ? EDGE : EDGE + 2) : w.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

/**
 * The buckets of a text's features (with repetitions: a feature seen twice counts twice, the vector is
 * normalised afterwards). Written into `out`, which is returned with its used length. No allocation: this runs
 * on every post the rules leave undecided.
 */
export function features(
  tokens: readonly Token[],
  out: Int32Array = new Int32Array(MAX_TOKENS * 12),
): [Int32Array, number] {
  let n = 0;
  let previous = 0;
  const count = Math.min(tokens.length, MAX_TOKENS);
  for (let i = 0; i < count && n + 12 <= out.length; i++) {
    const forms = tokens[i]!.forms;
    const w = forms[forms.length - 1]!;
    const h = fnv(w, 0, w.length, WORD);
    out[n++] = h & MASK;
    if (w.length > 5) out[n++] = fnv(w, 0, 5, PREFIX) & MASK;
    if (i > 0) out[n++] = (Math.imul(previous ^ 0x27d4eb2d, 31) + h) & MASK;
    previous = h;
    // The 4-grams of « ^word$ », at most eight.
    if (w.length >= 4) for (let k = -1; k + 4 <= w.length + 1 && k < 7; k++) out[n++] = fnv(w, k, k + 4, GRAM) & MASK;
  }
  return [out, n];
}

export interface Model {
  bias: number;
  weights: Float32Array;
  /** From this probability on, the classifier speaks (chosen by the training script on the train split). */
  threshold: number;
}

/**
 * The probability that a text breaks the netiquette, from its fields' tokens: the same features as
 * `features`, but each word's own ones (the word, its prefix, its 4-grams) weighed once per process and
 * remembered, so that only the pairs of neighbouring words are hashed per post (most words recur from post
 * to post).
 */
export function probability(model: Model, fieldTokens: readonly (readonly Token[])[]): number {
  let sum = 0;
  let total = 0;
  const weights = model.weights;
  for (const tokens of fieldTokens) {
    let previous = 0;
    const count = Math.min(tokens.length, MAX_TOKENS);
    for (let i = 0; i < count; i++) {
      const forms = tokens[i]!.forms;
      const part = wordPart(model, forms[forms.length - 1]!);
      sum += part.sum;
      total += part.count;
      if (i > 0) {
        sum += weights[(Math.imul(previous ^ 0x27d4eb2d, 31) + part.hash) & MASK]!;
        total++;
      }
      previous = part.hash;
    }
  }
  // The features' vector is normalised to length 1: a long post is not more suspect for being long.
  const z = model.bias + (total > 0 ? sum / Math.sqrt(total) : 0);
  return 1 / (1 + Math.exp(-z));
}

/** A word's own features under a model: its hash (for the pair with the next word), their weights' sum and number. */
interface WordPart {
  hash: number;
  sum: number;
  count: number;
}

const parts = new WeakMap<Model, Map<string, WordPart>>();
/** Enough for a community's vocabulary; a flood of made-up words empties it rather than growing it. */
const MAX_REMEMBERED = 50_000;

function wordPart(model: Model, w: string): WordPart {
  let known = parts.get(model);
  if (!known) parts.set(model, (known = new Map()));
  let part = known.get(w);
  if (part === undefined) {
    const hash = fnv(w, 0, w.length, WORD);
    let sum = model.weights[hash & MASK]!;
    let count = 1;
    if (w.length > 5) {
      sum += model.weights[fnv(w, 0, 5, PREFIX) & MASK]!;
      count++;
    }
    if (w.length >= 4)
      for (let k = -1; k + 4 <= w.length + 1 && k < 7; k++) {
        sum += model.weights[fnv(w, k, k + 4, GRAM) & MASK]!;
        count++;
      }
    part = { hash, sum, count };
    if (w.length <= 40) {
      if (known.size >= MAX_REMEMBERED) known.clear();
      known.set(w, part);
    }
  }
  return part;
}

/** Weights shipped as int8 with one scale (16 KB as base64), read once per process. */
export function decodeModel(encoded: { bias: number; scale: number; threshold: number; weights: string }): Model {
  const bytes = Buffer.from(encoded.weights, 'base64');
  const weights = new Float32Array(BUCKETS);
  for (let i = 0; i < BUCKETS && i < bytes.length; i++) weights[i] = ((bytes[i]! << 24) >> 24) * encoded.scale;
  return { bias: encoded.bias, weights, threshold: encoded.threshold };
}

export function encodeModel(model: Model): { bias: number; scale: number; threshold: number; weights: string } {
  let max = 0;
  for (const w of model.weights) max = Math.max(max, Math.abs(w));
  const scale = max > 0 ? max / 127 : 1;
  const bytes = Buffer.alloc(BUCKETS);
  for (let i = 0; i < BUCKETS; i++) bytes[i] = Math.round(model.weights[i]! / scale) & 0xff;
  return {
    bias: Number(model.bias.toFixed(6)),
    scale: Number(scale.toPrecision(8)),
    threshold: model.threshold,
    weights: bytes.toString('base64'),
  };
}
