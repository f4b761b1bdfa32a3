import { createRequire } from 'node:module';
import { tokenize } from './normalize.ts';

/**
 * The built-in lexicons, curated from maintained public lists on npm (naughty-words, i.e. LDNOOBW, for French
 * and English; french-badwords-list) and from our own reading of brand-community posts.
 *
 * Curation, in order:
 *  1. ALLOW: words of those lists that are ordinary in a brand community (« gourde » is a water bottle,
 *     « manche » a sleeve, « pédale » a pedal, "strap on" is how you wear a pack) are removed;
 *  2. PROFANITY: swearing that is not aimed at anyone (« putain », "shit") is masked, not held;
 *  3. MILD: words that insult only when aimed at someone (« débile », "stupid") count only after a
 *     directing phrase (« t'es », « espèce de », "you are", "what a");
 *  4. HATE: slurs and hate slogans are refused;
 *  5. everything else left of the lists, plus STRONG, is an insult, held for review.
 * This module is data; its reading of entries is the engine's (same normalisation as the posts).
 */

const require = createRequire(import.meta.url);
const naughty = require('naughty-words') as Record<string, string[]>;
const frenchBadwords = (require('french-badwords-list') as { array: string[] }).array;

/** The same normalisation as posts get, so that list entries and texts meet on equal terms. */
export const norm = (entry: string): string =>
  tokenize(entry)
    .map((t) => t.text)
    .join(' ');

export const ALLOW = new Set(
  [
    // French: ordinary words that the lists also use as slang
    'baiser', 'bite', 'chatte', 'folle', 'gerbe', 'gerber', 'gueule', 'péter', 'pet', 'pipi', 'caca', 'jouir', 'meuf',
    'bourré', 'bourrée', 'ramoner', 'tanche', 'cul', 'con', 'cons', 'coche', 'manche', 'gland', 'gourde', 'punaise',
    'sale', 'crotte', 'crouton', 'minable', 'misérable', 'minus', 'magot', 'pouf', 'chauffard', 'bougre', 'courtaud',
    'lavette', 'épais', 'epa', 'andouille', 'fumier', 'pourriture', 'traînée', 'trainee', 'stéarique', 'pédale',
    'tapette', 'déconne', 'déconner', 'ménage à trois', 'trique', 'godon', 'rosbif', 'fritz', 'kraut', 'beauf', 'plouc',
    'pleutre', 'tru', 'cricri', 'cacou', 'pecque', 'tebe', 'vier', 'chachar', 'kikoo', 'kikou', 'niac', 'porcas',
    'robespierrot', 'marchandot', 'mauviette', 'gaupe', 'bouseux', 'branque', 'pequenaud', 'sagouin', 'patarin',
    'caldoche', 'cafre', 'magot', 'puna', 'coche', 'bourdille', 'counifle', 'gogol', 'goi', 'manche', 'sottiseux',
    'teteux', 'lacheux', 'gouilland', 'panoufle', 'ripopee', 'satrouille', 'schnoque', 'schnock', 'schnoc', 'chnoque',
    'du schnoc', 'duschnock', 'dugenoux', 'pignouf', 'pimbêche', 'gourgandine', 'gueniche', 'viedase', 'michto',
    'pisseux', 'pissou', 'peteux', 'crevard', 'mange merde', 'niaiseux', 'xeropineur', 'margouilliste', 'tra nee',
    'minus', 'bouffon', 'naze', 'nase', 'débile', 'crétin', 'imbécile', 'abruti', 'tocard', 'couillon', 'zizi',
    'foutre', 'bordel', 'merde', 'putain', 'chier', 'emmerder', 'emmerdant', 'chiottes', 'pisser', 'suce',
    // English: words of the NSFW list that are ordinary, or mild, in product talk
    'suck', 'sucks', 'sexy', 'sex', 'sexual', 'sexually', 'sexuality', 'erotic', 'erotism', 'nude', 'nudity',
    'domination', 'escort', 'butt', 'panties', 'panty', 'tied up', 'hardcore', 'hard core', 'kinky', 'swinger',
    'xx', 'xxx', 'playboy', 'intercourse', 'lovemaking', 'nipple', 'nipples', 'strip club', 'tushy', 'twinkie',
    'spastic', 'mong', 'poof', 'smut', 'scat', 'grope', 'humping', 'topless', 'undressing', 'bondage', 'fingering',
    'snatch', 'goodpoop', 'genitals', 'penis', 'vagina', 'vulva', 'rectum', 'anus', 'god damn', 'booty call',
    'how to kill', 'how to murder', 'tongue in a', 'taste my', 'tight white', 'huge fat', 'hot chick', 'big black',
    'girl on', 'big breasts', 'pegging', 'shrimping', 'rimming', 'ball kicking', 'spread legs', 'strap on', 'dog style',
    'wrapping men', 'rosy palm', 'jelly donut', 'sultry women', 'tainted love', 'domination', 'voyeur', 'eunuch',
    'dominatrix', 'sadism', 'scissoring', 'strappado', 'leather restraint', 'leather straight jacket', 'nsfw',
    'nsfw images', 'barenaked', 'busty', 'juggs', 'boob', 'boobs', 'erotic', 'homoerotic', 'lolita', 'octopussy',
    'ecchi', 'yaoi', 'hentai', 'twink', 'kinkster', 'bullet vibe', 'vibrator', 'escort', 'beaver cleaver',
    'hot carl', 'violet wand', 'pleasure chest', 'shaved beaver', 'mound of venus', 'venus mound', 'dry hump',
    'blonde action', 'brunette action', 'girl on top', 'babeland', 'ass', 'bastard', 'crap', 'shit', 'shitty',
    'bullshit', 'damn', 'fuck', 'fucking', 'fuckin', 'viagra', 'cialis', 'porn', 'porno', 'pornography', 'sexo',
    'anal', 'bastardo', 'tosser', 'wank', 'bollocks', 'butthole', 'buttcheeks', 'poop chute', 'poopchute', 'pubes',
  ].map(norm),
);

/** Swearing that is not aimed at anyone: masked in the published post. */
export const PROFANITY = [
  'merde', 'putain', 'bordel', 'chier', 'fait chier', 'emmerder*', 'emmerdant*', 'foutre', 'foutu', 'chiottes',
  'bordel de merde', 'putain de merde', 'pisser',
  'shit', 'shitty', 'bullshit', 'crap', 'fuck', 'fucking', 'fuckin', 'damn', 'goddamn', 'god damn', 'wtf', 'bollocks',
  'wank', 'pissed',
  // Québec's « sacres » (naughty-words' fr-CA list): swearing, not insults
  'osti', 'ostie', 'criss', 'crisse', 'câlice', 'calice', 'tabarnak', 'tabarnac', 'viarge', 'sacrament',
];

/** Insults wherever they stand. */
export const STRONG = [
  'connard*', 'connasse', 'conasse', 'conard', 'conne', 'enculé*', 'enculer', 'enfoiré*', 'salope*', 'salopard*',
  'salaud*', 'pute', 'putes', 'pétasse', 'pouffiasse', 'poufiasse', 'grognasse', 'fils de pute', 'fille de pute',
  'fdp', 'ntm', 'nique ta mère', 'nique ta race', 'nique sa mère', 'ta gueule', 'ferme ta gueule', 'tg',
  'ta mère la pute', 'trou du cul', 'trouduc', 'sous merde', 'raclure', 'crevure', 'enflure', 'ordure',
  'tête de con', 'bande de cons', 'espèce de con', 'pauvre con', 'gros con', 'sale con', 'petit con', 'vieux con',
  'quel con', 'quelle conne', 't es con', 'tu es con', 't es un con', 'tu es un con', 'lèche cul', 'va te faire foutre',
  'va te faire enculer', 'casse toi', 'dégage connard',
  'asshole', 'assholes', 'arsehole', 'bitch', 'bitches', 'cunt', 'cunts', 'motherfucker*', 'dickhead', 'dick head',
  'fuck you', 'fuck off', 'fuck u', 'f u', 'piece of shit', 'son of a bitch', 'shut up', 'shut the fuck up', 'stfu',
  'jackass', 'dumbass', 'douchebag', 'douche bag', 'scumbag', 'prick', 'twat', 'whore', 'slut', 'screw you',
  'go to hell', 'eat shit',
];

/** Insults only when aimed at someone: « ce réglage est débile » is an opinion, « t'es débile » an insult. */
export const MILD = [
  'idiot*', 'crétin*', 'imbécile*', 'débile*', 'abruti*', 'bouffon*', 'minable*', 'naze', 'nase', 'nul', 'nulle',
  'nuls', 'boulet', 'cinglé*', 'andouille*', 'tocard*', 'blaireau*', 'guignol*', 'attardé*', 'mongol*', 'gogol*',
  'débile mental', 'taré*', 'couillon*', 'branleur*', 'glandu*', 'bâtard*', 'batard*', 'clown', 'pauvre type',
  'stupid', 'idiot', 'idiots', 'moron*', 'loser*', 'dumb', 'jerk', 'retard*', 'clown', 'fool', 'pathetic', 'ignorant',
  'bastard*', 'dick', 'ass', 'troll',
];

/** What turns a mild word into an insult when it comes just before (at most two words between). */
export const DIRECTED = [
  'tu es', 't es', 'tes', 'vous êtes', 'vous etes', 'espèce d', 'espece d', 'bande d', 'sale', 'pauvre', 'gros',
  'grosse', 'quel', 'quelle', 'quels', 'bande', 'sombre', 'petit', 'petite', 'vieux', 'vieille', 'tu n es qu un',
  'tu n es qu une', 'you are', 'you re', 'youre', 'ur', 'u r', 'u are', 'what a', 'such a', 'you', 'you stupid',
  'ya', 'shut up',
];

/** Slurs and hate slogans: refused outright. */
export const HATE = [
  'bougnoul*', 'bounioul', 'youpin*', 'youtre', 'nègre', 'nègres', 'négro', 'negro', 'negros', 'bicot*', 'crouille',
  'crouillat', 'raton', 'ratons', 'chinetoque', 'chinetoc', 'chintok', 'niakoué', 'niakoue', 'pédé', 'pédés', 'pd',
  'tarlouze', 'tantouze', 'tafiole', 'fiotte', 'gouine', 'gouines', 'grande folle', 'moricaud', 'makoume', 'bamboula',
  'sale arabe', 'sales arabes', 'sale juif', 'sales juifs', 'sale noir', 'sales noirs', 'sale noire', 'sale pédé',
  'sale gouine', 'sale bougnoule', 'sale chinois', 'sale rebeu', 'sale nègre', 'mort aux juifs', 'mort aux arabes',
  'mort aux noirs', 'mort aux pédés', 'sieg heil', 'heil hitler', 'white power', 'white pride', 'race inférieure',
  'nigger*', 'nigga*', 'kike', 'kikes', 'spic', 'spics', 'chink', 'chinks', 'faggot*', 'fag', 'fags', 'tranny',
  'trannies', 'wetback*', 'raghead*', 'towelhead*', 'gook', 'gooks', 'beaner*', 'jigaboo', 'jiggaboo', 'darkie',
  'slanteye', 'coon', 'coons', 'paki', 'pakis', 'gas the jews', 'kill all jews', 'bulldyke', 'carpet muncher',
  'fudge packer', 'fudgepacker', 'honkey', 'neonazi', '1488',
];

/** Threats and incitement to self-harm. */
export const THREATS = [
  'je vais te tuer', 'je vais vous tuer', 'je vais te buter', 'je vais te crever', 'je vais te défoncer',
  'je vais te démolir', 'je vais te casser la gueule', 'je vais te retrouver', 'on va te retrouver',
  'je vais te faire la peau', 'je sais où tu habites', 'je sais ou tu habites', 't es mort', 'tu es mort',
  't es un homme mort', 'tu vas mourir', 'tu vas crever', 'tu vas le payer', 'je vais te planter', 'je vais te saigner',
  'va te pendre', 'va crever', 'crève', 'crevez', 'suicide toi', 'suicidez vous', 'tue toi', 'tuez vous',
  'tu devrais te suicider', 'tu devrais te tuer', 'jette toi sous un train', 'fais nous une faveur et meurs',
  'i will kill you', 'i ll kill you', 'im going to kill you', 'i m going to kill you', 'i am going to kill you',
  'gonna kill you', 'kill yourself', 'go kill yourself', 'kys', 'you should die', 'hope you die', 'i hope you die',
  'i know where you live', 'i will find you', 'ill find you', 'go hang yourself', 'hang yourself', 'slit your wrists',
  'drink bleach', 'you are dead', 'you re dead', 'youre dead',
];

/** Phrases that contain a listed word but are fine: « cul-de-sac », « petit con- » never. */
export const ALLOW_PHRASES = [
  'cul de sac', 'cul sec', 'gueule de bois', 'casse gueule', 'fine gueule', 'grande gueule', 'tête de nœud',
  'pas nul', 'pas nulle', 'loin d être nul', 'vous êtes nombreux', 'sale temps', 'sale temps pour', 'sale journée',
  'sale boulot', 'ça sale', 'pauvre de moi', 'shut up and take my money', 'sucks less', 'you re a fool if you don t',
];

/** The npm lists, for coverage: entries not placed in another tier and not allowed become insults. */
export function listedInsults(): string[] {
  return [...naughty.fr!, ...naughty.en!, ...frenchBadwords];
}

/** URL shorteners: a link through them hides where it goes. */
export const SHORTENERS = [
  'bit.ly', 'bitly.com', 'tinyurl.com', 't.co', 'goo.gl', 'ow.ly', 'is.gd', 'buff.ly', 'cutt.ly', 'rebrand.ly',
  'shorturl.at', 'tiny.cc', 'lnkd.in', 'rb.gy', 'v.gd', 'bl.ink', 'shorte.st', 'adf.ly', 'tiny.one', 'short.io',
  's.id', 'qr.ae', 'x.co', 'trib.al', 'soo.gd', 't.ly', 'urlz.fr', 'lstu.fr', 'kutt.it',
];
