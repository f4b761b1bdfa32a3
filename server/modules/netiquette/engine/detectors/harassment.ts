import { note, reason } from '../explain.ts';
import { clauseEndsAfter, findIn, gap, imperativeAt, WordSet } from '../grammar.ts';
import { Lexicon, type LexiconMatch } from '../lexicon.ts';
import { anchoredDetector, type LexiconRegistry } from '../lexicon-matching.ts';
import type { Found, Prepared } from '../rule-set.ts';

/**
 * Harassment (issue 17): body shaming aimed at the reader (« t'es trop grosse », « ton gros bide », "you're so
 * fat"), threats to expose someone (« je vais publier ton adresse », "I know your boss"), and telling someone
 * to leave and disappear (« dégage de ce forum », "nobody wants you here"). An order to leave counts where it
 * is one: first in its sentence and going nowhere in particular (« dégage ! », « disparais, … ») or away from
 * here (« dégage d'ici », "leave this forum") — "get lost in the Highlands" and « le ciel se dégage » pass.
 */

/** Harassment whatever the context. */
const ALWAYS = [
  'grosse vache',
  'gros lard',
  'gros porc',
  'grosse truie',
  'grosse baleine',
  'tete de thon',
  'fatty',
  'fatso',
  'lardass',
  'vu ton poids',
  'vu ton gros',
  'vu ta graisse',
  'ta graisse',
  'ton gros bide',
  'tes bourrelets',
  'lose some weight',
  'personne ne veut de toi',
  'personne veut de toi',
  'personne ne t aime',
  'personne t aime',
  'on ne veut plus te voir',
  'on veut plus te voir',
  'on ne veut plus te lire',
  'on veut plus te lire',
  'on ne veut pas de toi',
  'quitte le forum',
  'quitte ce forum',
  'quittez le forum',
  'ne reviens jamais',
  'ne reviens plus',
  'reviens plus jamais',
  'nobody wants you',
  'nobody wants to see',
  'personne ne veut voir',
  'personne veut voir',
  'no one wants you',
  'nobody likes you',
  'no one likes you',
  'nobody will miss you',
  'never come back',
  'leave this forum',
  'leave the forum',
  'get off this forum',
  'tout le monde va savoir',
  'dire a tout le monde ou tu',
  'tell everyone where you',
  'tout le monde saura',
  'everyone will know',
  'je connais ton employeur',
  'je connais ton patron',
  'i know your boss',
  'i know your employer',
];
/** Body shaming: said of the reader (« t'es trop grosse », "you're so fat"). */
const BODY = [
  // animals said of someone's body
  'baleine',
  'cachalot',
  'vache',
  'truie',
  'hippopotame',
  'whale',
  'cow',
  'pig',
  'hippo',
  'gros',
  'grosse',
  'obese*',
  'moche*',
  'laid',
  'laide',
  'laids',
  'fat',
  'ugly',
  'obese',
  'hideous',
  'disgusting',
];
/** Exposure: a verb of publishing, then the reader's private things. */
const EXPOSE = [
  'publier',
  'balancer',
  'diffuser',
  'poster',
  'afficher',
  'envoyer',
  'montrer',
  'appeler',
  'prevenir',
  'contacter',
  'leak',
  'post',
  'share',
  'send',
  'forward',
  'expose',
  'dox',
  'reveal',
  'call',
  'tell',
];
/** An order to leave, when it is one. */
const DISMISS = [
  'degage',
  'degagez',
  'disparais',
  'disparaissez',
  'va t en',
  'allez vous en',
  'barre toi',
  'tire toi',
  'get lost',
  'disappear',
  'go away',
  'piss off',
  'get out',
  'leave',
  'fous le camp',
  'foutez le camp',
];

const AT_YOU = new WordSet(['t', 'tu', 'you', 'vous', 'youre']);
const BE = new WordSet(['es', 're', 'are', 'etes', 'as', 'look', 'ressembles', 'ressemblez']);
const DEGREE = new WordSet([
  'like',
  'comme',
  'fat',
  'trop',
  'so',
  'too',
  'tellement',
  'vraiment',
  'si',
  'such',
  'very',
  'really',
  'un',
  'une',
  'a',
  'gros',
  'grosse',
]);
const YOUR = new WordSet(['ton', 'ta', 'tes', 'votre', 'vos', 'your']);
const ADJECTIVE_BODY = new WordSet(['gros', 'grosse', 'fat']);
const LINK = new WordSet([
  'pour',
  'comme',
  'que',
  'qu',
  'et',
  'de',
  'd',
  'mais',
  'to',
  'for',
  'and',
  'the',
  'that',
  'but',
  'as',
]);
const BODY_PART = new WordSet([
  'face',
  'body',
  'belly',
  'tete',
  'gueule',
  'corps',
  'ventre',
  'bide',
  'cul',
  'ass',
  'tronche',
]);
const PRIVATE = new WordSet([
  'adresse*',
  'photo*',
  'message*',
  'numero*',
  'nom',
  'identite',
  'employeur',
  'patron',
  'boss',
  'famille',
  'femme',
  'mari',
  'address',
  'pics',
  'pictures',
  'name',
  'number',
  'employer',
  'wife',
  'husband',
  'posts',
  'secrets',
  'home',
]);
const ME = new WordSet(['je', 'j', 'on', 'i', 'we', 'ill', 'im', 'gonna']);
const AWAY = new WordSet([
  'ici',
  'forum',
  'site',
  'groupe',
  'here',
  'this',
  'from',
  'loser',
  'freak',
  'nobody',
  'personne',
]);

export function harassmentDetector(registry: LexiconRegistry) {
  const hit = (f: Prepared, a: number, b: number): Found => ({
    field: f.field,
    start: f.tokens[a]!.start,
    end: f.tokens[b]!.end,
    why: reason('harassment', f.text.slice(f.tokens[a]!.start, f.tokens[b]!.end)),
  });
  const detectors = [
    anchoredDetector(registry, new Lexicon(ALWAYS), (f, m) => hit(f, m.first, m.last)),
    anchoredDetector(registry, new Lexicon(BODY), (f, m) => {
      const t = f.tokens;
      // « t'es trop grosse », « tu es moche », "you're so fat", "you are ugly".
      let k = m.first - 1;
      while (k >= 0 && k >= m.first - 3 && DEGREE.has(t[k])) k--;
      // « t'es un gros blaireau »: « gros » is the insult's adjective there, not a word on the body.
      const adjective = ADJECTIVE_BODY.has(t[m.last]) && !clauseEndsAfter(f, m.last) && !LINK.has(t[m.last + 1]);
      if (BE.has(t[k]) && AT_YOU.has(t[k - 1]) && !adjective) return hit(f, k - 1, m.last);
      // « ta sale tête de moche »… "your ugly face": the reader's body, belittled.
      if (YOUR.has(t[m.first - 1]) && BODY_PART.has(t[m.last + 1])) return hit(f, m.first - 1, m.last + 1);
      note(f, t[m.first]!.start, t[m.last]!.end, 'notDirected');
      return undefined;
    }),
    anchoredDetector(registry, new Lexicon(EXPOSE), (f, m) => {
      const your = findIn(f, m.last, YOUR, m.last + 1, m.last + 3);
      if (your < 0 || !PRIVATE.has(f.tokens[your + 1])) return undefined;
      if (findIn(f, m.first, ME, m.first - 1, m.first - 4) < 0) return undefined;
      return hit(f, m.first, your + 1);
    }),
    anchoredDetector(registry, new Lexicon(DISMISS), (f, m) => (dismissal(f, m) ? hit(f, m.first, m.last) : undefined)),
  ];
  return (fields: Prepared[]): Found[] => detectors.flatMap((d) => d(fields));
}

function dismissal(f: Prepared, m: LexiconMatch): boolean {
  const t = f.tokens;
  if (!imperativeAt(f, m.first)) {
    note(f, t[m.first]!.start, t[m.last]!.end, 'notImperative', f.text.slice(t[m.first]!.start, t[m.last]!.end));
    return false;
  }
  // A question is no order (« get lost? never, with a GPS »).
  if (gap(f, m.last + 1).includes('?') || (m.last === t.length - 1 && f.text.slice(t[m.last]!.end).includes('?')))
    return false;
  // Going nowhere in particular, or away from here: « dégage ! », « dégage de ce forum », "leave and never…".
  if (clauseEndsAfter(f, m.last)) return true;
  const next = t[m.last + 1];
  if (AWAY.has(next) || ((next?.text === 'de' || next?.text === 'd') && AWAY.has(t[m.last + 2]))) return true;
  if ((next?.text === 'de' || next?.text === 'du') && AWAY.has(t[m.last + 3])) return true;
  note(f, t[m.first]!.start, t[m.last]!.end, 'notHostile');
  return false;
}
