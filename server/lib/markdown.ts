import { randomBytes } from 'node:crypto';
import { Marked, type Tokens } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { UnprocessableError } from './errors.ts';
import { OWN_IMAGE } from './media.ts';

/**
 * Markdown is cooked once, at write time: marked → sanitize-html. marked passes raw HTML and `javascript:`
 * links straight through, so the sanitizer is the only gate and nothing skips it.
 */

const MENTION = /^@([\p{L}\p{N}_.-]{3,30})/u;
/** What may come just before a mention's @ (the text's start, or no name character), and just after it. */
const NOT_AFTER_NAME = /(?:^|[^\p{L}\p{N}_.@-])$/u;
const NAME_START = /^[\p{L}\p{N}_]/u;

function markedFor(mentions: ReadonlySet<string>, mark: string): Marked {
  const marked = new Marked({ gfm: true, breaks: true, async: false });
  marked.use({
    extensions: [
      {
        name: 'mention',
        level: 'inline',
        start(src: string) {
          // A mention starts at an @ that is not inside a word (so e-mail addresses stay text). marked asks
          // this before every inline token, with the rest of the text: jumping from @ to @ keeps that cheap
          // (a regular expression scanning the whole rest each time made token-heavy text quadratic).
          for (let at = src.indexOf('@'); at !== -1; at = src.indexOf('@', at + 1)) {
            if (NOT_AFTER_NAME.test(src.slice(Math.max(0, at - 2), at)) && NAME_START.test(src.slice(at + 1, at + 3)))
              return at;
          }
          return undefined;
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
          return `<a class="mention" data-mention="${mark}" href="/u/${encodeURIComponent(name)}">@${escapeHtml(name)}</a>`;
        },
      },
    ],
    renderer: {
      // Anyone else's image (not downloaded at publication) becomes a link to it: shown, it would be fetched from
      // its host by every reader. The sanitizer then keeps only our own images.
      image(token) {
        if (Object.hasOwn(renderImages, token.href) || OWN_IMAGE.test(token.href)) return false;
        if (!/^https?:\/\//i.test(token.href)) return escapeHtml(token.text);
        return `<a href="${escapeHtml(token.href)}">${escapeHtml(token.text || token.href)}</a>`;
      },
    },
  });
  return marked;
}

const plainMarked = markedFor(new Set(), '');

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The mark of the mention links being rendered now (rendering is synchronous); empty between renders. */
let renderMark = '';

/** An image of ours as a post shows it: the address, the variants for phones, and its size (no layout shift). */
export interface ImageRef {
  src: string;
  srcset: string;
  width: number;
  height: number;
}
/** The images a post's Markdown names (as written) → ours: its own uploads and the external images downloaded. */
export type ImageMap = Readonly<Record<string, ImageRef>>;

/** The images known to the render going on now (rendering is synchronous); empty between renders. */
let renderImages: ImageMap = {};

/** Every image address a Markdown text names (`![alt](url)`), in order, without repeats. */
export function imageAddresses(markdown: string): string[] {
  const found = new Set<string>();
  void plainMarked.walkTokens(plainMarked.lexer(markdown), (token) => {
    if (token.type === 'image') found.add((token as Tokens.Image).href);
  });
  return [...found];
}

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'hr',
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'blockquote',
    'ul',
    'ol',
    'li',
    'strong',
    'em',
    'del',
    's',
    'code',
    'pre',
    'a',
    'img',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
    'sup',
    'sub',
    'kbd',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel', 'class'],
    img: ['src', 'srcset', 'sizes', 'width', 'height', 'alt', 'title', 'loading', 'decoding'],
    code: ['class'],
    ol: ['start'],
    th: ['align'],
    td: ['align'],
  },
  allowedClasses: { a: ['mention'], code: [/^language-[\w-]+$/] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'escape',
  transformTags: {
    a: (tagName, attribs) => {
      // The mention style is the server's to give: only on the links the mention renderer made during this
      // render (they carry its unguessable mark), never on a link written in the member's own HTML.
      const { class: _, 'data-mention': mark, ...rest } = attribs;
      const mention = renderMark !== '' && mark === renderMark && attribs.class === 'mention';
      return {
        tagName,
        attribs: mention
          ? { class: 'mention', ...rest, rel: 'nofollow ugc noopener' }
          : { ...rest, rel: 'nofollow ugc noopener' },
      };
    },
    img: (tagName, attribs) => {
      const src = attribs.src ?? '';
      const alt = attribs.alt ?? '';
      const known = Object.hasOwn(renderImages, src) ? renderImages[src] : undefined;
      if (known) {
        return {
          tagName,
          attribs: {
            src: known.src,
            ...(known.srcset && { srcset: known.srcset, sizes: '(max-width: 720px) 100vw, 720px' }),
            width: String(known.width),
            height: String(known.height),
            alt,
            loading: 'lazy',
            decoding: 'async',
          },
        };
      }
      return { tagName, attribs: { src, alt, loading: 'lazy', decoding: 'async' } };
    },
  },
  // Only our own images stay (the Markdown renderer made links of the others; raw HTML ones go).
  exclusiveFilter: (frame) => frame.tag === 'img' && !OWN_IMAGE.test(frame.attribs.src ?? ''),
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
 * What marked can render without overflowing its stack (it recurses once per nested quote or list: ~2 000
 * levels crash it) or keeping the event loop busy for seconds: each inline token marked cuts out of a stretch
 * without white space looks ahead to the stretch's end (GFM's bare e-mail links), so thousands of `[`, `<`,
 * `!` or `*` in one stretch — `[[[[…` or `!a!a!a…` — take it quadratic time. Real posts nest a handful of
 * levels and never pack hundreds of these characters between two spaces.
 */
export const MARKDOWN_LIMITS = { depth: 20, run: 200 } as const;

/** The characters marked's inline rules open, close or look ahead from (links, images, emphasis, code, HTML). */
const RUN_CHARS = new Set('[]()<>!*_`~\\'.split(''));

/** Refuses, before any rendering, Markdown nested deeper or packing more punctuation than MARKDOWN_LIMITS. */
export function assertRenderable(field: string, markdown: string): void {
  const run = densestRun(markdown);
  if (run > MARKDOWN_LIMITS.run) {
    throw new UnprocessableError(
      'text.run_too_long',
      `${field} has ${run} Markdown punctuation characters (such as [ * _ \` < !) without a space between them (at most ${MARKDOWN_LIMITS.run}).`,
      { field, max: MARKDOWN_LIMITS.run },
    );
  }
  if (nestingDepth(markdown, MARKDOWN_LIMITS.depth) > MARKDOWN_LIMITS.depth) {
    throw tooDeep(field);
  }
}

const tooDeep = (field: string) =>
  new UnprocessableError(
    'text.too_deep',
    `${field} nests quotes or lists more than ${MARKDOWN_LIMITS.depth} levels deep.`,
    {
      field,
      max: MARKDOWN_LIMITS.depth,
    },
  );

/** The most RUN_CHARS found in one stretch of text without white space (a run of one character included). */
function densestRun(text: string): number {
  let densest = 0;
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (RUN_CHARS.has(c)) densest = Math.max(densest, ++count);
    else if (c === ' ' || c === '\n' || c === '\t' || c === '\r') count = 0;
  }
  return densest;
}

// One container marker at the cursor: a quote, or a list item's bullet or number followed by a space or the end.
const CONTAINER = /[ \t]*(?:>|(?:[-+*]|\d{1,9}[.)])(?=[ \t]|$))[ \t]?/y;
const QUOTE = /[ \t]*>[ \t]?/y;
const FENCE = /^([ \t]*)(`{3,}|~{3,})/;

/**
 * An upper bound of the container nesting marked will build, line by line, stopping past `limit`: the quote
 * markers a line starts with, plus the list items it sits in. A list item is open from its marker on, and
 * stays open for lines indented to its content (or lazily continuing its paragraph); lines of fenced code
 * blocks nest nothing. Over-counting is safe (a refusal with a clear message), under-counting is not, so
 * where CommonMark's rules are subtle this leans to counting.
 */
function nestingDepth(markdown: string, limit: number): number {
  // Open list items' content columns, one stack per quote level (a list inside a quote indents from the quote).
  const lists = new Map<number, number[]>();
  let fence: { char: string; length: number } | null = null;
  let previousBlank = true;
  let deepest = 0;
  for (const line of markdown.split(/\r\n?|\n/)) {
    let quotes = 0;
    let start = 0;
    QUOTE.lastIndex = 0;
    while (quotes <= limit && QUOTE.test(line)) {
      quotes++;
      start = QUOTE.lastIndex;
    }
    deepest = Math.max(deepest, quotes);
    const rest = line.slice(start);
    if (fence) {
      const closing = FENCE.exec(rest);
      if (closing && closing[2]![0] === fence.char && closing[2]!.length >= fence.length) fence = null;
      continue;
    }
    const blank = rest.trim() === '';
    const stack = lists.get(quotes) ?? [];
    lists.set(quotes, stack);
    const indent = rest.length - rest.trimStart().length;
    CONTAINER.lastIndex = 0;
    const marked = CONTAINER.test(rest);
    // A line less indented than an open item's content closes it, unless it lazily continues a paragraph.
    if (!blank && (marked || previousBlank)) while (stack.length > 0 && indent < stack.at(-1)!) stack.pop();
    let content = 0;
    if (marked) {
      do {
        content = CONTAINER.lastIndex;
        stack.push(content);
      } while (stack.length + quotes <= limit && CONTAINER.test(rest));
    }
    deepest = Math.max(deepest, quotes + stack.length);
    if (deepest > limit) return deepest;
    // A fence opens a code block when indented less than 4 columns past its container's content.
    const opening = FENCE.exec(rest.slice(content));
    if (opening && opening[1]!.length + content - (stack.at(-1) ?? 0) <= 3) {
      fence = { char: opening[2]![0]!, length: opening[2]!.length };
    }
    previousBlank = blank;
  }
  return deepest;
}

/**
 * Markdown → safe HTML. `mentions` holds the lower-cased usernames that exist: only those become links.
 * Markdown past MARKDOWN_LIMITS is refused (422, field `body`) rather than rendered.
 */
export function renderMarkdown(
  markdown: string,
  mentions: ReadonlySet<string> = new Set(),
  images: ImageMap = {},
): string {
  assertRenderable('body', markdown);
  const mark = mentions.size ? randomBytes(12).toString('base64url') : '';
  const marked = mentions.size ? markedFor(mentions, mark) : plainMarked;
  renderMark = mark;
  renderImages = images;
  try {
    let html: string;
    try {
      html = marked.parse(markdown) as string;
    } catch (err) {
      // Some nesting the bounds above did not foresee: still the member's input, never a 500.
      if (err instanceof RangeError) throw tooDeep('body');
      throw err;
    }
    return sanitize(html);
  } finally {
    renderMark = '';
    renderImages = {};
  }
}

/** Whether cooked HTML shows anything: some text other than white space, or an image. */
export function showsSomething(html: string): boolean {
  if (/<img\b/i.test(html)) return true;
  const text = html.replace(/<[^>]*>/g, '').replace(/&(?:nbsp|#160|#xa0);/gi, ' ');
  return /[^\s\p{Cf}]/u.test(text);
}
