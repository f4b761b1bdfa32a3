import { tokenize } from './normalize.ts';
import type { CompiledRuleSet, Prepared } from './rule-set.ts';
import {
  type Action,
  type EvaluationContext,
  type EvaluationInput,
  type Explanation,
  type Hit,
  severity,
  type Verdict,
} from './types.ts';

/**
 * Evaluates a post against a compiled rule set: every hit with its rule, action, explanation in both
 * languages and span in the original text, and the verdict, the strongest action among the hits.
 * Pure: the caller supplies the context (trust level, recent posts…).
 */
export function evaluate(
  input: EvaluationInput,
  context: EvaluationContext,
  ruleSet: CompiledRuleSet,
  options: { explain?: boolean } = {},
): Verdict {
  const fields: Prepared[] = [];
  if (input.title) fields.push(prepare('title', input.title));
  fields.push(prepare('body', input.body));
  const hits: Hit[] = [];
  const explain: Explanation[] | undefined = options.explain ? [] : undefined;
  const textOf = (field: 'title' | 'body') => (field === 'title' ? input.title! : input.body);
  for (const rule of ruleSet.rules) {
    if (rule.categoryIds && (context.categoryId === null || !rule.categoryIds.has(context.categoryId))) continue;
    if (explain) for (const f of fields) f.notes = [];
    const founds = rule.detect(fields, context, hits);
    if (explain) {
      for (const f of fields)
        for (const n of f.notes!)
          explain.push({ ruleKey: rule.key, ...n, excerpt: textOf(n.field).slice(n.start, n.end) });
      for (const h of founds)
        if (h.why)
          explain.push({
            ruleKey: rule.key,
            fired: true,
            field: h.field,
            start: h.start,
            end: h.end,
            excerpt: textOf(h.field).slice(h.start, h.end),
            why: h.why,
          });
    }
    for (const found of founds) {
      const text = textOf(found.field);
      hits.push({
        ruleKey: rule.key,
        action: rule.action,
        messages: rule.messages,
        field: found.field,
        start: found.start,
        end: found.end,
        excerpt: text.slice(found.start, found.end),
        ...(found.retryAfterSeconds ? { retryAfterSeconds: found.retryAfterSeconds } : {}),
      });
    }
  }
  const kept = dropOverlaps(hits);
  kept.sort((a, b) => (a.field === b.field ? a.start - b.start : a.field === 'title' ? -1 : 1));
  const action = kept.reduce<Action>((max, h) => (severity(h.action) > severity(max) ? h.action : max), 'allow');
  return explain ? { action, hits: kept, explain } : { action, hits: kept };
}

/**
 * One passage, one explanation: where word rules overlap (« fuck you » is an insult, « fuck » alone
 * profanity), only the most severe hit is kept.
 */
function dropOverlaps(hits: Hit[]): Hit[] {
  const bySeverity = [...hits].sort((a, b) => severity(b.action) - severity(a.action));
  const kept: Hit[] = [];
  for (const h of bySeverity) {
    const spans = h.end > h.start;
    if (spans && kept.some((k) => k.field === h.field && k.end > k.start && k.start < h.end && h.start < k.end))
      continue;
    kept.push(h);
  }
  return kept;
}

/** Every field object gets all its lazily computed slots up front: one shape, fast property access. */
function prepare(field: 'title' | 'body', text: string): Prepared {
  return {
    field,
    text,
    tokens: tokenize(text),
    links: undefined,
    allowed: undefined,
    matches: undefined,
    regexMaybe: undefined,
    sentences: undefined,
    stats: undefined,
    notes: undefined,
  };
}

/**
 * « Publish with the words masked »: the censored spans of a text replaced by the first letter and
 * bullets, so that readers see that a word was there without reading it.
 */
export function mask(text: string, hits: Hit[], field: 'title' | 'body'): string {
  const spans = hits
    .filter((h) => h.action === 'censor' && h.field === field && h.end > h.start)
    .sort((a, b) => b.start - a.start);
  let out = text;
  for (const h of spans) {
    const word = [...out.slice(h.start, h.end)];
    const masked = word.map((c, i) => (i === 0 || /\s/u.test(c) ? c : '•')).join('');
    out = out.slice(0, h.start) + masked + out.slice(h.end);
  }
  return out;
}
