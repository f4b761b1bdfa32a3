import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Category, Member } from '../../server/db/types.ts';
import { createCategory, createMember, createReply, createThread } from '../factories/index.ts';
import { shot, signIn, startSite, type Site } from './browser.ts';

let site: Site;
let category: Category;
let lea: Member;
let manager: Member;
beforeAll(async () => {
  site = await startSite();
  category = await createCategory(site.db, { slug: 'chaussures', name: 'Chaussures' });
  lea = await createMember(site.db, { username: 'lea_rando', trustLevel: 2 });
  manager = await createMember(site.db, { username: 'equipe_marque', role: 'community_manager' });
  const { thread } = await createThread(site.db, lea, category.id, {
    title: 'Quelle chaussure pour la randonnée en été ?',
    body: 'Je cherche une chaussure **légère** et respirante pour marcher tout l’été. <img src=x onerror=alert(1)>',
    kind: 'question',
  });
  await createReply(
    site.db,
    manager,
    thread.id,
    'Pour l’été, la gamme Aérée est faite pour vous : une chaussure basse et légère.',
  );
  await createThread(site.db, lea, category.id, {
    title: 'Astuce : l’entretien du cuir',
    body: 'Une cire naturelle, une fois par saison.',
    kind: 'tip',
  });
});
afterAll(() => site?.close());

describe('search, as members use it', () => {
  it('suggests titles in the header and shows highlighted results with filters', async () => {
    const page = await site.browser.newPage({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(site.url);
    const box = page.getByRole('combobox', { name: 'Rechercher dans la communauté' });
    await box.fill('chauss');
    await page.getByRole('option', { name: /Quelle chaussure pour la randonnée/ }).waitFor();
    await shot(page, 'search-suggestions');
    await box.fill('chaussures ete');
    await box.press('Enter');
    await page.waitForURL(/\/search\?q=chaussures/);
    await page.getByRole('heading', { name: 'Recherche' }).waitFor();
    const results = page.getByRole('list', { name: 'Résultats' }).getByRole('listitem');
    await results.first().waitFor();
    expect(await results.count()).toBe(2);
    // The matched words are marked; the text a member wrote stays text.
    expect(await page.locator('.results mark').first().textContent()).toMatch(/chaussure|été/i);
    expect(await page.locator('.results img').count()).toBe(0);
    await shot(page, 'search-results');

    await page.getByText('Filtres').click();
    await page.getByLabel('Type').selectOption('question');
    await page.waitForURL(/kind=question/);
    await page.getByLabel('Auteur').fill('equipe_marque');
    await page.getByLabel('Auteur').press('Tab');
    await page.waitForURL(/author=equipe_marque/);
    await results.first().waitFor();
    expect(await results.count()).toBe(1);
    await expect.poll(() => page.locator('.results .snippet').first().textContent()).toContain('gamme Aérée');
    await results
      .first()
      .getByRole('link', { name: /Quelle chaussure/ })
      .click();
    await page.waitForURL(/\/t\/\d+#post-2/);
    expect(dialogs).toEqual([]);
    await page.close();
  });

  it('shows a helpful empty state, and shows managers what found nothing', async () => {
    const page = await site.browser.newPage({ locale: 'fr-FR', viewport: { width: 390, height: 844 } });
    await page.goto(`${site.url}/search?q=${encodeURIComponent('semelles orthopédiques')}`);
    await page.getByText('Aucun résultat pour « semelles orthopédiques »').waitFor();
    await shot(page, 'search-empty-mobile');
    await page.close();

    const context = await site.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    await signIn(context, site, manager);
    const cm = await context.newPage();
    await cm.goto(`${site.url}/search`);
    await cm.getByRole('heading', { name: 'Recherches sans résultat (30 jours)' }).waitFor();
    await cm.getByRole('link', { name: 'semelles orthopédiques' }).waitFor();
    await shot(cm, 'search-misses');
    await cm.getByRole('link', { name: 'Lancer ce sujet' }).click();
    await cm.waitForURL(/\/new\?title=/);
    expect(await cm.getByLabel('Titre').inputValue()).toBe('semelles orthopédiques');
    await context.close();
  });

  it('works in English on a phone: the header keeps a search icon, results fit the width', async () => {
    const page = await site.browser.newPage({ locale: 'en-GB', viewport: { width: 390, height: 844 } });
    await page.goto(site.url);
    await page.getByRole('link', { name: 'Search', exact: true }).click();
    await page.getByRole('heading', { name: 'Search' }).waitFor();
    await page.locator('#search-q').fill('chaussure');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const results = page.getByRole('list', { name: 'Results' }).getByRole('listitem');
    await results.first().waitFor();
    expect(await results.count()).toBe(2);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await shot(page, 'search-results-en-mobile');
    await page.close();
  });

  it('shows similar threads while a member writes a new title', async () => {
    const context = await site.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    await signIn(context, site, lea);
    const page = await context.newPage();
    await page.goto(`${site.url}/new`);
    await page.getByLabel('Titre').fill('Chaussures légères pour l’été');
    await page.getByText('Des sujets proches existent déjà').waitFor();
    await page.getByRole('link', { name: 'Quelle chaussure pour la randonnée en été ?' }).waitFor();
    await shot(page, 'new-thread-similar');
    await context.close();
  });
});
