import { note, reason } from '../explain.ts';
import { sentences } from '../grammar.ts';
import { Lexicon, type LexiconMatch } from '../lexicon.ts';
import { anchoredDetector, type LexiconRegistry } from '../lexicon-matching.ts';
import type { Found, Prepared } from '../rule-set.ts';
import { DETERMINERS, ENGLISH_GROUPS, GROUPS, NOT_WHOLE } from './lexicons/identity-groups.ts';
import {
  CONDITION,
  DEMEANING,
  DEMEANING_PHRASES,
  EXCLUSION_COUNTRY,
  EXCLUSION_HOME,
  HOME,
  PUT_FIRST,
  UNWELCOME,
} from './lexicons/identity-predicates.ts';

/**
 * Identity attacks without a slur (issue 17): a group of people named as a whole (« les musulmans »,
 * "women") with a demeaning predicate in the same sentence (« sont tous des voleurs », "can't drive",
 * « n'ont rien à faire ici »), and demands that someone leave the country (« retourne dans ton pays », "go back
 * where you came from"). « Rentre chez toi » and "go back home" are advice before a storm too: they count
 * when the post names a group or says plainly that the person is not wanted, and not in a condition (« si »,
 * "if", « avant »).
 */

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
