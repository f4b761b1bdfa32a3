import { LinkifyIt } from 'linkify-it';

export interface FoundLink {
  start: number;
  end: number;
  url: string;
  host: string;
}

const linkify = new LinkifyIt().set({ fuzzyLink: true, fuzzyEmail: false, fuzzyIP: true });

/** Cheap test first: a scheme, "www." or something like a domain (letters, a dot, letters). */
const MAYBE_LINK = /:\/\/|www\.|[\p{L}\p{N}-]\.\p{L}{2,}/u;

/** Links in a text, with bare domains (« cime-shop.fr ») as well as full URLs. */
export function findLinks(text: string): FoundLink[] {
  if (!MAYBE_LINK.test(text)) return [];
  return (linkify.match(text) ?? [])
    .filter((m) => m.schema !== 'mailto:')
    .map((m) => {
      let host = '';
      try {
        host = new URL(m.url).hostname.toLowerCase().replace(/^www\./, '');
      } catch {
        /* linkify only returns parsable URLs; be safe anyway */
      }
      return { start: m.index, end: m.lastIndex, url: m.url, host };
    });
}

/** True when host is domain or one of its subdomains. */
export function hostMatches(host: string, domain: string): boolean {
  const d = domain.toLowerCase().replace(/^www\./, '');
  return host === d || host.endsWith(`.${d}`);
}
