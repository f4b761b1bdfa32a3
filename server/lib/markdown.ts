import { Marked, type Tokens } from 'marked';
import sanitizeHtml from 'sanitize-html';

/**
 * Markdown is cooked once, at write time: marked → sanitize-html. marked passes raw HTML and `javascript:`
 * links straight through, so the sanitizer is the only gate and nothing skips it.
 */

const MENTION = /^@([\p{L}\p{N}_.-]{3,30})/u;

function markedFor(mentions: ReadonlySet<string>): Marked {
  const marked = new Marked({ gfm: true, breaks: true, async: false });
  marked.use({
    extensions: [
      {
        name: 'mention',
        level: 'inline',
        start(src: string) {
          // A mention starts at an @ that is not inside a word (so e-mail addresses stay text).
          const match = /(^|[^\p{L}\p{N}_.@-])@[\p{L}\p{N}_]/u.exec(src);
          return match ? match.index + match[1]!.length : undefined;
        },
        tokenizer(src: string) {
          const match = MENTION.exec(src);
          if (!match) return undefined;
          // A trailing dot ends the sentence, not the name.
          const name = match[1]!.replace(/[.-]+$/, '');
          if (!mentions.has(name.toLowerCase())) return undefined;
          return { type: 'mention', raw: `@${name}`, name };
        },
        renderer(token) {
          const name = (token as Tokens.Generic & { name: string }).name;
          return `<a class="mention" href="/u/${encodeURIComponent(name)}">@${escapeHtml(name)}</a>`;
        },
      },
    ],
  });
  return marked;
}

const plainMarked = markedFor(new Set());

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'ul', 'ol', 'li', 'strong', 'em', 'del', 's',
    'code', 'pre', 'a', 'img', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'sup', 'sub', 'kbd',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel', 'class'],
    img: ['src', 'alt', 'title', 'loading'],
    code: ['class'],
    ol: ['start'],
    th: ['align'],
    td: ['align'],
  },
  allowedClasses: { a: ['mention'], code: [/^language-[\w-]+$/] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'escape',
  transformTags: {
    a: (tagName, attribs) => ({
      tagName,
      attribs: { ...attribs, rel: 'nofollow ugc noopener' },
    }),
    img: (tagName, attribs) => ({ tagName, attribs: { ...attribs, loading: 'lazy' } }),
  },
  // Images must be absolute http(s) URLs: no relative paths into our own API, no data: payloads.
  exclusiveFilter: (frame) => frame.tag === 'img' && !/^https?:\/\//i.test(frame.attribs.src ?? ''),
};

/** Every HTML fragment that reaches a page goes through here. */
export function sanitize(html: string): string {
  return sanitizeHtml(html, SANITIZE);
}

/** Usernames mentioned in a text (lower-cased), to be resolved against members before rendering. */
export function findMentions(markdown: string): string[] {
  const names = new Set<string>();
  for (const match of markdown.matchAll(/(?:^|[^\p{L}\p{N}_.@-])@([\p{L}\p{N}_.-]{3,30})/gu)) {
    names.add(match[1]!.replace(/[.-]+$/, '').toLowerCase());
  }
  return [...names];
}

/**
 * Markdown → safe HTML. `mentions` holds the lower-cased usernames that exist: only those become links.
 */
export function renderMarkdown(markdown: string, mentions: ReadonlySet<string> = new Set()): string {
  const marked = mentions.size ? markedFor(mentions) : plainMarked;
  const html = marked.parse(markdown) as string;
  return sanitize(html);
}
