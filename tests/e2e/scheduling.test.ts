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
    await page.getByRole('link', { name: 'Question de la semaine : votre plus beau lever de soleil' }).waitFor();
    await page.getByText('07:30').waitFor();
    await shot(page, 'scheduled-calendar');
    const visitor = await site.browser.newPage();
    await visitor.goto(site.url);
    await visitor.getByRole('heading').first().waitFor();
    expect(await visitor.getByText('votre plus beau lever de soleil').count()).toBe(0);
    await context.close();
  });
});
