import { builtinLexicons } from './builtin-lexicons.ts';
import { clauseEndsAfter, gap, SECOND_PERSON, sentences, WordSet } from './grammar.ts';
import type { Prepared } from './rule-set.ts';

/**
 * How a listed word stands in its sentence (issue 17): inside a compound word, as a place name, as an epithet
 * of a thing, said by the author of themselves, or aimed at someone. The word rules read these before they
 * hit, and explain what they let go.
 */

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
export function compoundAround(f: Prepared, first: number, last: number): string | undefined {
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
export function placeName(f: Prepared, i: number): boolean {
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
export function aboutThing(f: Prepared, last: number): boolean {
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
export function aboutSelf(f: Prepared, first: number, last: number): boolean {
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
export function directedBy(f: Prepared, index: number): string | undefined {
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
