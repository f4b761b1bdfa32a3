import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Category, Member } from '../../server/db/types.ts';
import { createCategory, createMember, createReply, createThread } from '../factories/index.ts';
import { shot, signIn, startSite, type Site } from './browser.ts';

/** Tracking as members and visitors meet it (issue 19): unread marks, jump to last read, the bell's menu. */
let site: Site;
let category: Category;
let lea: Member;
let hugo: Member;
beforeAll(async () => {
  site = await startSite();
  await site.db
    .updateTable('netiquette_rules')
    .set({ enabled: false })
    .where('key', 'in', ['flood', 'duplicate'])
    .execute();
  category = await createCategory(site.db, { slug: 'velo', name: 'Vélo' });
  lea = await createMember(site.db, { username: 'lea_velo', trustLevel: 2 });
  hugo = await createMember(site.db, { username: 'hugo_cycle', trustLevel: 2 });
});
afterAll(() => site?.close());

const lastRead = async (member: Member, threadId: number) =>
  (
    await site.db
      .selectFrom('thread_tracking')
      .select('last_read_number')
      .where('member_id', '=', member.id)
      .where('thread_id', '=', threadId)
      .executeTakeFirst()
  )?.last_read_number ?? 0;

describe('tracking, on a laptop in French', () => {
  it('shows an unread count in the list when another member replies, leads to it, and counts it read', async () => {
    const { thread } = await createThread(site.db, lea, category.id, {
      title: 'Pneus tubeless : ça vaut le coup ?',
      body: 'Je roule surtout sur chemins.',
    });
    const context = await site.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    await signIn(context, site, lea);
    const page = await context.newPage();
    await page.goto(`${site.url}/c/velo`);
    await page.getByRole('link', { name: 'Pneus tubeless : ça vaut le coup ?' }).waitFor();

    await createReply(site.db, hugo, thread.id, 'Oui, plus de crevaisons depuis deux ans.');
    const badge = page.getByRole('link', { name: '1 message non lu' });
    await badge.waitFor({ timeout: 15_000 });
    await shot(page, 'tracking-list-unread-fr');

    await badge.click();
    await page.waitForURL(new RegExp(`/t/${thread.id}#post-2$`));
    await page.getByText('Oui, plus de crevaisons depuis deux ans.').waitFor();
    await expect.poll(() => lastRead(lea, thread.id), { timeout: 15_000 }).toBe(2);
    await page.getByRole('combobox', { name: 'Notifications pour ce sujet' }).selectOption('watching');
    await page.getByText('Vous serez notifié de chaque nouveau message.').waitFor();
    await shot(page, 'tracking-thread-fr');
    await context.close();
  });

  it('offers to continue reading where the member stopped, on the right page', async () => {
    const { thread } = await createThread(site.db, hugo, category.id, { title: 'Sortie du dimanche : le récit' });
    for (let i = 0; i < 24; i++) await createReply(site.db, hugo, thread.id, `Étape ${i + 1} du récit de la sortie.`);
    await site.db
      .insertInto('thread_tracking')
      .values({ member_id: lea.id, thread_id: thread.id, level: 'tracking', last_read_number: 21 })
      .execute();
    const context = await site.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    await signIn(context, site, lea);
    const page = await context.newPage();
    await page.goto(`${site.url}/t/${thread.id}`);
    const jump = page.getByRole('link', { name: 'Reprendre la lecture (message n° 22)' });
    await jump.click();
    await page.waitForURL(new RegExp(`/t/${thread.id}\\?page=2#post-22$`));
    await page.getByText('Étape 21 du récit de la sortie.').waitFor();
    await shot(page, 'tracking-jump-fr');
    await context.close();
  });

  it('opens the bell as a menu that clears the count, and closes it with Escape', async () => {
    const { thread } = await createThread(site.db, lea, category.id, { title: 'Chambre à air de secours' });
    await createReply(site.db, hugo, thread.id, 'Toujours une rustine aussi.');
    const context = await site.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    await signIn(context, site, lea);
    const page = await context.newPage();
    await page.goto(`${site.url}/`);
    const bell = page.getByRole('button', { name: /non lues?$/ });
    await bell.waitFor();
    await bell.click();
    const menu = page.getByRole('dialog', { name: 'Notifications' });
    await menu.getByText('hugo_cycle a répondu dans « Chambre à air de secours »').waitFor();
    await page.getByRole('button', { name: 'Notifications', exact: true }).waitFor();
    await shot(page, 'tracking-bell-menu-fr');
    await page.keyboard.press('Escape');
    await expect.poll(() => menu.count()).toBe(0);
    await page.reload();
    await page.getByRole('button', { name: 'Notifications', exact: true }).waitFor();
    await context.close();
  });
});

describe('tracking, on a phone in English', () => {
  it('tells a visitor to log in to like, and comes back to the thread', async () => {
    const { thread } = await createThread(site.db, lea, category.id, { title: 'Best saddle for long rides?' });
    const page = await site.browser.newPage({
      locale: 'en-GB',
      viewport: { width: 390, height: 780 },
      isMobile: true,
      hasTouch: true,
    });
    await page.goto(`${site.url}/t/${thread.id}`);
    const like = page.getByRole('link', { name: /^\d+ Log in to like$/ });
    await like.waitFor();
    await shot(page, 'tracking-visitor-like-en-phone');
    await like.click();
    await page.waitForURL(new RegExp(`/login\\?next=/t/${thread.id}`));
    await page.close();
  });

  it('opens the bell menu and bookmarks a post with a note', async () => {
    const { thread } = await createThread(site.db, lea, category.id, { title: 'Chain wax or oil?' });
    const post = await createReply(site.db, hugo, thread.id, 'Wax, every 300 km.');
    const context = await site.browser.newContext({
      locale: 'en-GB',
      viewport: { width: 390, height: 780 },
      isMobile: true,
      hasTouch: true,
    });
    await signIn(context, site, lea);
    const page = await context.newPage();
    await page.goto(`${site.url}/t/${thread.id}`);
    await page.getByRole('button', { name: /unread notifications?$/ }).click();
    await page
      .getByRole('dialog', { name: 'Notifications' })
      .getByText('hugo_cycle replied in “Chain wax or oil?”')
      .waitFor();
    await shot(page, 'tracking-bell-menu-en-phone');
    await page.keyboard.press('Escape');

    await page.locator('#post-2').getByRole('button', { name: 'Bookmark' }).click();
    await page.getByLabel('Note (optional)').fill('Compare with oil');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(
        async () =>
          (
            await site.db
              .selectFrom('bookmarks')
              .select('note')
              .where('member_id', '=', lea.id)
              .where('post_id', '=', post.id)
              .executeTakeFirst()
          )?.note,
      )
      .toBe('Compare with oil');
    await page.goto(`${site.url}/bookmarks`);
    await page.getByText('Compare with oil').waitFor();
    await shot(page, 'tracking-bookmarks-en-phone');
    await context.close();
  });
});

describe('tracking in search results', () => {
  it('shows unread and new marks on results, as in the other lists (laptop French, phone English)', async () => {
    const { thread: mine } = await createThread(site.db, lea, category.id, {
      title: 'Dérailleur qui saute en montée',
      body: 'Mon dérailleur saute dès que ça grimpe.',
    });
    await createThread(site.db, hugo, category.id, {
      title: 'Régler un dérailleur sans outil',
      body: 'Deux vis et un peu de patience pour le dérailleur.',
    });
    await createReply(site.db, hugo, mine.id, 'Vérifie la patte de dérailleur.');
    await createReply(site.db, hugo, mine.id, 'Et la tension du câble.');

    const context = await site.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    await signIn(context, site, lea);
    const page = await context.newPage();
    await page.goto(`${site.url}/search?q=${encodeURIComponent('dérailleur')}`);
    const results = page.getByRole('list', { name: 'Résultats' });
    const resultOf = (title: string) =>
      results
        .getByRole('listitem')
        .filter({ has: page.getByRole('link', { name: title }) })
        .first();
    // Léa wrote the first thread (tracked): its two replies are unread; the second is new to her.
    await resultOf('Dérailleur qui saute en montée').getByRole('link', { name: '2 messages non lus' }).waitFor();
    await resultOf('Régler un dérailleur sans outil').getByText('nouveau', { exact: true }).waitFor();
    await shot(page, 'tracking-search-laptop-fr');
    // The count leads to the first unread post.
    await resultOf('Dérailleur qui saute en montée').getByRole('link', { name: '2 messages non lus' }).click();
    await page.waitForURL(new RegExp(`/t/${mine.id}#post-2$`));
    await expect.poll(() => lastRead(lea, mine.id), { timeout: 15_000 }).toBe(3);
    await context.close();

    const phone = await site.browser.newContext({
      locale: 'en-GB',
      viewport: { width: 390, height: 780 },
      isMobile: true,
      hasTouch: true,
    });
    const reader = await createMember(site.db, { username: 'zoe_gravel', trustLevel: 1 });
    await signIn(phone, site, reader);
    const mobile = await phone.newPage();
    await mobile.goto(`${site.url}/search?q=${encodeURIComponent('dérailleur')}`);
    await mobile.evaluate("localStorage.setItem('agora.locale', 'en')");
    await mobile.reload();
    const list = mobile.getByRole('list', { name: 'Results' });
    const first = list
      .getByRole('listitem')
      .filter({ has: mobile.getByRole('link', { name: 'Régler un dérailleur sans outil' }) });
    await first.first().getByText('new', { exact: true }).waitFor();
    await shot(mobile, 'tracking-search-phone-en');
    expect(Number(await mobile.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);
    await phone.close();
  });
});
