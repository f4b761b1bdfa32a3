import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member } from '../../server/db/types.ts';
import { createCategory, createMember } from '../factories/index.ts';
import { shot, signIn, startSite, type Site } from './browser.ts';

/**
 * The console, as an administrator runs the community with it: a staff-only category, a member made moderator,
 * the site renamed in its brand's colour; and what a member then sees in the composer.
 */
let site: Site;
let admin: Member;
let reader: Member;

beforeAll(async () => {
  site = await startSite();
  admin = await createMember(site.db, { role: 'admin' });
  await createMember(site.db, { username: 'claire_rando' });
  reader = await createMember(site.db);
  await createCategory(site.db, { slug: 'randonnee', name: 'Randonnée & trek' });
});
afterAll(() => site?.close());

describe('the console', () => {
  it('lets an administrator create a staff-only category, give a role and rebrand the site (French, laptop)', async () => {
    const context = await site.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    await signIn(context, site, admin);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));

    await page.goto(`${site.url}/admin`);
    await page.getByRole('button', { name: 'Nouvelle catégorie' }).click();
    await page.getByLabel('Nom (français, par défaut)').fill('Annonces');
    await page.getByLabel('Adresse (slug)').fill('annonces');
    await page.getByLabel('Qui peut lancer un sujet').selectOption('staff');
    await page.getByLabel('Annonce', { exact: true }).check();
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByRole('status').filter({ hasText: 'Enregistré.' }).waitFor();
    await expect(page.locator('.row', { hasText: 'Annonces' }).textContent()).resolves.toContain('L’équipe seulement');
    await shot(page, 'admin-categories-fr');

    await page.getByRole('link', { name: 'Rôles' }).click();
    await page.getByLabel('Chercher un membre par nom ou e-mail').fill('claire');
    await page.getByLabel('Rôle de claire_rando').selectOption('moderator');
    await page.getByRole('status').filter({ hasText: 'claire_rando est maintenant : Modération.' }).waitFor();

    await page.getByRole('link', { name: 'Réglages du site' }).click();
    await page.getByLabel('Nom de la communauté').fill('Communauté Cime');
    await page.getByLabel('Inscriptions').selectOption('closed');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByRole('status').filter({ hasText: 'Enregistré.' }).waitFor();
    await expect.poll(() => page.locator('header .name').textContent()).toBe('Communauté Cime');
    await shot(page, 'admin-settings-fr');

    await page.getByRole('link', { name: 'Journal' }).click();
    await page.getByText('site.settings_changed').waitFor();
    await page.getByText('member.role_changed').waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('fits a phone, in English', async () => {
    const context = await site.browser.newContext({ locale: 'en-GB', viewport: { width: 390, height: 844 } });
    await signIn(context, site, admin);
    const page = await context.newPage();
    await page.goto(`${site.url}/admin`);
    await page.getByRole('heading', { name: 'Console' }).waitFor();
    await page.locator('.row').first().waitFor();
    const width = await page.evaluate('document.documentElement.scrollWidth');
    await shot(page, 'admin-categories-en-phone');
    expect(width).toBeLessThanOrEqual(390);
    await context.close();
  });

  it('lets a community manager change the limits and the leaderboards live (English, phone)', async () => {
    const manager = await createMember(site.db, { role: 'community_manager' });
    const context = await site.browser.newContext({ locale: 'en-GB', viewport: { width: 390, height: 844 } });
    await signIn(context, site, manager);
    const page = await context.newPage();
    await page.goto(`${site.url}/admin?tab=community`);
    // A community manager's console has no site settings or audit log.
    await page.getByRole('link', { name: 'Community' }).waitFor();
    expect(await page.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    await page.getByLabel('Title: longest length').fill('120');
    await page.getByLabel('Show staff in leaderboards').check();
    await page.getByLabel('Level 1').fill('25');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await shot(page, 'admin-community-en-phone');
    const settings = await site.db
      .selectFrom('site_settings')
      .select(['key', 'value'])
      .where('key', 'in', ['community', 'moderation'])
      .execute();
    const byKey = Object.fromEntries(settings.map((r) => [r.key, r.value]));
    expect(byKey.community).toMatchObject({ titleMax: 120, staffInLeaderboards: true });
    expect((byKey.moderation as { postSampling: number[] }).postSampling[1]).toBe(0.25);
    await context.close();
  });

  it('gives a member a composer without the staff-only category, and no sign-up while closed', async () => {
    const context = await site.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    // claire_rando is a moderator now (above): another member.
    await signIn(context, site, reader);
    const page = await context.newPage();
    await page.goto(`${site.url}/new`);
    const options = page.locator('#category option');
    await options.first().waitFor({ state: 'attached' });
    expect(await options.allTextContents()).toEqual(['Randonnée & trek']);
    await context.close();

    const visitor = await site.browser.newPage({ locale: 'fr-FR' });
    await visitor.goto(`${site.url}/register`);
    await visitor.getByText('Les inscriptions sont fermées pour le moment.').waitFor();
    expect(await visitor.getByRole('link', { name: "S'inscrire" }).count()).toBe(0);
    await visitor.close();
  });
});
