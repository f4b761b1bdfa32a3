import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member } from '../../server/db/types.ts';
import { TagsRepository } from '../../server/modules/social/tags.repository.ts';
import { createCategory, createMember, createReply, createThread } from '../factories/index.ts';
import { shot, signIn, startSite, type Site } from './browser.ts';

/**
 * Public pages come from the server already rendered: readable with JavaScript off, and taken over by the
 * browser (hydrated) without fetching their data again, without a layout shift, and interactive at once.
 */
let site: Site;
let member: Member;
let threadId: number;

beforeAll(async () => {
  site = await startSite();
  const author = await createMember(site.db);
  member = await createMember(site.db);
  const category = await createCategory(site.db, { slug: 'tentes', name: 'Tentes et abris' });
  threadId = (
    await createThread(site.db, author, category.id, {
      kind: 'question',
      title: 'Couture du double toit qui fuit',
      body: 'Ma tente **fuit** le long de la couture. Une idée ?',
    })
  ).thread.id;
  // Many voices, so that the netiquette's flood rule lets the thread fill up.
  const voices = await Promise.all(Array.from({ length: 22 }, () => createMember(site.db)));
  for (let i = 1; i <= 22; i++)
    await createReply(site.db, voices[i - 1]!, threadId, `Réponse numéro ${i} sur la couture.`);
  const tags = new TagsRepository(site.db);
  await tags.recount(await tags.setForThread(threadId, [await tags.create('couture', '', author.id)]));
});
afterAll(() => site?.close());

/** The page's cumulative layout shift so far (a script string: the tests' types have no DOM). */
const layoutShift = (page: import('playwright-core').Page) =>
  page.evaluate<number>(`new Promise((resolve) => {
    let total = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) total += entry.value;
    }).observe({ type: 'layout-shift', buffered: true });
    setTimeout(() => resolve(total), 300);
  })`);

describe('server-rendered pages', () => {
  it('can be read and paged through with JavaScript off', async () => {
    const context = await site.browser.newContext({ javaScriptEnabled: false, locale: 'fr-FR' });
    const page = await context.newPage();
    await page.goto(`${site.url}/t/${threadId}`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('Couture du double toit');
    await expect(page.locator('#post-1 strong').textContent()).resolves.toBe('fuit');
    await page.locator(`a[href="/t/${threadId}?page=2"]`).first().click();
    await page.locator('#post-23').waitFor();
    expect(await page.locator('#post-1').count()).toBe(0);
    await page.goto(`${site.url}/`);
    await page.getByRole('link', { name: 'Couture du double toit qui fuit' }).click();
    await page.waitForURL(`**/t/${threadId}`);
    await context.close();
  });

  it('are taken over by the browser without a second fetch, a shift or a warning, and respond at once', async () => {
    const context = await site.browser.newContext({ locale: 'fr-FR', viewport: { width: 412, height: 860 } });
    await signIn(context, site, member);
    const page = await context.newPage();
    const apiReads: string[] = [];
    const warnings: string[] = [];
    const scripts: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/api/') && r.method() === 'GET') apiReads.push(r.url());
      if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
    });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') warnings.push(m.text());
    });
    page.on('pageerror', (err) => warnings.push(err.message));

    await page.goto(`${site.url}/t/${threadId}`, { waitUntil: 'networkidle' });
    // The thread, the site and who is signed in all came with the page.
    expect(apiReads.filter((u) => /\/api\/(threads|site|me)\b/.test(u))).toEqual([]);
    // Its code in a few files (web/vite.config.ts groups the small shared modules): it was 53, one per icon.
    expect(scripts.length, scripts.join(' ')).toBeGreaterThan(0);
    expect(scripts.length, scripts.join(' ')).toBeLessThanOrEqual(12);
    expect(await layoutShift(page)).toBeLessThan(0.1);
    expect(warnings).toEqual([]);
    await shot(page, 'ssr-thread-phone');

    // Hydrated: a like is a click, answered in place.
    const like = page.locator('#post-1').getByRole('button', { name: /J'aime/ });
    await expect(like.getAttribute('aria-pressed')).resolves.toBe('false');
    await like.click();
    await expect.poll(() => like.getAttribute('aria-pressed')).toBe('true');

    // Client-side navigation from here on: the page is not reloaded.
    await page.evaluate('window.kept = 1');
    await page.locator('header a[href="/"]').first().click();
    await page.getByRole('heading', { name: 'Dernières discussions' }).waitFor();
    expect(await page.evaluate('window.kept')).toBe(1);
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'Couture du double toit qui fuit' }).waitFor();
    await expect.poll(() => page.title()).toContain('Couture du double toit qui fuit');
    await context.close();
  });

  it('come with their tag filter (home, a category), which hydration does not ask the API for again', async () => {
    const context = await site.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const tagReads: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/tags') tagReads.push(r.url());
    });
    for (const [url, next] of [
      ['/', '**/tags/couture'],
      ['/c/tentes', '**/c/tentes?tag=couture'],
    ] as const) {
      await page.goto(`${site.url}${url}`, { waitUntil: 'networkidle' });
      await page.locator('html[data-ready]').waitFor({ state: 'attached' });
      const filter = page.getByLabel('Étiquette', { exact: true });
      await expect(filter.locator('option').allTextContents()).resolves.toEqual(['Toutes', '#couture (1)']);
      expect(tagReads).toEqual([]);
      // Hydrated: choosing a tag goes to its list.
      await filter.selectOption('couture');
      await page.waitForURL(next);
    }
    await context.close();
  });

  it('switch language in place once hydrated, and the server renders the next page in it', async () => {
    const context = await site.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${site.url}/c/tentes?sort=top`);
    await page.getByRole('button', { name: /Language: English/ }).click();
    await page.getByRole('tab', { name: 'Top' }).waitFor();
    const html = await (await context.request.get(`${site.url}/c/tentes`)).text();
    expect(html).toMatch(/<html lang="en"/);
    await context.close();
  });
});
