import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member } from '../../server/db/types.ts';
import { createCategory, createMember } from '../factories/index.ts';
import { shot, signIn, startSite, type Site } from './browser.ts';

let site: Site;
let manager: Member;
beforeAll(async () => {
  site = await startSite();
  await createCategory(site.db, { slug: 'evenements', name: 'Événements' });
  manager = await createMember(site.db, { username: 'equipe_marque', role: 'community_manager' });
});
afterAll(() => site?.close());

describe('seeding: a community manager schedules a topic', () => {
  it('writes it with a date, finds it in the calendar, and members do not see it yet', async () => {
    const soon = new Date(Date.now() + 60 * 86_400_000);
    const inTwoMonths = `${soon.getFullYear()}-${String(soon.getMonth() + 1).padStart(2, '0')}-${String(soon.getDate()).padStart(2, '0')}T07:30`;
    const context = await site.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    await signIn(context, site, manager);
    const page = await context.newPage();
    await page.goto(`${site.url}/new`);
    // A template fills the kind, the title and the body; the manager then writes over them.
    await page.getByLabel('Partir d’un modèle').selectOption({ label: 'Question de la semaine' });
    await expect.poll(() => page.getByLabel('Titre').inputValue()).toBe('Question de la semaine : …');
    await expect
      .poll(() => page.getByRole('textbox', { name: 'Message' }).inputValue())
      .toContain('Chaque semaine, une question');
    await page.getByLabel('Titre').fill('Question de la semaine : votre plus beau lever de soleil');
    await page.getByRole('textbox', { name: 'Message' }).fill('Partagez vos photos et l’endroit où vous étiez !');
    await page.getByLabel('Programmer la publication (facultatif)').fill(inTwoMonths);
    await page.getByRole('button', { name: 'Programmer', exact: true }).click();
    await page.waitForURL(/\/scheduled$/);
    await page.getByRole('button', { name: 'Suivant' }).waitFor(); // the calendar has loaded
    // The month view opens on this month: the topic is two months ahead.
    const item = page.getByRole('button', { name: /07:30 Question de la semaine : votre plus beau lever de soleil/ });
    for (let i = 0; i < 3 && !(await item.isVisible()); i++) {
      await page.getByRole('button', { name: 'Suivant' }).click();
    }
    await item.waitFor();
    await shot(page, 'scheduled-calendar');
    await page.getByRole('button', { name: 'Semaine', exact: true }).click();
    await page.getByRole('button', { name: 'Aujourd’hui' }).click();
    expect(await item.isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Mois', exact: true }).click();
    for (let i = 0; i < 3 && !(await item.isVisible()); i++) {
      await page.getByRole('button', { name: 'Suivant' }).click();
    }

    // Moved three days later by its date field, then opened: its page says it is scheduled, with no reply box.
    await item.click();
    const dialog = page.getByRole('dialog');
    const later = new Date(soon.getTime() + 3 * 86_400_000);
    const moved = `${later.getFullYear()}-${String(later.getMonth() + 1).padStart(2, '0')}-${String(later.getDate()).padStart(2, '0')}T18:00`;
    await dialog.getByLabel('Nouvelle date de publication').fill(moved);
    await dialog.getByRole('button', { name: 'Reprogrammer' }).click();
    await page.getByRole('status').filter({ hasText: 'est reprogrammé' }).waitFor();
    const movedItem = page.getByRole('button', { name: /18:00 Question de la semaine/ });
    if (later.getMonth() !== soon.getMonth()) await page.getByRole('button', { name: 'Suivant' }).click();
    await movedItem.click();
    await page.getByRole('dialog').getByRole('link', { name: 'Ouvrir le sujet' }).click();
    await page.getByText(/Sujet programmé : il paraîtra le/).waitFor();
    expect(await page.getByRole('button', { name: 'Répondre' }).count()).toBe(0);
    expect(await page.locator('#reply').count()).toBe(0);
    await shot(page, 'scheduled-thread-page');
    const visitor = await site.browser.newPage();
    await visitor.goto(site.url);
    await visitor.getByRole('heading').first().waitFor();
    expect(await visitor.getByText('votre plus beau lever de soleil').count()).toBe(0);
    await context.close();
  });

  it('lists the planned days on a phone, and withdraws a topic after asking (English)', async () => {
    const inTwoDays = new Date(Date.now() + 2 * 86_400_000);
    inTwoDays.setHours(9, 15, 0, 0);
    const created = await site.db
      .selectFrom('categories')
      .select('id')
      .where('slug', '=', 'evenements')
      .executeTakeFirstOrThrow();
    const context = await site.browser.newContext({ locale: 'en-GB', viewport: { width: 390, height: 844 } });
    await signIn(context, site, manager);
    const api = context.request;
    const res = await api.post(`${site.url}/api/threads`, {
      headers: { origin: site.url },
      data: {
        categoryId: created.id,
        title: 'Repair café on Saturday',
        body: 'Bring your torn tents.',
        kind: 'discussion',
        publishAt: inTwoDays.toISOString(),
      },
    });
    expect(res.status()).toBe(201);
    const page = await context.newPage();
    await page.goto(`${site.url}/scheduled`);
    const item = page.getByRole('button', { name: /09:15 Repair café on Saturday/ });
    await page.getByRole('button', { name: 'Next' }).waitFor(); // the calendar has loaded
    // Two days ahead may fall in next month.
    if (inTwoDays.getMonth() !== new Date().getMonth()) await page.getByRole('button', { name: 'Next' }).click();
    await item.click();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await shot(page, 'scheduled-dialog-phone');
    await page.getByRole('button', { name: 'Cancel publication' }).click();
    await page.getByRole('button', { name: 'Yes, cancel publication' }).click();
    await page.getByRole('status').filter({ hasText: 'will not come out' }).waitFor();
    expect(await item.count()).toBe(0);
    await context.close();
  });
});
