import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { SESSION_COOKIE } from '../../http/session.plugin.ts';

type Locale = 'fr' | 'en';

/** What web/src/entry-server.ts exports (built to web/dist-server/entry-server.js), as far as the server uses it. */
interface Entry {
  loadPage(request: {
    url: string;
    fetch: (request: Request) => Promise<Response>;
    locale: Locale | null;
    signedIn: boolean;
  }): Promise<{
    status: number;
    locale: Locale;
    source: string | undefined;
    render(): { head: string; body: string; state: string };
  } | null>;
}

/** A rendered page as the shell wraps it: status, language and markup for <head> and <div id="app">. */
export interface RenderedPage {
  status: number;
  locale: Locale;
  /** The page component's source file (`src/pages/Thread.svelte`), which names its chunks in the build. */
  source: string | undefined;
  head: string;
  body: string;
  state: string;
}

/** A page ready to send: its HTML, and the same compressed once (for a page served from the cache). */
export interface PageAnswer {
  status: number;
  html: Buffer;
  etag: string;
  br?: Buffer;
  gzip?: Buffer;
}

type Compose = (page: RenderedPage) => Promise<{ status: number; html: string }>;

/** One API read a page was rendered from, and its answer then. */
interface Read {
  url: string;
  status: number;
  body: Buffer;
}

interface Cached {
  answer: PageAnswer;
  reads: Read[];
}

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);
const LOCALE_COOKIE = 'agora.locale';
const THEME_COOKIE = 'agora.theme';

/**
 * Server rendering of the public pages (home, categories, threads, profiles, badges, leaderboard, ideas) with
 * the web app's own components (web/src/entry-server.ts). Their data is read through this server's own HTTP
 * layer (`inject`), with the reader's cookies and address, so a rendered page holds exactly what that reader's
 * browser would have fetched, under the same visibility rule, rate limits and caches.
 *
 * A visitor's page (no session cookie) is kept per address, language and theme, with the API answers it was
 * rendered from: the next visitor's request reads those again (a hot thread's is the JSON read's own cache)
 * and gets the kept page, already compressed, when they are byte for byte the same. Any write that changes a
 * thread changes its answer, so no page outlives its data; the TTL bounds what the API answers do not show
 * (a relative date's wording).
 */
export class PageRenderer {
  private readonly pages = new LRUCache<string, Cached>({ max: 1000, ttl: 60_000 });

  private constructor(
    private readonly entry: Entry,
    private readonly app: FastifyInstance,
  ) {}

  /** The renderer built with the web app, or null when there is none (pages then render in the browser). */
  static async open(file: string, app: FastifyInstance): Promise<PageRenderer | null> {
    if (!existsSync(file)) return null;
    const entry = (await import(pathToFileURL(file).href)) as Entry;
    return typeof entry.loadPage === 'function' ? new PageRenderer(entry, app) : null;
  }

  /** The reader's language and theme, from their cookies (set by the web app), else their browser's. */
  static preferences(request: FastifyRequest): { locale: Locale | null; theme: 'light' | 'dark' | null } {
    const cookieLocale = request.cookies[LOCALE_COOKIE];
    const theme = request.cookies[THEME_COOKIE];
    return {
      locale:
        cookieLocale === 'fr' || cookieLocale === 'en'
          ? cookieLocale
          : acceptedLocale(request.headers['accept-language']),
      theme: theme === 'light' || theme === 'dark' ? theme : null,
    };
  }

  /**
   * The page for the request, wrapped by `compose` (the shell, its <head>); null when the address is not one the
   * server renders (member and staff pages).
   */
  async page(request: FastifyRequest, compose: Compose): Promise<PageAnswer | null> {
    const signedIn = Boolean(request.cookies[SESSION_COOKIE]);
    if (signedIn) return this.build(request, compose, null);
    const { locale, theme } = PageRenderer.preferences(request);
    const key = `${request.headers.host ?? ''}:${locale ?? '-'}:${theme ?? '-'}:${request.url}`;
    const kept = this.pages.get(key);
    if (kept && (await this.stillCurrent(key, kept, request))) return kept.answer;
    // Visitors arriving together for a page not kept (or changed) share one rendering of it.
    let pending = this.rendering.get(key);
    if (!pending) {
      pending = this.build(request, compose, key).finally(() => this.rendering.delete(key));
      this.rendering.set(key, pending);
    }
    return pending;
  }

  private readonly rendering = new Map<string, Promise<PageAnswer | null>>();

  /** Renders the page from fresh API reads; a visitor's (`key`) is kept with those reads, compressed once. */
  private async build(request: FastifyRequest, compose: Compose, key: string | null): Promise<PageAnswer | null> {
    const reads: Read[] = [];
    const fetch = async (apiRequest: Request): Promise<Response> => {
      const url = new URL(apiRequest.url);
      const read = await this.read(request, url.pathname + url.search);
      reads.push(read);
      return new Response(read.status === 204 ? null : new Uint8Array(read.body), {
        status: read.status,
        headers: { 'content-type': 'application/json' },
      });
    };
    const { locale } = PageRenderer.preferences(request);
    const loaded = await this.entry.loadPage({ url: request.url, fetch, locale, signedIn: key === null });
    if (!loaded) return null;
    const { status, html } = await compose({
      status: loaded.status,
      locale: loaded.locale,
      source: loaded.source,
      ...loaded.render(),
    });
    const body = Buffer.from(html);
    const answer: PageAnswer = { status, html: body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
    if (key && status === 200) {
      [answer.br, answer.gzip] = await Promise.all([
        brotli(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 6 } }),
        gzipAsync(body, { level: 6 }),
      ]);
      this.pages.set(key, { answer, reads });
    }
    return answer;
  }

  /** An API read as the reader's browser would make it: their cookies, language and address. */
  private async read(request: FastifyRequest, url: string): Promise<Read> {
    const headers: Record<string, string> = { host: request.headers.host ?? 'localhost' };
    if (request.headers.cookie) headers.cookie = request.headers.cookie;
    if (request.headers['accept-language']) headers['accept-language'] = request.headers['accept-language'];
    const res = await this.app.inject({ method: 'GET', url, headers, remoteAddress: request.ip });
    return { url, status: res.statusCode, body: res.rawPayload };
  }

  /**
   * Visitors asking for one kept page at the same moment share one re-validation: while one is in flight, the
   * others wait for it rather than each reading the API again (as the JSON read shares its version query). A
   * visitor may so get a page validated a moment before they asked; members never share.
   */
  private readonly validating = new Map<string, Promise<boolean>>();

  private stillCurrent(key: string, kept: Cached, request: FastifyRequest): Promise<boolean> {
    let pending = this.validating.get(key);
    if (!pending) {
      pending = this.unchanged(request, kept.reads).finally(() => this.validating.delete(key));
      this.validating.set(key, pending);
    }
    return pending;
  }

  /** Whether the API still answers what a kept page was rendered from. */
  private async unchanged(request: FastifyRequest, reads: Read[]): Promise<boolean> {
    const now = await Promise.all(reads.map((r) => this.read(request, r.url)));
    return now.every((r, i) => r.status === reads[i]!.status && r.body.equals(reads[i]!.body));
  }
}

/** The first of French or English in an Accept-Language header, by its order of preference. */
export function acceptedLocale(header: string | undefined): Locale | null {
  if (!header) return null;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = Number(
        params
          .find((p) => p.trim().startsWith('q='))
          ?.trim()
          .slice(2) ?? 1,
      );
      return { tag: tag.trim(), q: Number.isFinite(q) ? q : 0, index };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    if (tag === 'fr' || tag.startsWith('fr-')) return 'fr';
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
  }
  return null;
}
