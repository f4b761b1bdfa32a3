import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Category, Member } from '../../server/db/types.ts';
import { createCategory, createMember, createReply, createThread } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

/**
 * What search engines and feed readers fetch: robots.txt, the sitemaps and the feeds, with absolute links from
 * PUBLIC_URL, only what a visitor may see, and conditional requests answered with 304.
 */
const BASE = 'https://forum.example.com';
let t: TestApp;
let alice: Member;
let category: Category;
let published: number;
let hidden: number;
let held: number;
let deleted: number;

const get = (url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url, headers: { host: 'forum.test:3000', ...headers } });

beforeAll(async () => {
  t = await createTestApp({ PUBLIC_URL: BASE });
  alice = await createMember(t.db);
  category = await createCategory(t.db);
  published = (
    await createThread(t.db, alice, category.id, { title: 'Tente qui fuit à la couture', body: 'Que faire ?' })
  ).thread.id;
  await createReply(t.db, alice, published, 'Un joint de couture **silicone**.');
  const make = async (state: 'hidden' | 'pending' | 'deleted', title: string) => {
    const { thread } = await createThread(t.db, alice, category.id, { title });
    await t.db.updateTable('threads').set({ state }).where('id', '=', thread.id).execute();
    return thread.id;
  };
  hidden = await make('hidden', 'Sujet masqué par la modération');
  held = await make('pending', 'Sujet en attente de validation');
  deleted = await make('deleted', 'Sujet supprimé');
});
afterAll(() => t.close());

describe('crawler documents', () => {
  it('serves robots.txt pointing at the sitemap', async () => {
    const res = await get('/robots.txt');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain(`Sitemap: ${BASE}/sitemap.xml`);
    expect(res.body).toContain('Disallow: /api/');
  });

  it('lists only what a visitor may see in the sitemaps, with absolute URLs and last activity', async () => {
    const index = await get('/sitemap.xml');
    expect(index.statusCode).toBe(200);
    expect(index.body).toContain('<sitemapindex');
    expect(index.body).toContain(`<loc>${BASE}/sitemaps/threads-1.xml</loc>`);
    expect(index.body).toContain(`<loc>${BASE}/sitemaps/categories.xml</loc>`);
    const threads = await get('/sitemaps/threads-1.xml');
    expect(threads.statusCode).toBe(200);
    expect(threads.body).toMatch(new RegExp(`<url><loc>${BASE}/t/${published}</loc><lastmod>\\d{4}-\\d\\d-\\d\\dT`));
    for (const id of [hidden, held, deleted]) expect(threads.body).not.toContain(`/t/${id}<`);
    const categories = await get('/sitemaps/categories.xml');
    expect(categories.body).toContain(`<loc>${BASE}/c/${category.slug}</loc>`);
    expect((await get('/sitemaps/threads-2.xml')).statusCode).toBe(404);
    expect((await get('/sitemaps/threads-x.xml')).statusCode).toBe(400);
  });

  it('publishes RSS and Atom feeds of the latest threads, of a category and of a thread, without unpublished content', async () => {
    const latest = await get('/feeds/latest/rss');
    expect(latest.statusCode).toBe(200);
    expect(latest.headers['content-type']).toContain('application/rss+xml');
    expect(latest.body).toContain('Tente qui fuit à la couture');
    expect(latest.body).toContain(`${BASE}/t/${published}`);
    for (const title of ['Sujet masqué', 'Sujet en attente', 'Sujet supprimé'])
      expect(latest.body).not.toContain(title);
    const atom = await get(`/feeds/c/${category.slug}/atom`);
    expect(atom.statusCode).toBe(200);
    expect(atom.headers['content-type']).toContain('application/atom+xml');
    expect(atom.body).toContain('<feed');
    expect(atom.body).toContain('Tente qui fuit à la couture');
    const thread = await get(`/feeds/t/${published}/rss`);
    expect(thread.statusCode).toBe(200);
    expect(thread.body).toContain('silicone');
    expect((await get('/feeds/c/nope/rss')).statusCode).toBe(404);
  });

  it('answers 404 for a thread a visitor may not open and 410 once it is deleted', async () => {
    expect((await get(`/feeds/t/${hidden}/rss`)).statusCode).toBe(404);
    expect((await get(`/feeds/t/${held}/atom`)).statusCode).toBe(404);
    expect((await get(`/feeds/t/${deleted}/rss`)).statusCode).toBe(410);
    expect((await get('/feeds/t/99999999/rss')).statusCode).toBe(404);
  });

  it('answers conditional requests with 304', async () => {
    const first = await get('/sitemaps/threads-1.xml');
    const etag = String(first.headers.etag);
    const modified = String(first.headers['last-modified']);
    expect(etag).toMatch(/^".+"$/);
    expect((await get('/sitemaps/threads-1.xml', { 'if-none-match': etag })).statusCode).toBe(304);
    expect((await get('/sitemaps/threads-1.xml', { 'if-modified-since': modified })).statusCode).toBe(304);
    expect((await get('/sitemaps/threads-1.xml', { 'if-none-match': '"stale"' })).statusCode).toBe(200);
    // New activity changes the document: the old ETag no longer matches.
    await createReply(t.db, alice, published, 'Et un peu de seam grip.');
    expect((await get('/sitemaps/threads-1.xml', { 'if-none-match': etag })).statusCode).toBe(200);
  });
});
