import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member } from '../../server/db/types.ts';
import { createCategory, createMember, createThread } from '../factories/index.ts';
import { shot, signIn, startSite, type Site } from './browser.ts';

/**
 * Categories in the console (issue 18): a community manager gives one an English name and an icon and puts it
 * under a parent; the home page shows it under its parent, the parent's page lists it and its threads, and an
 * English reader sees the English names.
 */
let site: Site;
let manager: Member;

beforeAll(async () => {
  site = await startSite();
  manager = await createMember(site.db, { role: 'community_manager' });
  const author = await createMember(site.db);
  const gear = await createCategory(site.db, { slug: 'materiel', name: 'Matériel' });
  const tents = await createCategory(site.db, { slug: 'tentes', name: 'Tentes et abris' });
  await createThread(site.db, author, gear.id, {
    title: 'Quel sac pour une semaine en autonomie ?',
    body: 'Entre 50 et 65 litres, je ne sais pas trancher.',
  });
  await createThread(site.db, author, tents.id, {
    title: 'Double toit qui goutte à la couture',
    body: 'Les coutures du double toit gouttent sous l’averse.',
  });
});
afterAll(() => site?.close());

describe('categories in the console', () => {
  it('gives a category an English name, an icon and a parent (French, laptop)', async () => {
    const context = await site.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    await signIn(context, site, manager);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));

    await page.goto(`${site.url}/admin`);
    await page.getByRole('button', { name: 'Modifier · Matériel' }).click();
    await page.getByLabel('Nom en anglais').fill('Gear');
    await page.getByLabel('Description en anglais').fill('Packs, stoves and boots');
    await page.getByLabel('shopping-bag').check();
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByRole('status').filter({ hasText: 'Enregistré.' }).waitFor();

    await page.getByRole('button', { name: 'Modifier · Tentes et abris' }).click();
    await page.getByLabel('Nom en anglais').fill('Tents and shelters');
    await page.getByLabel('Catégorie parente').selectOption({ label: 'Matériel' });
    await page.getByLabel('leaf').check();
    await shot(page, 'category-tree-editor-fr');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByRole('status').filter({ hasText: 'Enregistré.' }).waitFor();
    await page.locator('.row.child', { hasText: 'Sous-catégorie de Matériel' }).waitFor();
    await shot(page, 'category-tree-console-fr');

    await page.goto(`${site.url}/`);
    const subs = page.getByRole('list', { name: 'Sous-catégories de Matériel' });
    await expect(subs.textContent()).resolves.toContain('Tentes et abris');
    await shot(page, 'category-tree-home-fr');

    await page.goto(`${site.url}/c/materiel`);
    await page.getByRole('navigation', { name: 'Sous-catégories' }).getByText('Tentes et abris').waitFor();
    // The parent lists its sub-category's threads too.
    await page.getByText('Double toit qui goutte à la couture').waitFor();
    await page.getByText('Quel sac pour une semaine en autonomie ?').waitFor();
    await shot(page, 'category-tree-parent-fr');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows the English names, the parent in the breadcrumbs, and fits a phone (English)', async () => {
    const context = await site.browser.newContext({ locale: 'en-GB', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${site.url}/c/tentes`);
    await page.getByRole('heading', { name: 'Tents and shelters' }).waitFor();
    const crumbs = page.getByRole('navigation', { name: 'breadcrumb' });
    await expect(crumbs.textContent()).resolves.toContain('Gear');
    await expect(page.title()).resolves.toContain('Tents and shelters');
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await shot(page, 'category-tree-child-en-phone');

    await page.goto(`${site.url}/`);
    await page.getByRole('list', { name: 'Subcategories of Gear' }).getByText('Tents and shelters').waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await shot(page, 'category-tree-home-en-phone');

    await signIn(context, site, manager);
    await page.goto(`${site.url}/admin`);
    await page.getByRole('button', { name: 'Edit · Gear' }).waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await shot(page, 'category-tree-console-en-phone');
    await context.close();
  });
});
