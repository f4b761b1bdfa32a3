import { reason } from '../explain.ts';
import { Lexicon } from '../lexicon.ts';
import type { LexiconRegistry } from '../lexicon-matching.ts';
import type { Found, Prepared } from '../rule-set.ts';
import { statsOf } from '../text-stats.ts';
import type { EvaluationContext } from '../types.ts';
import { type FoundLink, findLinks } from './links.ts';

/**
 * Spam by score (issue 17), so that it is caught with one link or none: the commercial words of spam
 * (pharmacy, crypto coaching, loans, followers, replicas…), money per unit of time (« 300 € par jour », "$500 a
 * day"), a contact channel outside the forum (WhatsApp, Telegram, "DM me"), urgency, huge discounts, links
 * and their kind of domain. Each signal weighs; a new member's post weighs half as much again (spam comes from
 * accounts made for it). The rule fires from a threshold (params.threshold, 3 by default).
 */

/** Words of spam, with their weight. A post counts each word once. */
const WEIGHTS: Record<string, number> = {
  // pharmacy
  viagra: 2.5,
  cialis: 2.5,
  xanax: 2.5,
  valium: 2.5,
  tramadol: 2.5,
  oxycodone: 2.5,
  'sans ordonnance': 2.5,
  'no prescription': 2.5,
  'without prescription': 2.5,
  'pharmacie en ligne': 2,
  'online pharmacy': 2,
  'pilule miracle': 2.5,
  'perdez kg': 1.5,
  // money
  crypto: 1.5,
  bitcoin: 1.5,
  forex: 2,
  trading: 1.5,
  'revenus passifs': 2.5,
  'passive income': 2.5,
  rentier: 2,
  'devenez riche': 2.5,
  'devenir riche': 2,
  'get rich': 2.5,
  'make money': 2,
  'gagner de l argent': 2,
  'gagnez de l argent': 2.5,
  'work from home': 2,
  'working from home': 1.5,
  'travail a domicile': 2,
  'depuis chez vous': 1,
  investissez: 1.5,
  invest: 1,
  'win rate': 2,
  signals: 1,
  mining: 1,
  garanti: 1,
  garantis: 1,
  guaranteed: 1,
  'double votre capital': 2.5,
  'returns guaranteed': 2,
  casino: 2.5,
  'free spins': 2.5,
  'paris sportifs': 2,
  'pret entre particuliers': 3,
  'credit rapide': 2,
  loan: 1.5,
  loans: 1.5,
  'bad credit': 2,
  'no credit check': 2.5,
  coaching: 1,
  earn: 1,
  iptv: 2.5,
  'comptes netflix': 2,
  'premium accounts': 2,
  catalogue: 0.5,
  catalog: 0.5,
  'from home': 1,
  legit: 1,
  'my profile': 1,
  'mon profil': 1,
  profit: 1,
  gagnez: 0.5,
  recrute: 0.5,
  'no experience needed': 2,
  'aucune experience requise': 2,
  // social and fakes
  followers: 2,
  abonnes: 1,
  likes: 1,
  replica: 2.5,
  replicas: 2.5,
  repliques: 2.5,
  contrefacon: 1.5,
  'pas cher': 1,
  'pas chers': 1,
  'prix casses': 1.5,
  'prix imbattables': 1.5,
  cheap: 1,
  cheapest: 1.5,
  discreet: 1.5,
  discrete: 1.5,
  // calls to act and contact channels
  whatsapp: 1.5,
  telegram: 1.5,
  'dm me': 1.5,
  'message me': 1,
  'contactez moi': 0.5,
  'ecrivez moi': 0.5,
  'lien en bio': 2,
  'link in my bio': 2,
  'link in bio': 2,
  'link in my profile': 2,
  'click the link': 1.5,
  'cliquez ici': 1.5,
  'click here': 1.5,
  'offre limitee': 1,
  'places limitees': 1,
  'stock limite': 0.5,
  'limited offer': 1,
  'act now': 1,
  'commandez maintenant': 1,
  'order now': 1,
  'join my': 1,
  'rejoignez mon': 1,
  instantly: 0.5,
  'livraison discrete': 2,
  'discreet shipping': 2,
  'discreet delivery': 2,
};

/** Currencies written as words: the money patterns are looked for only where money is written. */
const MONEY_WORDS = new Set(['euro', 'euros', 'eur', 'usd', 'dollar', 'dollars', 'bucks']);
const MONEY_PER_TIME =
  /(?:\d[\d\s,.]*\s?(?:€|euros?|\$|usd|k)|[$€]\s?\d[\d,.]*k?)\s*(?:par|per|a|an|each|\/|chaque)\s*(?:jour|day|daily|semaine|week|mois|month|heure|hour|h)\b|\d+\s?%\s*(?:par|per|a)?\s*(?:jour|day|daily|semaine|week|mois|month)\b/iu;
const BIG_DISCOUNT = /(?:-\s?(?:[7-9]\d)\s?%|(?:[7-9]\d)\s?%\s*(?:off|de r[ée]duction))/iu;
const MONEY_MULTIPLY =
  /(?:\d[\d\s,.]*\s?[€$k]|[$€]\s?\d[\d,.]*k?).{1,40}(?:into|en|→|->).{0,10}(?:\d[\d\s,.]*\s?[€$k]|[$€]\s?\d[\d,.]*)/iu;
/** Domains spam likes: cheap new top-level domains. */
const SPAM_TLD = /\.(?:xyz|top|shop|online|site|click|live|biz|store|icu|buzz|win|loan|bid|vip)$/i;

export function spamDetector(registry: LexiconRegistry, params: Record<string, unknown>) {
  const lexicon = new Lexicon([...Object.keys(WEIGHTS), ...MONEY_WORDS]);
  const index = registry.use(lexicon);
  const threshold = typeof params.threshold === 'number' ? params.threshold : 3;
  return (fields: Prepared[], ctx: EvaluationContext): Found[] => {
    let score = 0;
    let moneyWord = false;
    const signals: string[] = [];
    const seen = new Set<string>();
    let first: { field: Prepared['field']; start: number; end: number } | undefined;
    const add = (weight: number, what: string, field: Prepared['field'], start: number, end: number) => {
      score += weight;
      signals.push(what);
      first ??= { field, start, end };
    };
    for (const f of fields) {
      for (const m of registry.matches(f, index)) {
        if (MONEY_WORDS.has(m.entry)) {
          moneyWord = true;
          continue;
        }
        if (seen.has(m.entry)) continue;
        seen.add(m.entry);
        add(WEIGHTS[m.entry]!, m.entry, f.field, f.tokens[m.first]!.start, f.tokens[m.last]!.end);
      }
    }
    // The regular expressions only where money or a percentage is written.
    for (const f of fields) {
      const stats = statsOf(f);
      const money = stats.money || moneyWord;
      const percent = stats.percent;
      if (!money && !percent) continue;
      for (const [re, weight, what, needs] of [
        [MONEY_PER_TIME, 2, 'money per time', money || percent],
        [BIG_DISCOUNT, 1, 'huge discount', percent],
        [MONEY_MULTIPLY, 1.5, 'money multiplied', money && score > 0],
      ] as const) {
        if (!needs) continue;
        const m = re.exec(f.text);
        if (m) add(weight, what, f.field, m.index, m.index + m[0].length);
      }
    }
    if (score === 0) return [];
    for (const f of fields) {
      f.links ??= findLinks(f.text);
      f.links.forEach((l: FoundLink) =>
        add(SPAM_TLD.test(l.host) ? 1.5 : 0.5, `link ${l.host}`, f.field, l.start, l.end),
      );
    }
    const newMember = ctx.trustLevel === 0 || ctx.authorPostCount < 3 || ctx.accountAgeDays < 7;
    const total = newMember ? score * 1.5 : score;
    if (total < threshold || !first) return [];
    const detail = `${signals.join(', ')}${newMember ? ' ×1.5 (new member)' : ''}`;
    return [{ ...first, why: reason('spam', total.toFixed(1), String(threshold), detail) }];
  };
}
