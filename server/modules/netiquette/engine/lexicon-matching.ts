import { builtinLexicons } from './builtin-lexicons.ts';
import { note, reason } from './explain.ts';
import { clauseEndsAfter, gap, SECOND_PERSON, sentences, WordSet } from './grammar.ts';
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

const INTENSIFIERS = new Set([
  'vraiment',
  'trop',
  'completement',
  'totalement',
  'un',
  'une',
  'des',
  'qu',
  'so',
  'such',
  'really',
  'a',
  'an',
  'total',
  'complete',
  'fucking',
  'sacre',
  'sacree',
  'gros',
  'grosse',
  'bien',
  'de',
  'd',
  'tous',
  'toutes',
  'all',
  'total',
  'absolute',
  'little',
  'pathetic',
  'ignorant',
  'smug',
  'clueless',
  'roi',
  'vrai',
  'vraie',
  'pauvre',
  'sombre',
  'espece',
]);

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

const HYPHENS = new Set(['-', '\u2010', '\u2011']);
/** Pronouns joined to a verb by a hyphen (« casse-toi », « dis-le »): no compound word. */
const CLITICS = new Set([
  'toi',
  'moi',
  'la',
  'ci',
  'vous',
  'nous',
  'te',
  'les',
  'le',
  't',
  'y',
  'en',
  'lui',
  'leur',
  'tu',
  'je',
  'il',
  'on',
]);

/**
 * A listed word inside a hyphenated compound that the list does not hold whole (« casse-gueule »,
 * « cul-de-poule », « garde-fou »): the compound, else undefined. Whole listed phrases (« fils-de-pute »)
 * cover their compound and are not concerned.
 */
function compoundAround(f: Prepared, first: number, last: number): string | undefined {
  const t = f.tokens;
  let a = first;
  let b = last;
  while (a > 0 && HYPHENS.has(gap(f, a)) && !CLITICS.has(t[a - 1]!.text)) a--;
  while (b < t.length - 1 && HYPHENS.has(gap(f, b + 1)) && !CLITICS.has(t[b + 1]!.text)) b++;
  return a === first && b === last ? undefined : f.text.slice(t[a]!.start, t[b]!.end);
}

/** Words that put a place name after them (« à Condom », "near Penistone"), or before them (« Wank near… »). */
const PLACE_BEFORE = new WordSet([
  'in',
  'near',
  'at',
  'to',
  'from',
  'via',
  'around',
  'a',
  'vers',
  'pres',
  'mount',
  'mt',
  'mont',
  'col',
  'lac',
  'lake',
  'pic',
  'peak',
  'village',
  'town',
  'hameau',
  'commune',
]);
const PLACE_NOUN = new WordSet([
  'pub',
  'inn',
  'tavern',
  'hotel',
  'auberge',
  'gite',
  'refuge',
  'village',
  'lake',
  'mountain',
  'hill',
  'peak',
  'station',
]);
const PLACE_AFTER = new WordSet([
  'near',
  'in',
  'en',
  'pres',
  'sur',
  'austria',
  'autriche',
  'savoie',
  'england',
  'angleterre',
  'germany',
  'allemagne',
]);

/**
 * A listed word written with a capital inside a sentence, with a place word before or after it, is a place
 * (« le village de Pussy », "Fucking, Austria", "up the Wank near Garmisch"): towns keep their names.
 */
function placeName(f: Prepared, i: number): boolean {
  const t = f.tokens[i]!;
  const first = f.text.charCodeAt(t.start);
  if (!(first >= 65 && first <= 90) || i === 0 || sentences(f)[i - 1] !== sentences(f)[i]) return false;
  const before = f.tokens[i - 1];
  const before2 = f.tokens[i - 2];
  const place =
    PLACE_BEFORE.has(before) || ((before?.text === 'de' || before?.text === 'of') && PLACE_BEFORE.has(before2));
  if (place || PLACE_AFTER.has(f.tokens[i + 1])) return true;
  // A named place further on: "The Cock and Bull pub", « l'auberge du … ».
  for (let k = i + 1; k <= i + 3 && k < f.tokens.length; k++) if (PLACE_NOUN.has(f.tokens[k])) return true;
  return false;
}

/** Directing adjectives that also just describe, and the articles and verbs around them (see directedBy). */
const ADJECTIVES = new Set(['sale', 'pauvre', 'gros', 'grosse', 'sombre', 'petit', 'petite', 'vieux', 'vieille']);
const ARTICLES = new WordSet([
  'un',
  'une',
  'le',
  'la',
  'les',
  'des',
  'du',
  'ce',
  'cet',
  'cette',
  'mon',
  'ma',
  'son',
  'sa',
  'a',
  'the',
]);
const SAID_OF = new WordSet(['es', 'est', 'etes', 'suis', 'c', 'are', 're', 'is', 'quel', 'quelle']);
/** Things and animals an epithet may be about (« ce gros débile de GPS », « quel boulet ce vent »). */
const THINGS = new WordSet([
  'gps',
  'appli',
  'application',
  'app',
  'site',
  'montre',
  'telephone',
  'tel',
  'zip',
  'fermeture',
  'sac',
  'tente',
  'velo',
  'kayak',
  'rechaud',
  'vent',
  'temps',
  'meteo',
  'pluie',
  'orage',
  'brouillard',
  'chien',
  'chat',
  'cheval',
  'ane',
  'truc',
  'machin',
  'bidule',
  'engin',
  'bus',
  'train',
  'telesiege',
  'sentier',
  'chemin',
  'col',
  'montee',
  'caillou',
  'bouquin',
  'logiciel',
  'ordi',
  'weather',
  'wind',
  'rain',
  'dog',
  'phone',
  'watch',
  'stove',
  'tent',
  'bike',
  'thing',
]);

/** An epithet of a thing or an animal (« ce gros débile de GPS », « quel boulet ce vent »), not of the reader. */
function aboutThing(f: Prepared, last: number): boolean {
  const ids = sentences(f);
  for (let k = last + 1; k <= last + 3 && k < f.tokens.length && ids[k] === ids[last]; k++) {
    if (clauseEndsAfter(f, k - 1)) return false;
    if (THINGS.has(f.tokens[k])) return true;
    if (SECOND_PERSON.has(f.tokens[k])) return false;
  }
  return false;
}

/** The author as the subject of a clause: « je », "I", « suis », "am". */
const SELF_SUBJECT = new WordSet(['je', 'j', 'i', 'im', 'ive', 'suis', 'am', 'myself']);

/**
 * Whether the author speaks of themselves: « je » or "I" right after the insult, in the same clause
 * (« quel idiot je fais », "what a fool I was"), or before it, nearer than any second-person word
 * (« je suis un idiot », "I'm such an idiot").
 */
function aboutSelf(f: Prepared, first: number, last: number): boolean {
  const ids = sentences(f);
  for (let k = last + 1; k <= last + 2 && k < f.tokens.length && ids[k] === ids[last]; k++) {
    if (clauseEndsAfter(f, k - 1) || SECOND_PERSON.has(f.tokens[k])) break;
    if (SELF_SUBJECT.has(f.tokens[k])) return true;
  }
  for (let k = first - 1; k >= first - 4 && k >= 0 && ids[k] === ids[first]; k--) {
    if (clauseEndsAfter(f, k) || SECOND_PERSON.has(f.tokens[k])) return false;
    if (SELF_SUBJECT.has(f.tokens[k])) return true;
  }
  return false;
}

/** A mild word is an insult when a directing phrase ends just before it, intensifiers aside: that phrase, or undefined. */
function directedBy(f: Prepared, index: number): string | undefined {
  const tokens = f.tokens;
  const { directed } = builtinLexicons();
  for (let end = index - 1, skipped = 0; end >= 0 && skipped <= 2; end--, skipped++) {
    for (const phrase of directed) {
      const begin = end - phrase.length + 1;
      if (begin < 0 || !phrase.every((w, k) => tokens[begin + k]!.forms.includes(w))) continue;
      // A bare adjective after an article describes (« un petit blaireau traversait », « un gros retard »);
      // it directs only as a call (« petit con ! ») or after « t'es », « c'est » (« t'es un gros con »).
      if (
        phrase.length === 1 &&
        ADJECTIVES.has(phrase[0]!) &&
        ARTICLES.has(tokens[begin - 1]) &&
        !/[,.;:!?]/.test(gap(f, begin)) &&
        !SAID_OF.has(tokens[begin - 2]) &&
        !SAID_OF.has(tokens[begin - 3])
      )
        return undefined;
      return phrase.join(' ');
    }
    if (!tokens[end]!.forms.some((form) => INTENSIFIERS.has(form))) return undefined;
  }
  return undefined;
}
