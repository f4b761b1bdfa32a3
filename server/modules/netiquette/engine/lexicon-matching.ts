import { builtinLexicons } from './builtin-lexicons.ts';
import { note, reason } from './explain.ts';
import { aboutSelf, aboutThing, compoundAround, directedBy, placeName } from './context.ts';
import { type Lexicon, LexiconGroup, type LexiconMatch } from './lexicon.ts';
import type { Found, Prepared } from './rule-set.ts';

/**
 * The lexicons a rule set uses, matched together in one pass per field. Detectors hold an index into it;
 * the group is built once every detector has registered its lexicons.
 */
export class LexiconRegistry {
  readonly lexicons: Lexicon[] = [];
  private group: LexiconGroup | undefined;

  use(lexicon: Lexicon): number {
    const found = this.lexicons.indexOf(lexicon);
    if (found >= 0) return found;
    this.group = undefined;
    return this.lexicons.push(lexicon) - 1;
  }

  matches(f: Prepared, index: number): LexiconMatch[] {
    this.group ??= new LexiconGroup(this.lexicons);
    f.matches ??= this.group.matchAll(f.tokens);
    return f.matches[index]!;
  }
}

/**
 * A detector that starts from the words of an anchor lexicon (matched in the same single pass as every
 * lexicon of the rule set) and reads the context around each: most posts hold no anchor and cost nothing more.
 */
export function anchoredDetector(
  registry: LexiconRegistry,
  anchors: Lexicon,
  check: (f: Prepared, m: LexiconMatch) => Found | undefined,
) {
  const index = registry.use(anchors);
  registry.use(builtinLexicons().allow);
  return (fields: Prepared[]): Found[] => {
    const found: Found[] = [];
    for (const f of fields) {
      const matches = registry.matches(f, index);
      if (matches.length === 0) continue;
      for (const m of matches) {
        const start = f.tokens[m.first]!.start;
        const end = f.tokens[m.last]!.end;
        const sense = allowedSpans(registry, f).find(([a, b]) => a <= start && end <= b);
        if (sense) {
          note(f, start, end, 'sense', f.text.slice(sense[0], sense[1]));
          continue;
        }
        const hit = check(f, m);
        if (hit && !found.some((h) => h.field === hit.field && h.start < hit.end && hit.start < h.end)) found.push(hit);
      }
    }
    return found;
  };
}

/** Spans covered by allowed phrases (« cul-de-sac ») in a field, so that no word rule hits inside them. */
function allowedSpans(registry: LexiconRegistry, f: Prepared): [number, number][] {
  f.allowed ??= registry
    .matches(f, registry.use(builtinLexicons().allow))
    .map((m) => [f.tokens[m.first]!.start, f.tokens[m.last]!.end]);
  return f.allowed;
}

export interface LexiconOptions {
  /** Only when a directing phrase comes just before (« t'es débile », not « ce réglage est débile »). */
  directed?: boolean;
  /** Not when the author speaks of themselves (« quel idiot je fais », "I'm such an idiot"). */
  notAboutSelf?: boolean;
  /** A detector's own reading of the context: true lets the match go (the veto notes why). */
  veto?: (f: Prepared, m: LexiconMatch) => boolean;
}

export function lexiconDetector(registry: LexiconRegistry, lexicons: Lexicon[], options: LexiconOptions = {}) {
  const indexes = lexicons.filter((l) => l.size > 0).map((l) => registry.use(l));
  registry.use(builtinLexicons().allow);
  return (fields: Prepared[]): Found[] => {
    const found: Found[] = [];
    for (const f of fields) {
      for (const index of indexes) {
        for (const m of registry.matches(f, index)) {
          const start = f.tokens[m.first]!.start;
          const end = f.tokens[m.last]!.end;
          const sense = allowedSpans(registry, f).find(([a, b]) => a <= start && end <= b);
          if (sense) {
            note(f, start, end, 'sense', f.text.slice(sense[0], sense[1]));
            continue;
          }
          const compound = compoundAround(f, m.first, m.last);
          if (compound) {
            note(f, start, end, 'compound', compound);
            continue;
          }
          let cue: string | undefined;
          if (options.directed) {
            cue = directedBy(f, m.first);
            if (!cue) {
              note(f, start, end, 'notDirected');
              continue;
            }
          }
          if (m.first === m.last && placeName(f, m.first)) {
            note(f, start, end, 'sense', `${f.text.slice(start, end)} (lieu / place)`);
            continue;
          }
          if (options.directed && aboutThing(f, m.last)) {
            note(f, start, end, 'thing');
            continue;
          }
          if (options.notAboutSelf && aboutSelf(f, m.first, m.last)) {
            note(f, start, end, 'self');
            continue;
          }
          if (options.veto?.(f, m)) continue;
          found.push({
            field: f.field,
            start,
            end,
            why: cue ? reason('directed', cue) : reason('listed', m.entry),
          });
        }
      }
    }
    return found;
  };
}
