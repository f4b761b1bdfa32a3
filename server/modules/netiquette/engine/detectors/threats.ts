import { note, reason } from '../explain.ts';
import { clauseEndsAfter, findIn, imperativeAt, sentences } from '../grammar.ts';
import { Lexicon, type LexiconMatch } from '../lexicon.ts';
import { anchoredDetector, type LexiconRegistry } from '../lexicon-matching.ts';
import type { Found, Prepared } from '../rule-set.ts';
import {
  ADDRESS,
  BETWEEN,
  BODY_OR_PLACE,
  DESERVE,
  HOSTILE,
  INCITE,
  KNOW,
  KNOWS,
  LIVES,
  OBJECT_2,
  PAST,
  PREDICTION,
  PURSUIT,
  SELF_HARM,
  SUBJECT_OTHER,
  SUBJECT_YOU,
  VIOLENT,
  YOU,
  YOU_OR_YOURS,
  YOUR,
} from './lexicons/threats.ts';

/**
 * Threats without a threat keyword (issue 17): a violence verb aimed at a person (« je vais te défoncer »,
 * "I'll smash your face") or at a place of theirs (« on va cramer ton magasin »), by someone other than the
 * person themselves (« tu vas te tuer avec ces chaussures » is a warning), in any tense but the past; a
 * pursuit (« je vais te retrouver », "we'll pay you a visit") when nothing ordinary follows it or the post
 * is hostile; knowing where someone lives; and calls to self-harm, held like threats.
 */

export function threatDetector(registry: LexiconRegistry) {
  const violent = new Lexicon(VIOLENT);
  const pursuit = new Lexicon(PURSUIT);
  const selfHarm = new Lexicon(SELF_HARM);
  const knows = new Lexicon(KNOWS);
  const detectors = [
    anchoredDetector(registry, violent, (f, m) => aimedViolence(f, m, false)),
    anchoredDetector(registry, pursuit, (f, m) => aimedViolence(f, m, true)),
    anchoredDetector(registry, selfHarm, incitement),
    anchoredDetector(registry, knows, knowsWhere),
  ];
  return (fields: Prepared[]): Found[] => detectors.flatMap((d) => d(fields));
}

function span(f: Prepared, a: number, b: number): { start: number; end: number } {
  return { start: f.tokens[Math.min(a, b)]!.start, end: f.tokens[Math.max(a, b)]!.end };
}

function aimedViolence(f: Prepared, m: LexiconMatch, pursuitOnly: boolean): Found | undefined {
  const t = f.tokens;
  const v = m.first;
  const word = t[v]!.text;
  // The target: « te »/« vous » before the verb (« je vais te défoncer »), "you" after it, or someone's
  // place or body (« cramer ton magasin », "smash your face").
  let target = -1;
  if (OBJECT_2.has(t[v - 1])) target = v - 1;
  else if (BETWEEN.has(t[v - 1]) && OBJECT_2.has(t[v - 2])) target = v - 2;
  else if (BETWEEN.has(t[v - 1]) && BETWEEN.has(t[v - 2]) && OBJECT_2.has(t[v - 3])) target = v - 3;
  if (target < 0) {
    const you = findIn(f, v, YOU, v + 1, v + 3);
    if (you >= 0) target = you;
  }
  let place = -1;
  if (target < 0) {
    const ids = sentences(f);
    for (let k = 0; k < t.length; k++) {
      if (ids[k] !== ids[v] || !YOUR.has(t[k])) continue;
      if (BODY_OR_PLACE.has(t[k + 1]) || BODY_OR_PLACE.has(t[k + 2])) {
        place = k;
        break;
      }
    }
    if (place < 0) {
      const thing = findIn(f, v, YOUR, v + 1, v + 3);
      if (thing >= 0) note(f, t[v]!.start, t[thing + 1]?.end ?? t[thing]!.end, 'thing');
      return undefined;
    }
    target = place;
  }
  // Who acts: the reader themselves is a warning (« tu vas te casser la figure », "you'll break your neck").
  const deserve = findIn(f, v, DESERVE, v - 1, v - 5);
  const subjectYou = findIn(f, Math.min(v, target), SUBJECT_YOU, Math.min(v, target) - 1, Math.min(v, target) - 5);
  const subjectOther = findIn(f, Math.min(v, target), SUBJECT_OTHER, Math.min(v, target) - 1, Math.min(v, target) - 5);
  if (deserve < 0 && subjectYou >= 0 && (subjectOther < 0 || subjectOther < subjectYou)) {
    note(f, t[subjectYou]!.start, t[v]!.end, 'reflexive');
    return undefined;
  }
  // Told in the past (« il t'a frappé »), it is a story, not a threat.
  if (PAST.has(t[v - 1]) || (place < 0 && target < v && PAST.has(t[target - 1]))) return undefined;
  if (pursuitOnly && deserve < 0) {
    // « je te retrouve au parking », "I'll find you a better deal": something ordinary follows.
    const last = Math.max(v, target);
    // Nothing after it, or the reader's home (« on viendra te chercher chez toi », "at your house").
    const bare =
      clauseEndsAfter(f, last) ||
      (t[last + 1] && /^(down|out|up)$/.test(t[last + 1]!.text)) ||
      (t[last + 1]?.text === 'chez' && /^(toi|vous)$/.test(t[last + 2]?.text ?? '')) ||
      (/^(at|to)$/.test(t[last + 1]?.text ?? '') && /^(your|ur)$/.test(t[last + 2]?.text ?? ''));
    if (!bare && !hostile(f)) {
      note(f, t[v]!.start, t[last]!.end, 'notHostile');
      return undefined;
    }
  }
  const s = span(f, Math.min(v, target), Math.max(v, target, place >= 0 ? place + 1 : 0));
  return { field: f.field, ...s, why: reason('threat', word, f.text.slice(t[target]!.start, t[target]!.end)) };
}

function hostile(f: Prepared): boolean {
  for (const t of f.tokens) if (HOSTILE.has(t)) return true;
  return false;
}

function incitement(f: Prepared, m: LexiconMatch): Found | undefined {
  const t = f.tokens;
  const start = t[m.first]!.start;
  const end = t[m.last]!.end;
  const phrase = f.text.slice(start, end);
  // An order (« va te pendre », "kill yourself") or advice to do it (« tu devrais te pendre ») is an
  // incitement; « tu vas te tuer avec ces chaussures », "you'll kill yourself on that scree" are warnings.
  for (let k = m.first - 1; k >= m.first - 3 && k >= 0; k--) {
    if (INCITE.has(t[k])) break;
    if (PREDICTION.has(t[k])) {
      note(f, t[k]!.start, end, 'reflexive');
      return undefined;
    }
  }
  const bare = m.last === m.first || /^(te|kill|hang|end|off)$/.test(t[m.first]!.text);
  if (bare && !imperativeAt(f, m.first) && findIn(f, m.first, INCITE, m.first - 1, m.first - 3) < 0) {
    note(f, start, end, 'notImperative', phrase);
    return undefined;
  }
  return { field: f.field, start, end, why: reason('selfHarm', phrase) };
}

function knowsWhere(f: Prepared, m: LexiconMatch): Found | undefined {
  const t = f.tokens;
  if (!KNOW.has(t[m.first])) return undefined;
  // « je connais ta voiture », "I know your house": someone's place named.
  if (YOUR.has(t[m.last]))
    return BODY_OR_PLACE.has(t[m.last + 1]) || ADDRESS.has(t[m.last + 1])
      ? { field: f.field, ...span(f, m.first, m.last + 1), why: reason('threat', t[m.first]!.text, t[m.last]!.text) }
      : undefined;
  const after = m.last + 1;
  // « je sais où tu habites », « on sait où se trouve votre entrepôt », "I know where you live / your shop is".
  const you = findIn(f, m.last, YOU_OR_YOURS, after, after + 3);
  if (you < 0) return undefined;
  const lives = LIVES.has(t[you + 1]) || BODY_OR_PLACE.has(t[you + 1]) || BODY_OR_PLACE.has(t[you + 2]);
  if (!lives) return undefined;
  return { field: f.field, ...span(f, m.first, you + 1), why: reason('threat', t[m.first]!.text, t[you]!.text) };
}
