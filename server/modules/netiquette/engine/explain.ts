import type { Note, Prepared } from './rule-set.ts';

export type { Note };
import type { Messages } from './types.ts';

/**
 * Why a rule fired, or why it looked at a passage and let it go: for moderators and community managers
 * (the check response's `explain`, staff only), in both languages. Collected only when asked for: a post being
 * published never pays for the sentences.
 */
const REASONS = {
  listed: { fr: 'mot ou expression de la liste : « {0} »', en: 'listed word or phrase: “{0}”' },
  directed: { fr: 'adressé à quelqu’un (« {0} » juste avant)', en: 'aimed at someone (“{0}” just before)' },
  notDirected: { fr: 'n’est adressé à personne', en: 'not aimed at anyone' },
  sense: { fr: 'sens ordinaire : « {0} »', en: 'ordinary sense: “{0}”' },
  compound: { fr: 'fait partie du mot composé « {0} »', en: 'part of the compound word “{0}”' },
  self: { fr: 'l’auteur parle de lui-même', en: 'the author speaks of themselves' },
  group: { fr: 'groupe « {0} » + propos dégradant « {1} »', en: 'group “{0}” + demeaning predicate “{1}”' },
  exclusion: { fr: 'demande d’exclusion « {0} » ({1})', en: 'exclusion demand “{0}” ({1})' },
  notHostile: { fr: 'conseil ou condition, sans hostilité', en: 'advice or condition, not hostile' },
  threat: { fr: 'violence « {0} » visant « {1} »', en: 'violence “{0}” aimed at “{1}”' },
  reflexive: {
    fr: 'le sujet est la personne elle-même (mise en garde)',
    en: 'the subject is the person themselves (a warning)',
  },
  thing: { fr: 'vise une chose, pas une personne ni un lieu', en: 'aimed at a thing, not a person or a place' },
  selfHarm: { fr: 'incitation à se faire du mal : « {0} »', en: 'incitement to self-harm: “{0}”' },
  notImperative: {
    fr: 'pas un ordre (« {0} » n’ouvre pas la phrase)',
    en: 'not an order (“{0}” does not open the sentence)',
  },
  sexual: { fr: 'terme sexuel « {0} » adressé à un membre', en: 'sexual term “{0}” aimed at a member' },
  harassment: { fr: 'harcèlement : « {0} »', en: 'harassment: “{0}”' },
  address: { fr: 'adresse postale ({0})', en: 'postal address ({0})' },
  email: { fr: 'adresse e-mail déguisée', en: 'disguised e-mail address' },
  phone: { fr: 'numéro de téléphone ({0})', en: 'phone number ({0})' },
  spam: { fr: 'score commercial {0} (seuil {1}) : {2}', en: 'commercial score {0} (threshold {1}): {2}' },
  classifier: { fr: 'classifieur statistique : {0} (seuil {1})', en: 'statistical classifier: {0} (threshold {1})' },
} satisfies Record<string, Messages>;

export type ReasonCode = keyof typeof REASONS;

export function reason(code: ReasonCode, ...args: string[]): Messages {
  const fill = (s: string) => s.replace(/\{(\d)\}/g, (_, k: string) => args[Number(k)] ?? '');
  return { fr: fill(REASONS[code].fr), en: fill(REASONS[code].en) };
}

/** Records why a passage was let go (or weighed), when the evaluation was asked to explain itself. */
export function note(f: Prepared, start: number, end: number, code: ReasonCode, ...args: string[]): void {
  f.notes?.push({ field: f.field, start, end, fired: false, why: reason(code, ...args) });
}
