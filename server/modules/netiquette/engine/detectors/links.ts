export interface FoundLink {
  start: number;
  end: number;
  url: string;
  host: string;
}

/**
 * Links in a text: full URLs, « www. » addresses, and bare domains (« cime-shop.fr/promo ») whose top-level
 * domain is a real one, so that « M.Dupont » or « 1.5kg » are not links. Written for speed: this runs on
 * every post (linkify-it's fuzzy matcher took about 280 µs on a 2 KB post, three times the whole budget).
 */
const TLDS = new Set(
  (
    'com net org info biz edu gov int mil io co me tv ly gl gd to app dev shop store online site blog news tech ' +
    'xyz club live life world today email link click page art design eu fr be ch ca de uk es it nl us pt pl se no ' +
    'dk fi ie lu mc re gp mq nc pf yt pm wf tf at cz sk hu ro bg gr hr si ee lv lt ru ua tr il ma tn dz sn ci cm ' +
    'jp cn kr in au nz br ar mx cl za sg hk tw id th vn my ph ae sa qa'
  ).split(' '),
);

const SCHEME_OR_WWW = /\b(?:https?:\/\/|www\.)[^\s<>"'`]+/gi;
const DOMAIN_CHAR = /[a-z0-9.-]/i;
const WORD_CHAR = /[\p{L}\p{N}@]/u;
const TRAILING = /[.,;:!?)\]}»’'"]+$/u;

/** The host of a URL or bare domain, lower-cased, without "www." (no URL parsing needed for that). */
function hostOf(url: string): string {
  const rest = url.replace(/^https?:\/\//i, '');
  const end = rest.search(/[/?#:]/);
  return (end < 0 ? rest : rest.slice(0, end))
    .replace(/^[^@]*@/, '')
    .toLowerCase()
    .replace(/^www\./, '');
}

const isAsciiLetter = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * Where bare domains may end: a letter, digit or dash, a dot, and two to twelve ASCII letters followed by no
 * letter or digit (« cime-shop.fr », not « 1.5kg »). The span [index, end) and the letters after the dot.
 * A walk from dot to dot (`indexOf` runs in native code) instead of a regular expression tried at every character.
 */
function* dotTlds(text: string): Generator<{ index: number; end: number; tld: string }> {
  let consumed = 0;
  for (let dot = text.indexOf('.', 1); dot >= 0; dot = text.indexOf('.', dot + 1)) {
    const before = text.charCodeAt(dot - 1);
    if (dot - 1 < consumed || !(isAsciiLetter(before) || isDigit(before) || before === 45)) continue;
    let end = dot + 1;
    while (end < text.length && isAsciiLetter(text.charCodeAt(end))) end++;
    const letters = end - dot - 1;
    if (letters < 2 || letters > 12 || (end < text.length && isDigit(text.charCodeAt(end)))) continue;
    consumed = end;
    yield { index: dot - 1, end, tld: text.slice(dot + 1, end) };
  }
}

export function findLinks(text: string): FoundLink[] {
  const scheme = text.includes('://') || /www\./i.test(text);
  if (!scheme && !text.includes('.')) return [];
  const links: FoundLink[] = [];
  if (scheme)
    for (const m of text.matchAll(SCHEME_OR_WWW)) {
      const url = m[0].replace(TRAILING, '');
      links.push({ start: m.index!, end: m.index! + url.length, url, host: hostOf(url) });
    }
  for (const m of dotTlds(text)) {
    if (!TLDS.has(m.tld.toLowerCase())) continue;
    // Walk back to the start of the domain, forward over a path.
    let start = m.index;
    while (start > 0 && DOMAIN_CHAR.test(text[start - 1]!)) start--;
    let end = m.end;
    if (start > 0 && (WORD_CHAR.test(text[start - 1]!) || text[start - 1] === '/')) continue; // part of a URL or an e-mail
    if (end < text.length && WORD_CHAR.test(text[end]!)) continue;
    if (text[end] === '/') while (end < text.length && !/[\s<>"'`]/.test(text[end]!)) end++;
    if (links.some((l) => l.start <= start && start < l.end)) continue;
    const url = text.slice(start, end).replace(TRAILING, '');
    if (!/^[a-z0-9]/i.test(url)) continue;
    links.push({ start, end: start + url.length, url, host: hostOf(url) });
  }
  return links.sort((a, b) => a.start - b.start);
}

const normalDomain = (domain: string) => domain.toLowerCase().replace(/^www\./, '');

/**
 * A list of domains normalised once, when the rule set compiles: a host is looked up with its parent
 * domains (« a.b.bit.ly », « b.bit.ly », « bit.ly »…), a few set lookups instead of a pass over the list.
 */
export class DomainSet {
  private readonly domains: ReadonlySet<string>;

  constructor(domains: Iterable<string>) {
    this.domains = new Set([...domains].map(normalDomain).filter(Boolean));
  }

  get size(): number {
    return this.domains.size;
  }

  /** True when host is one of the domains or a subdomain of one. */
  has(host: string): boolean {
    if (this.domains.size === 0) return false;
    for (let from = 0; from >= 0; from = host.indexOf('.', from) + 1 || -1) {
      if (this.domains.has(from === 0 ? host : host.slice(from))) return true;
    }
    return false;
  }
}
