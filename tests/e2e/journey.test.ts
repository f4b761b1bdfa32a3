import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCategory, createMember, createThread } from '../factories/index.ts';
import { shot, startSite, type Site } from './browser.ts';

let site: Site;
beforeAll(async () => {
  site = await startSite();
  await createCategory(site.db, { slug: 'randonnee', name: 'Randonnée & trek' });
});
afterAll(() => site?.close());

describe('a newcomer, in French', () => {
  it('registers, starts a thread, replies, and sees both posts', async () => {
    const context = await site.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));

    await page.goto(`${site.url}/`);
    await page.getByRole('link', { name: "S'inscrire" }).first().click();
    await page.getByLabel("Nom d'utilisateur").fill('camille_rando');
    await page.getByLabel('Adresse e-mail').fill('camille@example.test');
    await page.getByLabel('Mot de passe').fill('un mot de passe solide');
    await page.getByLabel("J'ai lu et j'accepte la netiquette de la communauté").check();
    await page.getByRole('button', { name: 'Créer mon compte' }).click();
    await page.getByRole('link', { name: 'Nouveau sujet' }).waitFor();

    await page.getByRole('link', { name: 'Nouveau sujet' }).click();
    await page.getByLabel('Catégorie').selectOption({ label: 'Randonnée & trek' });
    await page.getByText('Question', { exact: true }).click();
    await page.getByLabel('Titre').fill('Quelle pointure pour les Crête 2 ?');
    await page.locator('#composer-body').fill('Je chausse du **42** en ville. Faut-il prendre plus grand ?');
    // The live preview comes from the server's renderer.
    await expect.poll(() => page.locator('.preview strong').textContent()).toBe('42');
    await page.getByRole('button', { name: 'Publier' }).click();

    await page.getByRole('heading', { level: 1, name: 'Quelle pointure pour les Crête 2 ?' }).waitFor();
    await page.locator('#composer-body').fill('Je réponds à ma propre question : *une demi-pointure* de plus.');
    await page.getByRole('button', { name: 'Envoyer la réponse' }).click();
    await page.locator('#post-2').waitFor();

    const posts = page.locator('article.post');
    expect(await posts.count()).toBe(2);
    expect(await posts.nth(0).locator('.body').innerText()).toContain('Je chausse du 42 en ville');
    expect(await posts.nth(1).locator('.body em').innerText()).toBe('une demi-pointure');
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    await shot(page, 'thread-fr-desktop');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.evaluate('window.scrollTo(0, 0)');
    await shot(page, 'thread-fr-phone');
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('reading, in English and dark theme', () => {
  it('shows the home page and a thread to a visitor, with the language switch', async () => {
    const author = await createMember(site.db, { username: 'marc_alpin' });
    const category = await createCategory(site.db, { slug: 'bivouac', name: 'Camping & bivouac' });
    const { thread } = await createThread(site.db, author, category.id, {
      title: 'Hamac ou tente : le grand débat',
      body: 'Je suis passé au **hamac** cet été.',
    });
    const context = await site.browser.newContext({
      locale: 'en-GB',
      colorScheme: 'dark',
      viewport: { width: 1280, height: 900 },
    });
    const page = await context.newPage();
    await page.goto(`${site.url}/`);
    await page.getByRole('heading', { name: 'Latest discussions' }).waitFor();
    await page.getByRole('link', { name: 'Hamac ou tente : le grand débat' }).waitFor();
    expect(await page.locator('html').getAttribute('data-theme')).toBe('dark');
    await shot(page, 'home-en-dark');

    await page.getByRole('link', { name: 'Hamac ou tente : le grand débat' }).click();
    await page.getByRole('link', { name: 'Log in to reply' }).waitFor();
    expect(page.url()).toContain(`/t/${thread.id}`);

    await page.getByRole('button', { name: 'Langue : français' }).click();
    await page.getByRole('link', { name: 'Connectez-vous pour répondre' }).waitFor();

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${site.url}/`);
    await page.getByRole('heading', { name: 'Dernières discussions' }).waitFor();
    // Nothing wider than the phone: no sideways scrolling.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await shot(page, 'home-fr-dark-phone');
    await context.close();
  });

  it('answers an unknown page with the not-found screen', async () => {
    const page = await site.browser.newPage({ locale: 'fr-FR' });
    await page.goto(`${site.url}/nulle-part`);
    await page.getByRole('heading', { name: 'Page introuvable' }).waitFor();
    await page.close();
  });
});

describe('choices stored in this browser before the server knew of them', () => {
  it('takes up a stored theme and language on a server-rendered page, and tells the server for the next one', async () => {
    const context = await site.browser.newContext({ locale: 'fr-FR', colorScheme: 'light' });
    const page = await context.newPage();
    await page.goto(`${site.url}/`);
    await page.getByRole('heading', { name: 'Dernières discussions' }).waitFor();
    // Chosen here once, the cookies since lost: the server renders in French and light.
    await page.evaluate("localStorage.setItem('agora.theme', 'dark'); localStorage.setItem('agora.locale', 'en')");
    await context.clearCookies();
    const served = await page.reload();
    expect(await served!.text()).toContain('<html lang="fr">');
    await page.getByRole('heading', { name: 'Latest discussions' }).waitFor();
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('dark');
    const cookies = Object.fromEntries((await context.cookies()).map((c) => [c.name, c.value]));
    expect(cookies).toMatchObject({ 'agora.theme': 'dark', 'agora.locale': 'en' });
    // The next page comes from the server in the stored choices.
    const next = await page.reload();
    expect(await next!.text()).toMatch(/<html lang="en" data-theme="dark">/);
    await context.close();
  });
});
