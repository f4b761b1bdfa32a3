import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member } from '../../server/db/types.ts';
import { createCategory, createMember, createThread } from '../factories/index.ts';
import { shot, signIn, startSite, type Site } from './browser.ts';

let site: Site;
let lea: Member;
beforeAll(async () => {
  site = await startSite();
  await site.db
    .updateTable('netiquette_rules')
    .set({ enabled: false })
    .where('key', 'in', ['flood', 'duplicate'])
    .execute();
  const category = await createCategory(site.db, { slug: 'rando', name: 'Randonnée' });
  const brand = await createMember(site.db, { username: 'equipe_marque', role: 'community_manager' });
  lea = await createMember(site.db, { username: 'lea_rando', trustLevel: 2 });
  const guide = await createThread(site.db, brand, category.id, {
    title: 'Le guide des tailles de chaussures',
    kind: 'tip',
  });
  const contest = await createThread(site.db, brand, category.id, {
    title: 'Concours photo de l’été',
    kind: 'discussion',
  });
  await site.db
    .updateTable('threads')
    .set({ featured: true, official: true })
    .where('id', 'in', [guide.thread.id, contest.thread.id])
    .execute();
  await createThread(site.db, brand, category.id, {
    title: 'Nouvelle collection printemps : les précommandes sont ouvertes',
    kind: 'announcement',
  });
  await createThread(site.db, lea, category.id, { title: 'Mes chaussures prennent l’eau', kind: 'question' });
});
afterAll(() => site?.close());

describe('the home page puts the brand’s highlights first', () => {
  it('shows featured threads and the announcement, which a member dismisses for good', async () => {
    const context = await site.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    await signIn(context, site, lea);
    const page = await context.newPage();
    await page.goto(site.url);
    const banner = page.getByRole('complementary', { name: 'Annonce' });
    await banner.getByRole('link', { name: /Nouvelle collection printemps/ }).waitFor();
    await page.getByRole('heading', { name: 'À la une' }).waitFor();
    await page
      .getByRole('link', { name: /Le guide des tailles de chaussures/ })
      .first()
      .waitFor();
    await shot(page, 'home-featured');
    await banner.getByRole('button', { name: 'Masquer cette annonce' }).click();
    await page.reload();
    await page.getByRole('heading', { name: 'À la une' }).waitFor();
    expect(await page.getByRole('complementary', { name: 'Annonce' }).count()).toBe(0);
    await context.close();
  });

  it("keeps a visitor's dismissal of the announcement in this browser, over the server-rendered page", async () => {
    const context = await site.browser.newContext({ locale: 'fr-FR', viewport: { width: 412, height: 860 } });
    const page = await context.newPage();
    await page.goto(site.url);
    const banner = page.getByRole('complementary', { name: 'Annonce' });
    await banner.getByRole('link', { name: /Nouvelle collection printemps/ }).waitFor();
    await page.waitForFunction('document.documentElement.dataset.ready !== undefined');
    await banner.getByRole('button', { name: 'Masquer cette annonce' }).click();
    await expect.poll(() => banner.count()).toBe(0);
    const served = await page.reload();
    // The server does not know of it (no session): its page has the banner, which the browser then takes away.
    expect(await served!.text()).toContain('Nouvelle collection printemps');
    await page.getByRole('heading', { name: 'À la une' }).waitFor();
    await expect.poll(() => banner.count()).toBe(0);
    await context.close();
  });
});
