import { Lexicon } from './lexicon.ts';
import * as lists from './wordlists.ts';

/** The built-in lexicons: built once per process (they are data), shared by every compiled rule set. */
interface Lexicons {
  insults: Lexicon;
  mild: Lexicon;
  directed: string[][];
  profanity: Lexicon;
  hate: Lexicon;
  threats: Lexicon;
  allow: Lexicon;
}
let lexicons: Lexicons | undefined;

export function builtinLexicons(): Lexicons {
  if (lexicons) return lexicons;
  const base = (entry: string) => lists.norm(entry.replace(/\*$/, ''));
  const placed = new Set(
    [...lists.PROFANITY, ...lists.MILD, ...lists.HATE, ...lists.THREATS, ...lists.STRONG].map(base),
  );
  const listed = lists.listedInsults().filter((w) => {
    const n = lists.norm(w);
    return n.length > 1 && !lists.ALLOW.has(n) && !placed.has(n);
  });
  lexicons = {
    insults: new Lexicon([...lists.STRONG, ...listed]),
    mild: new Lexicon(lists.MILD),
    directed: lists.DIRECTED.map((p) => lists.norm(p).split(' ').filter(Boolean)),
    profanity: new Lexicon(lists.PROFANITY),
    hate: new Lexicon(lists.HATE),
    threats: new Lexicon(lists.THREATS),
    allow: new Lexicon(lists.ALLOW_PHRASES),
  };
  return lexicons;
}
