import type { Action, BuiltinKey, Messages, RuleDefinition } from './types.ts';

/**
 * The built-in detectors with their default action, settings and explanation. Community managers change
 * the action, the scope, the settings and the messages; these are what a new community starts with.
 * Per-trust-level settings are arrays indexed by trust level 0–4.
 */
export interface BuiltinRule {
  key: BuiltinKey;
  action: Action;
  params: Record<string, unknown>;
  messages: Messages;
  /** For the rules page. */
  title: Messages;
}

export const BUILTIN_RULES: BuiltinRule[] = [
  {
    key: 'hate',
    action: 'reject',
    params: {},
    title: { fr: 'Propos haineux', en: 'Hate speech' },
    messages: {
      fr: 'Les propos haineux ou discriminatoires ne sont pas acceptés ici.',
      en: 'Hateful or discriminatory language is not accepted here.',
    },
  },
  {
    key: 'threats',
    action: 'hold',
    params: {},
    title: { fr: 'Menaces et incitation', en: 'Threats and incitement' },
    messages: {
      fr: "Les menaces et l'incitation à se faire du mal sont interdites. Un modérateur va relire ce message.",
      en: 'Threats and incitement to self-harm are forbidden. A moderator will review this post.',
    },
  },
  {
    key: 'identity',
    action: 'hold',
    params: {},
    title: { fr: 'Attaques identitaires', en: 'Identity attacks' },
    messages: {
      fr: 'Les généralisations dégradantes sur un groupe (origine, religion, sexe, orientation…) et les appels à l’exclusion ne sont pas acceptés. Un modérateur va relire ce message.',
      en: 'Demeaning generalisations about a group (origin, religion, sex, orientation…) and calls for exclusion are not accepted. A moderator will review this post.',
    },
  },
  {
    key: 'sexual',
    action: 'hold',
    params: {},
    title: { fr: 'Remarques sexuelles', en: 'Sexual remarks' },
    messages: {
      fr: 'Les remarques et les sollicitations sexuelles envers un membre sont interdites. Un modérateur va relire ce message.',
      en: 'Sexual remarks and requests aimed at a member are forbidden. A moderator will review this post.',
    },
  },
  {
    key: 'harassment',
    action: 'hold',
    params: {},
    title: { fr: 'Harcèlement', en: 'Harassment' },
    messages: {
      fr: 'Moqueries sur le physique, menaces de divulguer des informations, injonctions à partir : c’est du harcèlement. Un modérateur va relire ce message.',
      en: 'Mocking someone’s body, threatening to expose them, telling them to leave: that is harassment. A moderator will review this post.',
    },
  },
  {
    key: 'insults',
    action: 'hold',
    params: { words: [] as string[] },
    title: { fr: 'Insultes', en: 'Insults' },
    messages: {
      fr: 'Ce passage semble insultant. Restons courtois : reformulez-le, ou un modérateur relira le message.',
      en: 'This passage looks insulting. Let’s stay courteous: rephrase it, or a moderator will review the post.',
    },
  },
  {
    key: 'profanity',
    action: 'censor',
    params: { words: [] as string[] },
    title: { fr: 'Grossièretés', en: 'Profanity' },
    messages: {
      fr: 'Les grossièretés seront masquées à la publication.',
      en: 'Swear words will be masked when published.',
    },
  },
  {
    key: 'email',
    action: 'hold',
    params: {},
    title: { fr: 'Adresse e-mail', en: 'E-mail address' },
    messages: {
      fr: "Ne publiez pas d'adresse e-mail : utilisez la messagerie privée ou le formulaire du service client.",
      en: 'Don’t post e-mail addresses: use private messages or the customer-service form.',
    },
  },
  {
    key: 'phone',
    action: 'hold',
    params: {},
    title: { fr: 'Numéro de téléphone', en: 'Phone number' },
    messages: {
      fr: 'Ne publiez pas de numéro de téléphone : il serait visible de tous.',
      en: 'Don’t post phone numbers: everyone could see them.',
    },
  },
  {
    key: 'address',
    action: 'hold',
    params: {},
    title: { fr: 'Adresse postale', en: 'Postal address' },
    messages: {
      fr: 'Ne publiez pas d’adresse postale : elle serait visible de tous. Utilisez la messagerie privée.',
      en: 'Don’t post postal addresses: everyone could see them. Use private messages.',
    },
  },
  {
    key: 'iban',
    action: 'reject',
    params: {},
    title: { fr: 'IBAN', en: 'IBAN' },
    messages: {
      fr: 'Ce message contient un IBAN. Ne publiez jamais vos coordonnées bancaires.',
      en: 'This post contains an IBAN. Never post your bank details.',
    },
  },
  {
    key: 'card',
    action: 'reject',
    params: {},
    title: { fr: 'Numéro de carte bancaire', en: 'Payment card number' },
    messages: {
      fr: 'Ce message contient un numéro de carte bancaire. Ne le publiez jamais, même en partie.',
      en: 'This post contains a payment card number. Never post it, not even in part.',
    },
  },
  {
    key: 'links_count',
    action: 'hold',
    params: { maxByTrustLevel: [1, 3, 10, 50, 1000], allowDomains: [] as string[] },
    title: { fr: 'Nombre de liens', en: 'Number of links' },
    messages: {
      fr: 'Trop de liens pour votre niveau de confiance : un modérateur va relire le message.',
      en: 'Too many links for your trust level: a moderator will review the post.',
    },
  },
  {
    key: 'links_domain',
    action: 'reject',
    params: { denyDomains: [] as string[] },
    title: { fr: 'Sites interdits', en: 'Blocked sites' },
    messages: {
      fr: 'Les liens vers ce site ne sont pas autorisés dans la communauté.',
      en: 'Links to this site are not allowed in the community.',
    },
  },
  {
    key: 'links_shortener',
    action: 'flag',
    params: {},
    title: { fr: 'Liens raccourcis', en: 'Shortened links' },
    messages: {
      fr: 'Les liens raccourcis cachent leur destination : collez plutôt le lien complet.',
      en: 'Shortened links hide where they lead: paste the full link instead.',
    },
  },
  {
    key: 'spam',
    action: 'hold',
    params: { threshold: 3 },
    title: { fr: 'Publicité non sollicitée', en: 'Spam' },
    messages: {
      fr: 'Ce message ressemble à de la publicité non sollicitée : un modérateur va le relire avant publication.',
      en: 'This post looks like unsolicited advertising: a moderator will review it before it is published.',
    },
  },
  {
    key: 'shouting',
    action: 'flag',
    params: { minLetters: 20, ratio: 0.7 },
    title: { fr: 'Majuscules', en: 'Shouting' },
    messages: {
      fr: "Écrire en majuscules, c'est crier : passez en minuscules pour être mieux lu.",
      en: 'Writing in capitals is shouting: switch to lower case to be read better.',
    },
  },
  {
    key: 'repetition',
    action: 'allow',
    params: { min: 6 },
    title: { fr: 'Caractères répétés', en: 'Repeated characters' },
    messages: {
      fr: 'Évitez de répéter les caractères et la ponctuation (!!!!!!).',
      en: 'Avoid repeating characters and punctuation (!!!!!!).',
    },
  },
  {
    key: 'duplicate',
    action: 'reject',
    params: { windowMinutes: 30 },
    title: { fr: 'Message en double', en: 'Duplicate post' },
    messages: {
      fr: 'Vous avez déjà publié ce message il y a peu. Inutile de le poster deux fois.',
      en: 'You posted this very message a moment ago. No need to post it twice.',
    },
  },
  {
    key: 'flood',
    action: 'reject',
    params: { perMinuteByTrustLevel: [3, 6, 10, 20, 60] },
    title: { fr: 'Rythme de publication', en: 'Posting rate' },
    messages: {
      fr: 'Vous publiez très vite : patientez un instant avant le prochain message.',
      en: 'You are posting very fast: wait a moment before the next post.',
    },
  },
  {
    key: 'classifier',
    action: 'flag',
    params: {},
    title: { fr: 'Classifieur statistique', en: 'Statistical classifier' },
    messages: {
      fr: 'Ce message ressemble à des messages que la modération a dû retirer : un modérateur va le relire.',
      en: 'This post resembles posts that moderators had to remove: a moderator will review it.',
    },
  },
  {
    key: 'first_posts',
    action: 'flag',
    params: { count: 3 },
    title: { fr: 'Premiers messages', en: 'First posts' },
    messages: {
      fr: 'Bienvenue ! Les premiers messages des nouveaux membres sont relus par un modérateur.',
      en: 'Welcome! The first posts of new members are reviewed by a moderator.',
    },
  },
];

export const BUILTIN_BY_KEY = new Map(BUILTIN_RULES.map((r) => [r.key, r]));

/** The rule set a community starts with (also what the engine uses when the database holds no rule yet). */
export function defaultDefinitions(): RuleDefinition[] {
  return BUILTIN_RULES.map((r) => ({
    key: r.key,
    kind: r.key,
    action: r.action,
    enabled: true,
    categoryIds: null,
    params: structuredClone(r.params),
  }));
}
