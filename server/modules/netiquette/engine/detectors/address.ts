import type { Token } from '../normalize.ts';
import type { Span } from './personal-data.ts';

/**
 * Postal addresses (issue 17), in the formats our members write:
 *  - French and English number first: « 14 rue des Acacias », « 3 bis avenue Jean-Jaurès », "42 Maple Avenue",
 *    "221B Baker Street";
 *  - street first, number after (Belgium, Switzerland, Germany): « Rue de la Loi 16 », "Bahnhofstrasse 21",
 *    "Hauptstraße 12";
 *  - then a postcode: French, Belgian, Swiss, German (4–5 digits and a town), British (NW1 6XE), American
 *    (IL 62704), Canadian (ON M5H 2M9).
 * A street with its number counts when a postcode follows it or the sentence says that someone lives, or is
 * to be reached, there (« j'habite au », « mon adresse », "send it to", "I live at"): a shop's street named in
 * passing (« le magasin de la rue de la République ») is no one's home.
 */

const FR_STREET =
  'rue|avenue|av\\.?|boulevard|bd|chemin|impasse|all[ée]e|place|route|rte|quai|cours|chauss[ée]e|square|passage|sentier|lotissement|r[ée]sidence|lieu-dit|faubourg|voie|villa|cit[ée]|hameau|mont[ée]e|rang';
const EN_STREET =
  'street|st|avenue|ave|road|rd|lane|ln|drive|dr|boulevard|blvd|court|ct|close|crescent|way|place|pl|terrace|square|gardens|mews|row|parkway|pkwy|highway|hwy'
    .split('|')
    .map((w) => `[${w[0]!.toUpperCase()}${w[0]}]${w.slice(1)}`)
    .join('|');
const NAME = "[\\p{Lu}\\p{Ll}][\\p{L}'’.-]*";
const NAMES = `${NAME}(?:[ -]${NAME}){0,4}`;

/** « 14 rue des Acacias », « 3 bis avenue Jean-Jaurès » */
const NUMBER_FIRST_FR = new RegExp(
  `(?<![\\p{L}\\p{N}])\\d{1,4}(?:\\s?(?:bis|ter|[a-dA-D]))?,?\\s+(?:${FR_STREET})\\s+(?:(?:de|du|des|de la|de l'|d'|la|le|les)\\s*)?${NAMES}`,
  'giu',
);
/** "42 Maple Avenue", "221B Baker Street", "1600 Pennsylvania Avenue" */
const NUMBER_FIRST_EN = new RegExp(
  `(?<![\\p{L}\\p{N}])\\d{1,5}[A-Z]?\\s+(?:\\p{Lu}[\\p{L}'.-]*\\s+){1,3}(?:${EN_STREET})\\b\\.?(?:\\s+(?:West|East|North|South|W|E|N|S|NW|NE|SW|SE))?`,
  'gu',
);
/** « Rue de la Loi 16 », « Avenue Louise 54 » */
const STREET_FIRST_FR = new RegExp(
  `(?<![\\p{L}])(?:${FR_STREET})\\s+(?:(?:de|du|des|de la|de l'|d'|la|le|les)\\s*)?${NAMES}\\s+\\d{1,4}[a-z]?\\b`,
  'giu',
);
/** "Bahnhofstrasse 21", "Hauptstraße 12", "Kerkstraat 5" */
const STREET_FIRST_DE = new RegExp(
  `\\p{Lu}[\\p{Ll}]+(?:stra(?:ss|ß)e|str\\.|weg|gasse|platz|allee|ring|damm|laan|straat|steenweg)\\s+\\d{1,4}[a-z]?\\b`,
  'gu',
);
/** "400 Broadway, Apt 5, New York, NY 10013": an American line with its state and ZIP code, whatever the street. */
const US_LINE =
  /(?<![\p{L}\p{N}])\d{1,5}\s+\p{Lu}[\p{L}.'-]*(?:\s+\p{Lu}[\p{L}.'-]*){0,3},(?:\s*(?:Apt|Suite|Unit|Fl|Floor|#)\.?\s*\w+,)?\s*\p{Lu}[\p{L}.'-]*(?:\s+\p{Lu}[\p{L}.'-]*){0,2},\s*[A-Z]{2}\s+\d{5}(?:-\d{4})?\b/gu;
const STATE_ZIP = /\b[A-Z]{2}\s\d{5}\b/;

/** Postcodes right after a street (a comma, a town, at most 40 characters between). */
const POSTCODE = new RegExp(
  [
    "(?<!\\d)\\d{4,5}\\s+\\p{Lu}[\\p{L}'’-]*", // FR, BE, CH, DE, LU: a code and a town
    '\\b[A-Z]{1,2}\\d[A-Z\\d]?\\s?\\d[A-Z]{2}\\b', // United Kingdom
    '\\b[A-Z]{2}\\s\\d{5}(?:-\\d{4})?\\b', // United States
    '\\b[A-Z]\\d[A-Z]\\s?\\d[A-Z]\\d\\b', // Canada
  ].join('|'),
  'u',
);
/** Public places, whose address anyone may give. */
const PUBLIC_PLACE =
  /(refuge|magasin|boutique|office|mairie|camping|g[îi]te|h[ôo]tel|parking|gare|rdv|rendez-vous|d[ée]part|mus[ée]e|club|shop|store|hut|campsite|station|meeting point|trailhead)\b/iu;

/** Someone lives there, or is to be reached there. */
const HOME =
  /(habite|habitons|habitez|vis |adresse|domicile|chez (?:moi|lui|elle|nous|toi)|envoye[rz]|livr|exp[ée]di|venez|viens|passez|passe |live[sd]? |address|home|send|ship|deliver|drop|leave|post it|mail it|wohne|schickt|adres)/iu;
/** A street name lower-cased after the number is often a sentence (« 3 places disponibles »): needs a capital or an article. */
const STREET_WORD_ONLY = /^\d/;

/** The street words, for the rule set's single pass over the words: a post without one has no address to look for. */
export const STREET_WORDS = [
  ...FR_STREET.replace(/\[ée\]/g, 'e')
    .replace(/\\\.\?/g, '')
    .split('|'),
  ...'street st avenue ave road rd lane ln drive dr boulevard blvd court ct close crescent way place pl terrace square gardens mews row parkway pkwy highway hwy'.split(
    ' ',
  ),
];
/** German and Dutch streets end in a word of their own (« Bahnhofstrasse »): after a postcode and a town. */
const SUFFIX_STREET = /(?:stra(?:ss|ß)e|str\.|weg|gasse|platz|allee|straat|laan|steenweg)\s+\d/iu;

/** German and Dutch street words end the same few ways (« Bahnhofstrasse », « Hauptstraße », « Kerkstraat »). */
const SUFFIX_ENDS = new Set(['sse', 'str', 'weg', 'atz', 'lee', 'aat', 'aan', 'amm', 'ing']);
/** Those endings' three units packed in a small integer (ten bits each): most words are let go without a slice. */
const endKey = (w: string, at: number) =>
  ((w.charCodeAt(at) & 0x3ff) << 20) | ((w.charCodeAt(at + 1) & 0x3ff) << 10) | (w.charCodeAt(at + 2) & 0x3ff);
const SUFFIX_KEYS = new Set([...SUFFIX_ENDS].map((e) => endKey(e, 0)));

function suffixEnd(word: string): boolean {
  return SUFFIX_KEYS.has(endKey(word, word.length - 3)) && SUFFIX_ENDS.has(word.slice(-3));
}

/**
 * `streetWord`: whether the rule set's word pass found a street word in the text (see STREET_WORDS); the
 * tokens, to look for German and Dutch street names without a regular expression over the whole text.
 */
export function findAddresses(text: string, streetWord = true, tokens?: Token[]): Span[] {
  const us = STATE_ZIP.test(text)
    ? [...text.matchAll(US_LINE)].map((m) => ({ start: m.index, end: m.index + m[0].length }))
    : [];
  const suffix =
    !streetWord &&
    (tokens ? tokens.some((t) => t.text.length >= 6 && suffixEnd(t.text)) : true) &&
    SUFFIX_STREET.test(text);
  if (!streetWord && !suffix) return us;
  const spans: Span[] = [...us];
  const patterns = streetWord
    ? [NUMBER_FIRST_FR, NUMBER_FIRST_EN, STREET_FIRST_FR, STREET_FIRST_DE]
    : [STREET_FIRST_DE];
  for (const re of patterns) {
    re.lastIndex = 0;
    for (const m of text.matchAll(re)) {
      const start = m.index;
      let end = start + m[0].length;
      if (STREET_WORD_ONLY.test(m[0]) && /\s\p{Ll}+$/u.test(m[0]) && !/\s(?:de|du|des|la|le|les|d'|l')\s/u.test(m[0]))
        continue;
      const after = text.slice(end, end + 45);
      const code = POSTCODE.exec(after);
      const sentenceStart = Math.max(text.lastIndexOf('.', start), text.lastIndexOf('\n', start), 0);
      const before = text.slice(Math.max(sentenceStart, start - 60), start);
      if (code && /^[\s,\p{L}'’.-]*$/u.test(after.slice(0, code.index))) end += code.index + code[0].length;
      else if (!HOME.test(before)) continue;
      // A public place's address (a hut, a shop, a meeting point) is no one's personal data.
      if (PUBLIC_PLACE.test(before)) continue;
      if (spans.some((s) => s.start < end && start < s.end)) continue;
      spans.push({ start, end });
    }
  }
  return spans.sort((a, b) => a.start - b.start);
}
