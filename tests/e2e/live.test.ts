import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Category, Member } from '../../server/db/types.ts';
import { createCategory, createMember, createReply, createThread } from '../factories/index.ts';
import { shot, signIn, startSite, type Site } from './browser.ts';

let site: Site;
let category: Category;
let lea: Member;
let hugo: Member;
beforeAll(async () => {
  site = await startSite();
  // These members post fast and alike; the netiquette's own tests cover the flood and duplicate rules.
  await site.db
    .updateTable('netiquette_rules')
    .set({ enabled: false })
    .where('key', 'in', ['flood', 'duplicate'])
    .execute();
  category = await createCategory(site.db, { slug: 'bivouac', name: 'Bivouac' });
  lea = await createMember(site.db, { username: 'lea_rando', trustLevel: 2 });
  hugo = await createMember(site.db, { username: 'hugo_trail', trustLevel: 2 });
});
afterAll(() => site?.close());

describe('live updates, as members see them', () => {
  it('shows a reply posted by another member on an open thread, and rings the author’s bell', async () => {
    const { thread } = await createThread(site.db, lea, category.id, {
      title: 'Bivouac sous la neige : quel matelas ?',
      body: 'Je pars en février, R-value conseillée ?',
      kind: 'question',
    });
    const context = await site.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    await signIn(context, site, lea);
    const page = await context.newPage();
    await page.goto(`${site.url}/t/${thread.id}`);
    await page.getByRole('heading', { name: 'Bivouac sous la neige : quel matelas ?' }).waitFor();
    // The bell (its label says how many are unread: the badges of a first thread may already be there).
    await expect.poll(() => page.getByRole('button', { name: /^Notifications$|non lues?$/ }).count()).toBe(1);

    // Another member answers, through the API of the same server (as from their own browser).
    await createReply(site.db, hugo, thread.id, 'Vise une R-value de 5 au moins, avec un matelas mousse dessous.');
    await page.getByText('Vise une R-value de 5 au moins').waitFor({ timeout: 10_000 });
    const bell = page.getByRole('button', { name: /non lues? *$/ });
    await bell.waitFor({ timeout: 10_000 });
    await shot(page, 'live-thread-new-reply');

    // The bell's menu leads to the full page, where the notification says who replied where.
    await bell.click();
    await page.getByRole('dialog', { name: 'Notifications' }).getByRole('link', { name: 'Tout voir' }).click();
    await page.waitForURL(/\/notifications$/);
    await page.getByText(/hugo_trail a répondu dans « Bivouac sous la neige : quel matelas \? »/).waitFor();
    await page
      .getByText(/[Nn]ouveaux? badges?\s:\s.*Premier message/) // badges earned together are one notification
      .first()
      .waitFor();
    await shot(page, 'live-notifications');
    await context.close();
  });

  it('on a phone, a reader who is not at the end of the page gets a « new replies » bar instead of a jump', async () => {
    const { thread } = await createThread(site.db, lea, category.id, {
      title: 'Réchaud : gaz ou alcool ?',
      body: 'Pour une semaine en autonomie.',
      kind: 'question',
    });
    for (let i = 0; i < 8; i++)
      await createReply(
        site.db,
        i % 2 ? lea : hugo,
        thread.id,
        `Avis n° ${i + 1} : ${'le gaz chauffe plus vite, l’alcool est plus simple. '.repeat(4)}`,
      );
    const page = await site.browser.newPage({
      locale: 'fr-FR',
      viewport: { width: 390, height: 780 },
      isMobile: true,
      hasTouch: true,
    });
    await page.goto(`${site.url}/t/${thread.id}`);
    await page.getByRole('heading', { name: 'Réchaud : gaz ou alcool ?' }).waitFor();
    await page.waitForTimeout(300); // the socket opens
    await createReply(site.db, hugo, thread.id, 'Nouvelle réponse : le réchaud à bois, aussi !');
    await createReply(site.db, hugo, thread.id, 'Et pensez au pare-vent.');
    const bar = page.getByRole('button', { name: '2 nouvelles réponses' });
    await bar.waitFor({ timeout: 10_000 });
    expect(await page.getByText('Et pensez au pare-vent.').count()).toBe(0);
    await shot(page, 'live-phone-bar');
    await bar.click();
    await page.getByText('Nouvelle réponse : le réchaud à bois, aussi !').waitFor();
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);
    await page.close();
  });
});
