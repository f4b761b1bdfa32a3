/** The parts of `@nlpjs/lang-fr` (no type declarations of its own) that Agora reads: its stemmer and sentiment lexicon. */
declare module '@nlpjs/lang-fr' {
  const langFr: {
    StemmerFr: new () => { stemWord(word: string): string };
    /** Pattern's French lexicon, keyed by stem (accents removed): polarity from -1 to 1. */
    SentimentFr: { pattern: Record<string, number> };
  };
  export default langFr;
}
