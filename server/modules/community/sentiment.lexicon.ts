/**
 * Agora's own additions to the published lexicons of sentiment.ts, for what a brand's community says and they
 * miss or get wrong. Each entry is a word or phrase as a member writes it (accents and case do not matter;
 * French entries are stemmed like the lexicon), with a polarity from -1 to 1 that replaces the lexicon's.
 * Kept short and reviewed: a word goes here when a test sentence from a real complaint or praise was scored
 * wrong, and the line says which case it fixes when that is not obvious. `=word` is that exact word only.
 */

export const FRENCH_ADDITIONS: Record<string, number> = {
  // Complaints about a product or a brand, absent from Pattern's lexicon (built from book reviews).
  arnaque: -1,
  escroquerie: -1,
  escroc: -1,
  inutilisable: -0.8,
  défectueux: -0.8,
  panne: -0.5,
  'en panne': -0.6,
  bug: -0.3,
  bugue: -0.5,
  plantage: -0.5,
  inacceptable: -1,
  honte: -0.8,
  honteux: -0.8,
  décevant: -0.8,
  déception: -0.8,
  déçoit: -0.8,
  nul: -0.8, // Pattern: -0.2; « c'est nul » is a strong complaint
  remboursement: -0.3,
  rembourser: -0.3,
  résilier: -0.5,
  résiliation: -0.5,
  boycott: -0.8,
  boycotter: -0.8,
  catastrophe: -0.8,
  galère: -0.6,
  'ras le bol': -0.8,
  marre: -0.7,
  '=marrant': 0.3, // « marrant » (funny) has the stem of « marre »
  fâché: -0.6,
  énervé: -0.6,
  frustrant: -0.6,
  frustré: -0.6,
  lamentable: -0.9,
  déplorable: -0.8,
  lenteur: -0.4,
  'marche pas': -0.6,
  'marche plus': -0.6,
  'fonctionne pas': -0.6,
  'fonctionne plus': -0.6,
  'plus jamais': -0.7,
  'trop cher': -0.5,
  // Pattern's lexicon has these the wrong way round or at zero.
  inadmissible: -1, // Pattern: +0.3
  détester: -0.9, // Pattern: 0
  absurde: -0.5, // Pattern: +0.4
  acariâtre: -0.5, // Pattern: +0.2
  // Neutral in a brand's community, though Pattern scores them: the after-sales service (the stem of « savant »
  // in the lexicon), « cher » as in « chère cliente ».
  sav: 0,
  cher: 0,
  '=sur': 0, // the preposition « sur », folded like « sûr » (+0.2)
  // Descriptions of a product, not opinions: « le premier modèle », « la dernière version », « un vieux sac ».
  premier: 0,
  dernier: 0,
  nouveau: 0,
  vieux: 0,
  certain: 0,
  grand: 0,
  // Praise a forum hears every day.
  bravo: 0.6,
  merci: 0.3,
  'au top': 0.6,
  'j adore': 0.8,
};

/** On AFINN's scale (-5 to 5), like the lexicon they complete or correct. */
export const ENGLISH_ADDITIONS: Record<string, number> = {
  unusable: -3,
  defective: -3,
  buggy: -2,
  laggy: -2,
  ripoff: -3,
  'rip off': -3,
  refund: -1,
  'waste of money': -3,
  'never again': -2,
  'stopped working': -3,
  broken: -2, // AFINN: -1, yet a product « broken » is a complaint
  // Polite words that open complaints as often as praise (« thanks in advance »): AFINN gives them +2.
  thanks: 1,
  thank: 1,
  // Words every support thread uses, which say nothing of its tone: « I need help », « customer support »,
  // « it looks like », « please ». AFINN gives them +1 or +2.
  help: 0,
  support: 0,
  like: 0,
  please: 0,
  // A question reports a problem without being a complaint: AFINN's -2 made every support question negative.
  problem: -1,
  issue: 0,
  // Read as negators by sentiment.ts, not as words.
  no: 0,
};
