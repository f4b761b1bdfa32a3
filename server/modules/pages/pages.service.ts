import { Feed } from 'feed';
import { canSeeCategory } from '../../access/visibility.ts';
import type { Db } from '../../db/kysely.ts';
import { GoneError, NotFoundError } from '../../lib/errors.ts';
import { BRAND_IMAGE, SiteSettingsRepository } from '../site/index.ts';
import { escapeMarkup, type HeadPost, headMarkup, type PageHead, simpleHead, threadHead } from './head.ts';
import { PagesRepository } from './pages.repository.ts';

/** At most this many URLs in one sitemap file (the sitemaps protocol's limit). */
export const SITEMAP_URLS = 50_000;
const FEED_ITEMS = 30;

/** A document for crawlers and feed readers, with what conditional requests are answered from. */
export interface PublicDocument {
  body: string;
  type: string;
  lastModified: Date | null;
}

/**
 * What search engines and feed readers read: robots.txt, a sitemap index with sitemap files of at most
 * 50 000 URLs, and RSS/Atom feeds of the latest threads, of a category and of a thread. Only what a visitor may
 * see (published threads and posts); a removed thread's feed answers 404, a deleted one's 410.
 */
export class PagesService {
  private readonly pages: PagesRepository;
  private readonly settings: SiteSettingsRepository;

  constructor(
    db: Db,
    private readonly pageSize: number,
  ) {
    this.pages = new PagesRepository(db);
    this.settings = new SiteSettingsRepository(db);
  }

  robots(base: string): PublicDocument {
    const body = [
      'User-agent: *',
      // Members' own pages and the API hold nothing a search engine should index.
      'Disallow: /api/',
      'Disallow: /new',
      'Disallow: /notifications',
      'Disallow: /moderation',
      'Disallow: /search',
      '',
      `Sitemap: ${base}/sitemap.xml`,
      '',
    ].join('\n');
    return { body, type: 'text/plain; charset=utf-8', lastModified: null };
  }

  /** The index: the categories' sitemap and one file per 50 000 threads. */
  async sitemapIndex(base: string): Promise<PublicDocument> {
    const { count, lastActivity } = await this.pages.threadTotals();
    const files = Math.max(1, Math.ceil(count / SITEMAP_URLS));
    const lastmod = lastActivity ? `<lastmod>${lastActivity.toISOString()}</lastmod>` : '';
    const entries = [`<sitemap><loc>${escapeMarkup(`${base}/sitemaps/categories.xml`)}</loc>${lastmod}</sitemap>`];
    for (let n = 1; n <= files; n++) {
      entries.push(`<sitemap><loc>${escapeMarkup(`${base}/sitemaps/threads-${n}.xml`)}</loc>${lastmod}</sitemap>`);
    }
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${entries.join('\n')}\n</sitemapindex>\n`;
    return { body, type: 'application/xml; charset=utf-8', lastModified: lastActivity };
  }

  /** Sitemap file `n` (from 1): its threads, each with the date of its last activity. */
  async sitemapThreads(base: string, n: number): Promise<PublicDocument> {
    const rows = await this.pages.sitemapThreads((n - 1) * SITEMAP_URLS, SITEMAP_URLS);
    if (rows.length === 0 && n > 1) throw new NotFoundError('sitemap.not_found', 'No such sitemap file.');
    const urls = rows.map(
      (r) =>
        `<url><loc>${escapeMarkup(`${base}/t/${r.id}`)}</loc><lastmod>${new Date(r.last_post_at).toISOString()}</lastmod></url>`,
    );
    const last = rows.reduce<Date | null>((max, r) => {
      const at = new Date(r.last_post_at);
      return !max || at > max ? at : max;
    }, null);
    return { body: urlset(urls), type: 'application/xml; charset=utf-8', lastModified: last };
  }

  async sitemapCategories(base: string): Promise<PublicDocument> {
    const rows = await this.pages.categories();
    const urls = [`<url><loc>${escapeMarkup(`${base}/`)}</loc></url>`].concat(
      rows.map((c) => {
        const lastmod = c.last ? `<lastmod>${new Date(c.last).toISOString()}</lastmod>` : '';
        return `<url><loc>${escapeMarkup(`${base}/c/${encodeURIComponent(c.slug)}`)}</loc>${lastmod}</url>`;
      }),
    );
    const last = rows.reduce<Date | null>(
      (max, c) => (c.last && (!max || new Date(c.last) > max) ? new Date(c.last) : max),
      null,
    );
    return { body: urlset(urls), type: 'application/xml; charset=utf-8', lastModified: last };
  }

  /** The newest threads, of the whole community or of one category (by slug), as RSS or Atom. */
  async latestFeed(base: string, format: 'rss' | 'atom', slug?: string): Promise<PublicDocument> {
    const category = slug === undefined ? null : await this.pages.categoryBySlug(slug);
    if (slug !== undefined && !category) throw new NotFoundError('category.not_found', 'No such category.');
    const name = await this.siteName();
    const threads = await this.pages.latestThreads(category?.id ?? null, FEED_ITEMS);
    const link = category ? `${base}/c/${encodeURIComponent(category.slug)}` : `${base}/`;
    const feed = new Feed({
      id: link,
      link,
      title: category ? `${category.name} · ${name}` : name,
      description: category?.description || undefined,
      copyright: name,
      updated: threads[0] ? new Date(threads[0].created_at) : undefined,
      feedLinks: {
        [format]: `${base}/feeds${category ? `/c/${encodeURIComponent(category.slug)}` : '/latest'}/${format}`,
      },
    });
    for (const t of threads) {
      feed.addItem({
        id: `${base}/t/${t.id}`,
        link: `${base}/t/${t.id}`,
        title: t.title,
        date: new Date(t.created_at),
        author: [{ name: t.display_name || t.username, link: `${base}/u/${encodeURIComponent(t.username)}` }],
        content: t.body_html,
      });
    }
    const last = threads[0] ? new Date(threads[0].created_at) : null;
    return render(feed, format, last);
  }

  /** A thread's newest posts, as RSS or Atom; 404 for a thread a visitor may not open, 410 once deleted. */
  async threadFeed(base: string, format: 'rss' | 'atom', id: number): Promise<PublicDocument> {
    const thread = await this.pages.threadHead(id);
    if (thread?.state === 'deleted') throw new GoneError('thread.gone', 'This thread was deleted.');
    if (!thread || thread.state !== 'published') throw new NotFoundError('thread.not_found', 'No such thread.');
    const name = await this.siteName();
    const posts = await this.pages.latestPosts(id, FEED_ITEMS);
    const link = `${base}/t/${id}`;
    const feed = new Feed({
      id: link,
      link,
      title: `${thread.title} · ${name}`,
      copyright: name,
      updated: new Date(thread.last_post_at),
      feedLinks: { [format]: `${base}/feeds/t/${id}/${format}` },
    });
    for (const p of posts) {
      const page = Math.ceil(p.number / this.pageSize);
      feed.addItem({
        id: `${link}#post-${p.number}`,
        link: `${link}${page > 1 ? `?page=${page}` : ''}#post-${p.number}`,
        title: p.number === 1 ? thread.title : `#${p.number} · ${thread.title}`,
        date: new Date(p.created_at),
        author: [{ name: p.display_name || p.username, link: `${base}/u/${encodeURIComponent(p.username)}` }],
        content: p.body_html,
      });
    }
    return render(feed, format, new Date(thread.last_post_at));
  }

  /**
   * The <head> of the page at `url` and the status to answer with: a thread's own title, description, canonical
   * and structured data; 404 for a thread a visitor may not open (or no such thread, category or member), 410 once
   * deleted. Pages without their own head (staff pages, forms) get the site's.
   */
  async pageHead(
    url: string,
    base: string,
  ): Promise<{ status: number; markup: string; lang: string; accent: string | null; favicon: string | null }> {
    const settings = await this.settings.getAll();
    const accent =
      typeof settings.accentColor === 'string' && /^#[0-9a-f]{6}$/i.test(settings.accentColor)
        ? settings.accentColor
        : null;
    const favicon =
      typeof settings.favicon === 'string' && BRAND_IMAGE.favicon.test(settings.favicon) ? settings.favicon : null;
    const name = nameOf(settings.name);
    const about = typeof settings.tagline === 'string' && settings.tagline ? settings.tagline : name;
    const lang = settings.defaultLocale === 'en' ? 'en' : 'fr';
    const { pathname, searchParams } = new URL(url, 'http://x');
    const done = (head: PageHead, status = 200) => ({ status, markup: headMarkup(head, name), lang, accent, favicon });
    const plain = (title: string, status = 200) => done(simpleHead(title, about, `${base}${pathname}`), status);
    const thread = /^\/t\/([1-9]\d{0,9})$/.exec(pathname);
    if (thread) {
      const id = Number(thread[1]);
      const row = id <= 2_147_483_647 ? await this.pages.threadForHead(id) : undefined;
      if (row?.state === 'deleted') return plain(name, 410);
      if (!row || row.state !== 'published') return plain(name, 404);
      // In a category not everyone sees, the head tells nothing, and the page's own reading (under the reader's
      // session, through the API) decides its status: 404 for whoever may not see it.
      if (!canSeeCategory(null, row)) return plain(name);
      const page = Math.min(Math.max(1, Number(searchParams.get('page')) || 1), 100_000);
      const from = (page - 1) * this.pageSize + 1;
      const [first, onPage] = await Promise.all([
        page === 1 ? Promise.resolve([]) : this.pages.postsForHead(id, 1, 1),
        this.pages.postsForHead(id, from, this.pageSize),
      ]);
      const posts = [...first, ...onPage].map((p): HeadPost => ({
        number: p.number,
        html: p.body_html,
        createdAt: new Date(p.created_at),
        likes: p.like_count,
        author: { username: p.username, displayName: p.display_name },
      }));
      const opening = posts.find((p) => p.number === 1) ?? null;
      return done(
        threadHead(
          {
            id,
            title: row.title,
            kind: row.kind,
            createdAt: new Date(row.created_at),
            category: { slug: row.category_slug, name: (lang === 'en' && row.category_name_en) || row.category_name },
            acceptedPostId: row.accepted_post_id,
            acceptedNumber: row.accepted_number ?? null,
            replyCount: row.reply_count,
            first: opening,
            replies: posts.filter((p) => p.number !== 1),
          },
          base,
          name,
          page,
        ),
      );
    }
    const category = /^\/c\/([^/]{1,100})$/.exec(pathname);
    if (category) {
      const slug = safeDecode(category[1]!);
      const found = await this.pages.categoryBySlug(slug);
      // A restricted category's page: as for its threads, the page's own reading decides (see above).
      if (!found) return plain(name, (await this.pages.categoryExists(slug)) ? 200 : 404);
      // The head is in the site's language: a category's English name and description when that is English.
      const [title, description] =
        lang === 'en'
          ? [found.name_en || found.name, found.description_en || found.description]
          : [found.name, found.description];
      return done(simpleHead(`${title} · ${name}`, description || about, `${base}/c/${found.slug}`));
    }
    const member = /^\/u\/([^/]{1,100})$/.exec(pathname);
    if (member) {
      const found = await this.pages.memberForHead(safeDecode(member[1]!));
      if (!found) return plain(name, 404);
      const shown = found.display_name ? `${found.display_name} (@${found.username})` : `@${found.username}`;
      return done(
        simpleHead(`${shown} · ${name}`, found.bio || about, `${base}/u/${encodeURIComponent(found.username)}`),
      );
    }
    if (pathname === '/') return done(simpleHead(name, about, `${base}/`));
    return plain(name);
  }

  private async siteName(): Promise<string> {
    return nameOf(await this.settings.get<unknown>('name'));
  }
}

/** The community's name as the settings hold it, or the product's. */
const nameOf = (value: unknown) => (typeof value === 'string' && value ? value : 'Agora');

/** A path segment as written; a malformed escape is kept as it is (it then matches nothing). */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function urlset(urls: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`;
}

function render(feed: Feed, format: 'rss' | 'atom', lastModified: Date | null): PublicDocument {
  return format === 'rss'
    ? { body: feed.rss2(), type: 'application/rss+xml; charset=utf-8', lastModified }
    : { body: feed.atom1(), type: 'application/atom+xml; charset=utf-8', lastModified };
}
