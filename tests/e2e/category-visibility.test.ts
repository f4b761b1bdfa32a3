import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member } from '../../server/db/types.ts';
import { createCategory, createMember, createThread } from '../factories/index.ts';
import { shot, signIn, startSite, type Site } from './browser.ts';

/**
 * Who may see a category, in the console (issue 18): a community manager makes a category staff-only; the editor
 * keeps who may start and reply no wider than who may see; staff see it with a lock, a visitor and a member
 * do not see it at all (home, its page, its thread). French on a laptop, English on a phone.
 */
let site: Site;
let manager: Member;
let member: Member;
let threadId: number;

beforeAll(async () => {
  site = await startSite();
  manager = await createMember(site.db, { role: 'community_manager' });
  member = await createMember(site.db, { trustLevel: 1 });
  await createCategory(site.db, { slug: 'accueil', name: 'Accueil' });
  const team = await createCategory(site.db, { slug: 'coulisses', name: 'Coulisses' });
  ({
    thread: { id: threadId },
  } = await createThread(site.db, manager, team.id, {
    title: 'Préparer le lancement de la saison',
    body: 'Les dates, les annonces et qui fait quoi.',
  }));
});
afterAll(() => site?.close());

describe('who may see a category, in the console', () => {
  it('makes a category staff-only, raising who may start and reply (French, laptop)', async () => {
    const context = await site.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    await signIn(context, site, manager);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));

    await page.goto(`${site.url}/admin`);
    await page.getByRole('button', { name: 'Modifier · Coulisses' }).click();
    const see = page.getByLabel('Qui peut voir');
    await expect(see.inputValue()).resolves.toBe('visitor');
    await see.selectOption({ label: 'L’équipe seulement' });
    // Who may start and reply follow: never wider than who may see.
    await expect(page.getByLabel('Qui peut lancer un sujet').inputValue()).resolves.toBe('staff');
    await expect(page.getByLabel('Qui peut répondre').inputValue()).resolves.toBe('staff');
    await expect(page.getByLabel('Qui peut répondre').locator('option[value="member"]').isDisabled()).resolves.toBe(
      true,
    );
    await shot(page, 'category-visibility-editor-fr');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByRole('status').filter({ hasText: 'Enregistré.' }).waitFor();
    const row = page.locator('.row', { hasText: 'Coulisses' });
    // The list is read again after the save: its row changes once that answer is in.
    await expect.poll(() => row.textContent()).toContain('Qui peut voir : L’équipe seulement');
    await row.getByRole('img', { name: 'Catégorie réservée : L’équipe seulement' }).waitFor();
    await shot(page, 'category-visibility-console-fr');

    // Staff see it on the home page, with its lock.
    await page.goto(`${site.url}/`);
    await page.getByRole('img', { name: 'Catégorie réservée : L’équipe seulement' }).first().waitFor();
    // Its threads carry the lock in the lists too.
    await page
      .locator('li', { hasText: 'Préparer le lancement de la saison' })
      .getByRole('img', { name: 'Catégorie réservée : L’équipe seulement' })
      .first()
      .waitFor();
    await shot(page, 'category-visibility-home-staff-fr');
    // And its thread, server-rendered for them.
    const opened = await page.goto(`${site.url}/t/${threadId}`);
    await page.getByRole('heading', { name: 'Préparer le lancement de la saison' }).waitFor();
    expect(opened?.status()).toBe(200);
    const category = await page.goto(`${site.url}/c/coulisses`);
    expect(category?.status()).toBe(200);
    await page.getByRole('heading', { name: 'Coulisses' }).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('hides it from a member and a visitor (French, laptop)', async () => {
    const context = await site.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    await signIn(context, site, member);
    const page = await context.newPage();
    await page.goto(`${site.url}/`);
    await page.getByText('Accueil').first().waitFor();
    await expect(page.content()).resolves.not.toContain('Coulisses');
    await page.goto(`${site.url}/t/${threadId}`);
    await expect(page.content()).resolves.not.toContain('Préparer le lancement');
    await shot(page, 'category-visibility-thread-member-fr');
    await context.close();

    const visitor = await site.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    const anonymous = await visitor.newPage();
    const res = await anonymous.goto(`${site.url}/t/${threadId}`);
    expect(res?.status()).toBe(404);
    expect((await anonymous.goto(`${site.url}/c/coulisses`))?.status()).toBe(404);
    await expect(anonymous.content()).resolves.not.toContain('Préparer le lancement');
    await visitor.close();
  });

  it('shows the select in English and fits a phone', async () => {
    const context = await site.browser.newContext({ locale: 'en-GB', viewport: { width: 390, height: 844 } });
    await signIn(context, site, manager);
    const page = await context.newPage();
    await page.goto(`${site.url}/admin`);
    await page.getByRole('button', { name: 'Edit · Coulisses' }).click();
    const see = page.getByLabel('Who may see');
    await expect(see.inputValue()).resolves.toBe('staff');
    await see.selectOption({ label: 'Trust level 2 and up' });
    await expect(page.getByLabel('Who may start a topic').inputValue()).resolves.toBe('staff');
    await page.getByText('Topics of a restricted category show in no list').waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await shot(page, 'category-visibility-editor-en-phone');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await page
      .locator('.row', { hasText: 'Coulisses' })
      .getByRole('img', { name: 'Restricted category: Trust level 2 and up' })
      .waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await shot(page, 'category-visibility-console-en-phone');
    await context.close();
  });
});
