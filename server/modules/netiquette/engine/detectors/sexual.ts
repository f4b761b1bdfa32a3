import { note, reason } from '../explain.ts';
import { findIn, sentences, WordSet } from '../grammar.ts';
import { Lexicon, type LexiconMatch } from '../lexicon.ts';
import { anchoredDetector, type LexiconRegistry } from '../lexicon-matching.ts';
import type { Found, Prepared } from '../rule-set.ts';

/**
 * Sexual remarks and requests aimed at a member (issue 17). A sexual word counts when it is addressed
 * (« tes seins », "send me pics of you naked"), or complimented (« joli cul », "nice tits"); words with an
 * ordinary sense too (« fesses », « queue », "hot", "ass") need both an address and a compliment or a request
 * (« montre tes fesses »), so that « protège tes fesses du froid » and "hot tip" pass; verbs need their
 * object to be the reader (« je veux te lécher », "I'd bang you"), so that « ne sucez pas le venin » passes.
 */

/** Sexual whatever the context: solicitations. */
const ALWAYS = [
  'nudes',
  'send nudes',
  'sit on my face',
  'suck my',
  'lick my',
  'suce moi',
  'sucez moi',
  'suce ma',
  'plan cul',
  'tailler une pipe',
  'blowjob',
  'body pics',
  'tu portes quoi sous',
  'what are you wearing under',
  'what are you wearing',
  'sans le reste',
];
/** Sexual words: count when addressed or complimented. */
const STRONG = [
  'seins',
  'coucher avec',
  'faire l amour',
  'sleep with',
  'have sex',
  'nichons',
  'nibards',
  'nenes',
  'a poil',
  'nue',
  'nues',
  'toute nue',
  'bandant*',
  'excitant*',
  'string',
  'lingerie',
  'culotte',
  'tits',
  'titties',
  'boobs',
  'boobies',
  'naked',
  'pussy',
  'cock',
  'horny',
  'panties',
  'underwear',
];
/** Words with an ordinary sense as well: count when addressed and complimented or asked for. */
const AMBIGUOUS = [
  'jambes',
  'cuisses',
  'poitrine',
  'bra',
  'soutien gorge',
  'thighs',
  'cul',
  'fesses',
  'queue',
  'chatte',
  'maillot',
  'bikini',
  'hot',
  'sexy',
  'ass',
  'butt',
  'booty',
  'legs',
];
/** Verbs whose object must be the reader: « te lécher », "fuck you" after a wish. */
const VERBS = [
  'baiser',
  'baise',
  'lecher',
  'leche',
  'sucer',
  'suce',
  'suces',
  'branler*',
  'niquer',
  'deshabiller*',
  'fuck',
  'bang',
  'shag',
  'screw',
  'lick',
];
/** « T'es bonne »: the adjective alone, after « t'es » (not « bonne en orientation »). */
const ADJECTIVES = ['bonne', 'bonnes', 'chaude', 'bandante'];

const YOU_MARK = new WordSet([
  'te',
  't',
  'toi',
  'tes',
  'ton',
  'ta',
  'vous',
  'vos',
  'votre',
  'tu',
  'you',
  'your',
  'u',
  'ur',
  'ya',
  'youre',
]);
const COMPLIMENT = new WordSet([
  'beau',
  'beaux',
  'belle',
  'belles',
  'joli',
  'jolie',
  'jolis',
  'jolies',
  'petit',
  'pareil',
  'bandant*',
  'sexy',
  'nice',
  'great',
  'hot',
  'tight',
  'fine',
  'lovely',
  'sweet',
]);
const REQUEST = new WordSet([
  'montre*',
  'envoie*',
  'voir',
  'photo*',
  'pic',
  'miam',
  'yum',
  'yummy',
  'pics',
  'picture*',
  'show',
  'send',
  'see',
  'more',
  'single',
  'dm',
  'prive',
  'envie',
  'veux',
  'want',
  'wanna',
  'so',
  'look',
  'looks',
]);
const WISH = new WordSet([
  'want',
  'wanna',
  'to',
  'd',
  'll',
  'gonna',
  'would',
  'let',
  'envie',
  'veux',
  'vais',
  'voudrais',
  'aimerais',
  'de',
]);
const OBJECT_2 = new WordSet(['te', 't', 'vous']);
const YOU = new WordSet(['you', 'ya', 'u']);
const SUBJECT_TU = new WordSet(['tu']);
const TES = new WordSet(['t', 'tu', 'vous', 'youre']);
const ES = new WordSet(['es', 'etes', 'etais', 'as', 're', 'are']);
const SKILL = new WordSet(['en', 'a', 'au', 'aux', 'pour', 'de', 'd', 'avec', 'at', 'in']);

export function sexualDetector(registry: LexiconRegistry) {
  const always = new Lexicon(ALWAYS);
  const strong = new Lexicon(STRONG);
  const ambiguous = new Lexicon(AMBIGUOUS);
  const verbs = new Lexicon(VERBS);
  const adjectives = new Lexicon(ADJECTIVES);
  const hit = (f: Prepared, m: LexiconMatch): Found => ({
    field: f.field,
    start: f.tokens[m.first]!.start,
    end: f.tokens[m.last]!.end,
    why: reason('sexual', f.text.slice(f.tokens[m.first]!.start, f.tokens[m.last]!.end)),
  });
  const detectors = [
    anchoredDetector(registry, always, hit),
    anchoredDetector(registry, strong, (f, m) => (addressed(f, m) >= 0 || complimented(f, m) ? hit(f, m) : miss(f, m))),
    anchoredDetector(registry, ambiguous, (f, m) =>
      (complimented(f, m) || asked(f, m)) && (addressed(f, m) >= 0 || asked(f, m)) ? hit(f, m) : miss(f, m),
    ),
    anchoredDetector(registry, verbs, (f, m) => (aimedVerb(f, m) ? hit(f, m) : miss(f, m))),
    anchoredDetector(registry, adjectives, (f, m) => {
      const t = f.tokens;
      const k = m.first;
      const saidOf = ES.has(t[k - 1]) && TES.has(t[k - 2]);
      return saidOf && !SKILL.has(t[k + 1]) ? hit(f, m) : undefined;
    }),
  ];
  return (fields: Prepared[]): Found[] => detectors.flatMap((d) => d(fields));
}

function miss(f: Prepared, m: LexiconMatch): undefined {
  note(f, f.tokens[m.first]!.start, f.tokens[m.last]!.end, 'notDirected');
  return undefined;
}

/** A second-person word within four words either side, in the same sentence: its index, or -1. */
function addressed(f: Prepared, m: LexiconMatch): number {
  const before = findIn(f, m.first, YOU_MARK, m.first - 1, m.first - 4);
  return before >= 0 ? before : findIn(f, m.last, YOU_MARK, m.last + 1, m.last + 4);
}

/** A compliment right before or right after (« joli cul », « un cul pareil », "nice tits"). */
function complimented(f: Prepared, m: LexiconMatch): boolean {
  const t = f.tokens;
  const ids = sentences(f);
  const near = (k: number) => k >= 0 && k < t.length && ids[k] === ids[m.first] && COMPLIMENT.has(t[k]);
  return near(m.first - 1) || near(m.first - 2) || near(m.last + 1);
}

/** A request or a wish in the same sentence (« montre tes fesses », "more pics"). */
function asked(f: Prepared, m: LexiconMatch): boolean {
  return (
    findIn(f, m.first, REQUEST, m.first - 1, 0) >= 0 || findIn(f, m.first, REQUEST, m.last + 1, f.tokens.length) >= 0
  );
}

function aimedVerb(f: Prepared, m: LexiconMatch): boolean {
  const t = f.tokens;
  const v = m.first;
  // « te lécher », « je veux vous baiser »; « tu suces pour… »; "I'd bang you", "want to fuck you".
  if (OBJECT_2.has(t[v - 1])) return true;
  if (SUBJECT_TU.has(t[v - 1]) && /^suc/.test(t[v]!.text)) return true;
  if (YOU.has(t[v + 1])) return findIn(f, v, WISH, v - 1, v - 3) >= 0;
  return false;
}
