import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member } from '../../server/db/types.ts';
import { createCategory, createMember, createThread } from '../factories/index.ts';
import { shot, signIn, startSite, type Site } from './browser.ts';

let site: Site;
let manager: Member;
let camille: Member;
beforeAll(async () => {
  site = await startSite();
  const category = await createCategory(site.db, { slug: 'rando', name: 'Randonnée' });
  manager = await createMember(site.db, { username: 'equipe_marque', role: 'community_manager' });
  camille = await createMember(site.db, { username: 'camille_rando', email: 'camille@example.test', trustLevel: 2 });
  await createMember(site.db, { username: 'hugo_trail', trustLevel: 1 });
  await createThread(site.db, camille, category.id, { title: 'Mon premier bivouac', body: 'Récit de ma nuit au lac.' });
  const vip = await site.db.selectFrom('badges').select('id').where('key', '=', 'vip').executeTakeFirstOrThrow();
  await site.db.insertInto('member_badges').values({ member_id: camille.id, badge_id: vip.id }).execute();
});
afterAll(() => site?.close());

describe('member management, as a community manager uses it', () => {
  it('finds a member, opens the record, and anonymises the account on request', async () => {
    const context = await site.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    await signIn(context, site, manager);
    const page = await context.newPage();
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${site.url}/members`);
    await page.getByRole('searchbox', { name: 'Chercher par pseudo, nom ou e-mail' }).fill('camille');
    await page.getByRole('button', { name: /@camille_rando/ }).click();
    await page.getByText('camille@example.test').waitFor();
    await page.getByRole('link', { name: 'Mon premier bivouac' }).waitFor();
    await page.getByText('VIP', { exact: true }).waitFor(); // the badge by its name, not its key
    await shot(page, 'members-record');
    await page.getByRole('button', { name: 'Anonymiser le compte' }).click();
    await page
      .getByText(`Compte anonymisé : ses messages sont désormais signés ancien_membre_${camille.id}.`)
      .waitFor();
    // The list reloads after the notice: wait for the old entry to go, rather than counting at once.
    await page.getByRole('button', { name: /@camille_rando/ }).waitFor({ state: 'detached' });
    expect(await page.getByRole('button', { name: /@camille_rando/ }).count()).toBe(0);
    await context.close();
  });

  it('fits a phone', async () => {
    const context = await site.browser.newContext({
      locale: 'en-GB',
      viewport: { width: 390, height: 800 },
      isMobile: true,
      hasTouch: true,
    });
    await signIn(context, site, manager);
    const page = await context.newPage();
    await page.goto(`${site.url}/members`);
    await page.getByRole('button', { name: /@hugo_trail/ }).click();
    await page
      .getByRole('heading', { name: /hugo_trail/ })
      .first()
      .waitFor();
    await shot(page, 'members-phone');
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);
    await context.close();
  });
});
