import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Token } from '../normalize.ts';
import type { Span } from './personal-data.ts';

/**
 * Contact details written so that a filter misses them (issue 17): e-mail addresses spelled out
 * (« marie [at] gmail [dot] com », « julie arobase free point fr », "mike dot trail at gmail dot com") and
 * phone numbers in words (« zéro six douze trente-quatre… », "oh seven seven oh oh nine double oh…").
 */

const AT = String.raw`(?:\s*[[({<]\s*(?:at|@|arobase|arrobase|a)\s*[\])}>]\s*|\s+(?:at|arobase|arrobase|chez)\s+|\s*@\s*)`;
const DOT = String.raw`(?:\s*[[({<]\s*(?:dot|point|\.)\s*[\])}>]\s*|\s+(?:dot|point)\s+|\s*\.\s*)`;
const LOCAL = String.raw`[\p{L}\p{N}_%+-]+(?:${DOT}[\p{L}\p{N}_%+-]+)*`;
const TLD = String.raw`(?:com|fr|net|org|be|ch|de|uk|co|ca|eu|io|info|es|it|nl|lu|me|us)`;
const DISGUISED_EMAIL = new RegExp(
  String.raw`(?<![\p{L}\p{N}])${LOCAL}${AT}[\p{L}\p{N}-]+(?:${DOT}[\p{L}\p{N}-]+)*${DOT}${TLD}(?![\p{L}\p{N}])`,
  'giu',
);
/** The words that spell « @ » out, for the rule set's single pass over the words: no such word, no search. */
export const SPELLED_AT = ['at', 'arobase', 'arrobase', 'chez'];

/** Cheap test first (plain string searches): one of the words or signs that spell an address out. */
const maybe = (text: string) =>
  text.includes('@') ||
  text.includes(' at ') ||
  text.includes('(at)') ||
  text.includes('[at]') ||
  text.includes('{at}') ||
  text.includes('robase') ||
  text.includes(' chez ') ||
  text.includes(' AT ');
const PLAIN_EMAIL = /^[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}$/u;
/** A spelled-out address needs a known mail provider or a real spelled dot: « rdv at camp point com » is rare. */
const PROVIDER =
  /gmail|hotmail|yahoo|outlook|orange|free|sfr|laposte|wanadoo|icloud|proton|gmx|live|aol|mail|bbox|neuf|skynet|bluewin/i;

const AT_WORD = /\bat\b|arr?obase|@|\bchez\b/gi;

export function findDisguisedEmails(text: string): Span[] {
  if (!maybe(text)) return [];
  const spans: Span[] = [];
  // Only around each « at »: the pattern's cost stays bounded whatever the text's length.
  let covered = -1;
  let tried = 0;
  for (const at of text.matchAll(AT_WORD)) {
    if (at.index < covered || ++tried > 50) continue;
    const from = Math.max(0, at.index - 80);
    const window = text.slice(from, Math.min(text.length, at.index + 100));
    covered = at.index + 100;
    for (const m of window.matchAll(DISGUISED_EMAIL)) {
      const found = m[0];
      const start = from + m.index;
      if (PLAIN_EMAIL.test(found) || spans.some((sp) => sp.start <= start && start < sp.end)) continue;
      // « chez » and a bare « at » are ordinary words: only with a provider's name after them.
      if (/\s(?:at|chez)\s/i.test(found) && !PROVIDER.test(found.split(/\s(?:at|chez)\s/i).at(-1) ?? '')) continue;
      spans.push({ start, end: start + found.length });
    }
  }
  return spans;
}

/** Number words, French and English: their value. */
const WORDS = new Map<string, number>(
  Object.entries({
    zero: 0,
    oh: 0,
    o: 0,
    un: 1,
    une: 1,
    deux: 2,
    trois: 3,
    quatre: 4,
    cinq: 5,
    six: 6,
    sept: 7,
    huit: 8,
    neuf: 9,
    dix: 10,
    onze: 11,
    douze: 12,
    treize: 13,
    quatorze: 14,
    quinze: 15,
    seize: 16,
    vingt: 20,
    vingts: 20,
    trente: 30,
    quarante: 40,
    cinquante: 50,
    soixante: 60,
    septante: 70,
    huitante: 80,
    octante: 80,
    nonante: 90,
    one: 1,
    two: 2,
    three: 3,
    four: 4,
    five: 5,
    seven: 7,
    eight: 8,
    nine: 9,
    ten: 10,
    eleven: 11,
    twelve: 12,
    thirteen: 13,
    fourteen: 14,
    fifteen: 15,
    sixteen: 16,
    seventeen: 17,
    eighteen: 18,
    nineteen: 19,
    twenty: 20,
    thirty: 30,
    forty: 40,
    fifty: 50,
    sixty: 60,
    seventy: 70,
    eighty: 80,
    ninety: 90,
    double: -2,
    triple: -3,
    et: -1,
  }),
);

/**
 * Phone numbers in words: a run of at least six number words, read as French speakers say numbers (by pairs:
 * « soixante-dix-huit » is 78, « zéro six » is 06) or English ones (digit by digit, "double oh" is 00), whose
 * digits form a valid or possible number in France, Belgium, Switzerland, the United Kingdom or North America.
 */
/**
 * The number words, for the rule set's single pass over the words, but for the everyday ones (« un », « et »,
 * "o"): fewer than four of them in a text, and there is no phone number in words to look for.
 */
export const NUMBER_WORDS = [...WORDS.keys()].filter(
  (w) => !['un', 'une', 'et', 'o', 'oh', 'double', 'triple'].includes(w),
);

export function findSpelledPhones(text: string, tokens: Token[]): Span[] {
  const spans: Span[] = [];
  for (let i = 0; i < tokens.length;) {
    if ((WORDS.get(tokens[i]!.text) ?? -1) < 0) {
      i++;
      continue;
    }
    let j = i;
    while (
      j + 1 < tokens.length &&
      WORDS.has(tokens[j + 1]!.text) &&
      /^[\s,.;/-]{0,3}$/.test(text.slice(tokens[j]!.end, tokens[j + 1]!.start))
    )
      j++;
    if (j - i + 1 >= 6) {
      const digits = readNumber(tokens.slice(i, j + 1).map((t) => t.text));
      if (digits.length >= 9 && digits.length <= 12 && plausiblePhone(digits))
        spans.push({ start: tokens[i]!.start, end: tokens[j]!.end });
    }
    i = j + 1;
  }
  return spans;
}

function readNumber(words: string[]): string {
  let out = '';
  for (let k = 0; k < words.length;) {
    const v = WORDS.get(words[k]!)!;
    if (v === -2 || v === -3) {
      const next = WORDS.get(words[k + 1] ?? '');
      if (next !== undefined && next >= 0 && next < 10) out += String(next).repeat(-v);
      k += 2;
      continue;
    }
    if (v < 0) {
      k++;
      continue;
    }
    // A French pair: tens (with « quatre-vingt », « soixante-dix »), then a unit or a teen.
    let value = v;
    let used = 1;
    if (v === 4 && /^vingts?$/.test(words[k + 1] ?? '')) {
      value = 80;
      used = 2;
    }
    if (value >= 20 && value % 10 === 0) {
      let n = WORDS.get(words[k + used] ?? '');
      if (n === -1) {
        used++; // « vingt et un »
        n = WORDS.get(words[k + used] ?? '');
      }
      if (n !== undefined && n >= 1 && n <= 16 && (value === 60 || value === 80 || n <= 9)) {
        value += n;
        used++;
        const unit = WORDS.get(words[k + used] ?? '');
        if (n === 10 && unit !== undefined && unit >= 1 && unit <= 9) {
          value += unit; // « soixante-dix-huit »
          used++;
        }
      }
    } else if (value === 10) {
      const unit = WORDS.get(words[k + 1] ?? '');
      if (unit !== undefined && unit >= 7 && unit <= 9) {
        value += unit; // « dix-sept »
        used++;
      }
    }
    out += value >= 10 ? String(value).padStart(2, '0') : String(value);
    k += used;
  }
  return out;
}

const COUNTRIES: CountryCode[] = ['FR', 'BE', 'CH', 'GB', 'US'];

function plausiblePhone(digits: string): boolean {
  return COUNTRIES.some((c) => {
    const n = parsePhoneNumberFromString(digits, c);
    return !!n && (n.isValid() || (digits.startsWith('0') && n.isPossible()));
  });
}
