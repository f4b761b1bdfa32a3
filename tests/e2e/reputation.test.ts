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
  category = await createCategory(site.db, { slug: 'randonnee', name: 'Randonnée & trek' });
  lea = await createMember(site.db, { username: 'lea_grimpe', trustLevel: 1 });
  manager = await createMember(site.db, { username: 'equipe_cime', role: 'community_manager' });
});
afterAll(() => site?.close());

describe('reputation, as members see it', () => {
  it('shows trust progress, badges and the ledger on a profile, and the author card on posts', async () => {
    const { thread } = await createThread(site.db, lea, category.id, {
      title: 'Mes conseils de laçage',
      body: 'Le nœud de blocage change tout.',
      kind: 'tip',
    });
    const others = await Promise.all([1, 2, 3].map((i) => createMember(site.db, { username: `fan_${i}` })));
    const context = await site.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    for (const fan of others) {
      const page = await context.newPage();
      await context.clearCookies();
      await signIn(context, site, fan);
      await page.goto(`${site.url}/t/${thread.id}`);
      await page.locator('#post-1').getByRole('button', { name: "J'aime" }).click();
      await page
        .locator('#post-1')
        .getByRole('button', { name: "J'aime" })
        .and(page.locator('[aria-pressed="true"]'))
        .waitFor();
      await page.close();
    }
    await createReply(site.db, others[0]!, thread.id, 'Merci, testé et approuvé.');

    const visitor = await site.browser.newPage({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    await visitor.goto(`${site.url}/t/${thread.id}`);
    await visitor.locator('#post-1').getByText('Niveau 1').waitFor();
    await visitor.locator('#post-1').getByRole('link', { name: 'Premier message' }).waitFor();

    await visitor.goto(`${site.url}/u/lea_grimpe`);
    await visitor.getByText('Pour passer au niveau 2 (Habitué) :').waitFor();
    await visitor.getByText('Historique de réputation').waitFor();
    expect(await visitor.locator('.ledger li').count()).toBeGreaterThanOrEqual(3);
    await shot(visitor, 'profile-reputation');

    await visitor.goto(`${site.url}/badges`);
    await visitor.getByRole('heading', { name: 'Or' }).waitFor();
    await shot(visitor, 'badges');
    await visitor.goto(`${site.url}/leaderboard?period=week`);
    await visitor.getByRole('link', { name: 'lea_grimpe' }).waitFor();
    await shot(visitor, 'leaderboard');
    await Promise.all([context.close(), visitor.close()]);
  });

  it('lets a community manager award a manual badge from the profile', async () => {
    const context = await site.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    await signIn(context, site, manager);
    const page = await context.newPage();
    await page.goto(`${site.url}/u/lea_grimpe`);
    await page.getByRole('button', { name: 'Décerner un badge' }).click();
    await page.getByRole('dialog').getByLabel('Badge').selectOption('ambassador');
    await page.getByRole('dialog').getByLabel('Pourquoi').fill('Relais exemplaire en Savoie');
    await page.getByRole('dialog').getByRole('button', { name: 'Décerner' }).click();
    await page.getByRole('link', { name: 'Ambassadeur' }).waitFor();
    await context.close();
  });
});
