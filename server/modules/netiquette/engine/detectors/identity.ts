import { note, reason } from '../explain.ts';
import { PhraseSet, sentences, WordSet } from '../grammar.ts';
import { Lexicon, type LexiconMatch } from '../lexicon.ts';
import { anchoredDetector, type LexiconRegistry } from '../lexicon-matching.ts';
import type { Found, Prepared } from '../rule-set.ts';

/**
 * Identity attacks without a slur (issue 17): a group of people named as a whole (« les musulmans »,
 * "women") with a demeaning predicate in the same sentence (« sont tous des voleurs », "can't drive",
 * « n'ont rien à faire ici »), and demands that someone leave the country (« retourne dans ton pays », "go back
 * where you came from"). « Rentre chez toi » and "go back home" are advice before a storm too: they count
 * when the post names a group or says plainly that the person is not wanted, and not in a condition (« si »,
 * "if", « avant »).
 */

/** Groups by nationality, origin, religion, sex, sexual orientation, gender identity, disability. */
const GROUPS = [
  'arabes',
  'noirs',
  'noires',
  'blacks',
  'juifs',
  'juives',
  'musulmans',
  'musulmanes',
  'chretiens',
  'femmes',
  'gonzesses',
  'nanas',
  'meufs',
  'gays',
  'homos',
  'homosexuels',
  'lesbiennes',
  'trans',
  'transsexuels',
  'travelos',
  'etrangers',
  'etrangeres',
  'immigres',
  'immigrees',
  'immigrants',
  'migrants',
  'refugies',
  'roms',
  'gitans',
  'manouches',
  'chinois',
  'asiatiques',
  'africains',
  'maghrebins',
  'portugais',
  'polonais',
  'anglais',
  'allemands',
  'belges',
  'italiens',
  'espagnols',
  'americains',
  'turcs',
  'roumains',
  'algeriens',
  'marocains',
  'tunisiens',
  'senegalais',
  'indiens',
  'pakistanais',
  'russes',
  'handicapes',
  'autistes',
  'femme',
  'arabe',
  'juif',
  'noir',
  'musulman',
  'immigre',
  'etranger',
  'gitan',
  'homo',
  // English
  'arabs',
  'jews',
  'muslims',
  'christians',
  'women',
  'woman',
  'females',
  'girls',
  'lesbians',
  'immigrants',
  'foreigners',
  'refugees',
  'gypsies',
  'roma',
  'chinese',
  'asians',
  'africans',
  'mexicans',
  'indians',
  'pakistanis',
  'poles',
  'germans',
  'russians',
  'black people',
  'white people',
  'gay people',
  'trans people',
  'transgender people',
  'disabled people',
  'these people',
  'ces gens la',
  'foreigner',
  'nana',
  'gonzesse',
  'meuf',
  'immigrant',
  'migrant',
  'refugee',
];

/** What comes before a group named as a whole: « les », « ces », « tous les », "all", "the". */
const DETERMINERS = new WordSet([
  'typical',
  'typique',
  'encore',
  'les',
  'ces',
  'tous',
  'toutes',
  'des',
  'sales',
  'une',
  'un',
  'the',
  'all',
  'these',
  'those',
  'most',
  'a',
]);
/** A group named by its members, not as a whole: « mes amis anglais », "our women's team", "two women". */
const NOT_WHOLE = new WordSet([
  'mes',
  'nos',
  'ses',
  'leurs',
  'vos',
  'tes',
  'my',
  'our',
  'his',
  'her',
  'their',
  'your',
  'two',
  'three',
  'some',
  'few',
  'several',
]);

/** Demeaning predicates: a word of these in the group's sentence. */
const DEMEANING = new WordSet([
  'voleur*',
  'fainean*',
  'feignant*',
  'feignass*',
  'parasite*',
  'vermine*',
  'cafard*',
  'rats',
  'singe*',
  'animaux',
  'sauvage*',
  'terroriste*',
  'criminel*',
  'delinquant*',
  'violeur*',
  'malade*',
  'degenere*',
  'inferieur*',
  'nuisible*',
  'dechet*',
  'racaille*',
  'plaie',
  'cancer',
  'fleau',
  'rapace*',
  'tricheur*',
  'menteur*',
  'profiteur*',
  'puent',
  'puant*',
  'chiens',
  'porcs',
  'incapable*',
  'stupide*',
  'debile*',
  'assiste*',
  'dehors',
  'envahi*',
  'pillent',
  'volent',
  'copient',
  'controlent',
  'ruinent',
  'detruisent',
  'mefiez',
  'dangereu*',
  'lazy',
  'thieves',
  'animals',
  'terrorists',
  'criminals',
  'rapists',
  'parasites',
  'vermin',
  'dirty',
  'disgusting',
  'inferior',
  'subhuman',
  'greedy',
  'stupid',
  'dumb',
  'weak',
  'disease',
  'plague',
  'ruining',
  'ruin',
  'destroying',
  'invading',
  'stealing',
  'steal',
  'stink',
  'scum',
  'savages',
  'filthy',
  'useless',
  'banned',
  'deported',
  'expelled',
  'expulses',
  'interdits',
  'radin*',
  'menace',
  'threat',
  'control',
  'controls',
  'driver',
  'drivers',
]);
/** Demands put before the group they aim at (« dehors les migrants », « à bas les… »). */
const PUT_FIRST = new WordSet(['dehors', 'bas', 'mort', 'out', 'death']);

/** Demeaning phrases: denied abilities, denied places. */
const DEMEANING_PHRASES = new PhraseSet([
  'savent pas',
  'sait pas',
  'peuvent pas',
  'peut pas',
  'rien a faire',
  'devraient rester',
  'doivent rester',
  'devraient rentrer',
  'doivent rentrer',
  'qu ils restent',
  'qu elles restent',
  'restent loin',
  'restent entre eux',
  'rester entre eux',
  'rester entre elles',
  'on ne veut pas',
  'pas de place',
  'can t',
  'cannot',
  'can not',
  'don t belong',
  'do not belong',
  'shouldn t be',
  'should not be',
  'should go back',
  'a la cuisine',
  'in the kitchen',
  'danger public',
  'race de',
  'sale race',
  'mentally ill',
  'pas leur place',
  'se croit capable',
  'se croient capables',
  'comme des pieds',
  'comme un pied',
  'leur argent',
  'their money',
  'a threat to',
  'should stick to',
  'devraient se contenter',
  'to men',
  'aux hommes',
  'pas leur faire confiance',
  'jamais confiance',
  'never trust',
  'can t be trusted',
  'bon qu a',
  'bonnes qu a',
  'bons qu a',
  'only good for',
  'tous pareils',
  'toutes pareilles',
  'tous les memes',
  'all the same',
  'all alike',
  'pas sa place',
  'au volant',
  'n ont qu a',
  'keep them',
  'too lazy',
  'too weak',
  'too stupid',
]);

/** Leave the country: hostile by itself (but in the third person: « elle est retournée dans son pays »). */
const EXCLUSION_COUNTRY = [
  'retourne dans ton pays',
  'retournez dans votre pays',
  'rentre dans ton pays',
  'rentrez dans votre pays',
  'retourne d ou tu viens',
  'retournez d ou vous venez',
  'rentre chez ta mere',
  'la france aux francais',
  'go back to your country',
  'go back to your own country',
  'go back where you came from',
  'back where you came from',
  'back to where you came from',
  'go back to where you came from',
];
/** Go home: hostile only with a group named or an unwelcome said, and no condition. */
const EXCLUSION_HOME = [
  'rentre chez toi',
  'rentrez chez vous',
  'retourne chez toi',
  'retournez chez vous',
  'go back home',
  'go home',
];
const HOME = new Set(EXCLUSION_HOME.map((p) => p.replace(/ /g, '')));
const UNWELCOME = new PhraseSet([
  'on ne veut pas de',
  'on veut pas de',
  'personne ne veut',
  'pas les bienvenus',
  'chez nous',
  'est a nous',
  'notre pays',
  'nos montagnes',
  'squatter',
  'sales',
  'nobody wants',
  'no one wants',
  'not welcome',
  'our country',
  'is ours',
  'ici c est',
  'c est la france',
  'on est chez nous',
  'for locals',
  'locals only',
  'this is our',
]);
const CONDITION = new WordSet([
  'si',
  'avant',
  'quand',
  'des',
  'lorsque',
  'if',
  'before',
  'when',
  'once',
  'until',
  'orage',
  'meteo',
  'pluie',
  'storm',
  'weather',
  'fog',
]);

export function identityDetector(registry: LexiconRegistry) {
  const groups = new Lexicon(GROUPS);
  const exclusion = new Lexicon([...EXCLUSION_COUNTRY, ...EXCLUSION_HOME]);
  const byGroup = anchoredDetector(registry, groups, groupAttack);
  const byExclusion = anchoredDetector(registry, exclusion, (f, m) => exclusionDemand(f, m, groups));
  return (fields: Prepared[]): Found[] => [...byExclusion(fields), ...byGroup(fields)];
}

function groupAttack(f: Prepared, m: LexiconMatch): Found | undefined {
  const t = f.tokens;
  const before = t[m.first - 1];
  const group = f.text.slice(t[m.first]!.start, t[m.last]!.end);
  const whole = !NOT_WHOLE.has(before) && (DETERMINERS.has(before) || ENGLISH_GROUPS.has(m.entry));
  if (!whole) {
    note(f, t[m.first]!.start, t[m.last]!.end, 'notDirected');
    return undefined;
  }
  // « sales » right before the group is a predicate of its own (« sales migrants »), and so is a demand put
  // first (« dehors les migrants », "out with the foreigners").
  if (before && /^sales?$/.test(before.text))
    return { field: f.field, start: before.start, end: t[m.last]!.end, why: reason('group', group, before.text) };
  const ids0 = sentences(f);
  for (let k = m.first - 2; k >= 0 && k >= m.first - 3 && ids0[k] === ids0[m.first]; k--) {
    if (PUT_FIRST.has(t[k]))
      return { field: f.field, start: t[k]!.start, end: t[m.last]!.end, why: reason('group', group, t[k]!.text) };
  }
  const ids = sentences(f);
  for (let k = m.last + 1; k < t.length && k <= m.last + 12 && ids[k] === ids[m.last]; k++) {
    const phrase = DEMEANING_PHRASES.startsAt(t, k);
    if (phrase > 0 || DEMEANING.has(t[k])) {
      const end = t[k + Math.max(phrase, 1) - 1]!.end;
      return {
        field: f.field,
        start: t[m.first]!.start,
        end,
        why: reason('group', group, f.text.slice(t[k]!.start, end)),
      };
    }
  }
  return undefined;
}

const ENGLISH_GROUPS = new Set([
  'arabs',
  'jews',
  'muslims',
  'christians',
  'women',
  'females',
  'girls',
  'lesbians',
  'immigrants',
  'foreigners',
  'refugees',
  'gypsies',
  'roma',
  'chinese',
  'asians',
  'africans',
  'mexicans',
  'indians',
  'pakistanis',
  'poles',
  'germans',
  'russians',
  'gays',
  'blacks',
  'migrants',
  'black people',
  'white people',
  'gay people',
  'trans people',
  'transgender people',
  'disabled people',
  'these people',
]);

function exclusionDemand(f: Prepared, m: LexiconMatch, groups: Lexicon): Found | undefined {
  const t = f.tokens;
  const start = t[m.first]!.start;
  const end = t[m.last]!.end;
  const phrase = f.text.slice(start, end);
  const ids = sentences(f);
  const sameSentence = (k: number) => ids[k] === ids[m.first];
  if (HOME.has(m.entry.replace(/ /g, ''))) {
    // Advice before a storm (« rentrez chez vous avant l'orage ») is no exclusion.
    for (let k = 0; k < t.length; k++) {
      if (sameSentence(k) && CONDITION.has(t[k])) {
        note(f, start, end, 'notHostile');
        return undefined;
      }
    }
    let cue = '';
    for (let k = 0; k < t.length && !cue; k++) {
      const n = UNWELCOME.startsAt(t, k);
      if (n > 0) cue = f.text.slice(t[k]!.start, t[k + n - 1]!.end);
      else if (sameSentence(k) && groups.longestAt(t, k)) cue = t[k]!.text;
    }
    if (!cue) {
      note(f, start, end, 'notHostile');
      return undefined;
    }
    return { field: f.field, start, end, why: reason('exclusion', phrase, cue) };
  }
  return { field: f.field, start, end, why: reason('exclusion', phrase, '') };
}
