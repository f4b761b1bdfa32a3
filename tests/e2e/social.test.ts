import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Category, Member } from '../../server/db/types.ts';
import { createCategory, createMember, createReply, createThread } from '../factories/index.ts';
import { shot, signIn, startSite, type Site } from './browser.ts';

/** Issue 19 in the browser: @mention suggestions, emoji reactions (live), polls, tags — laptop and phone, FR and EN. */
let site: Site;
let category: Category;
let amelie: Member;
let bernard: Member;
let claire: Member;
let threadId: number;
const laptop = { viewport: { width: 1280, height: 900 } };
const phone = { viewport: { width: 360, height: 760 }, isMobile: true, hasTouch: true };

beforeAll(async () => {
  site = await startSite();
  category = await createCategory(site.db, { slug: 'randonnee', name: 'Randonnée' });
  amelie = await createMember(site.db, { username: 'amelie_p', trustLevel: 1 });
  bernard = await createMember(site.db, { username: 'bernard_l', trustLevel: 1 });
  claire = await createMember(site.db, { username: 'claire_v', trustLevel: 3 });
  await createMember(site.db, { username: 'amedee_x', trustLevel: 1 });
  const { thread } = await createThread(site.db, amelie, category.id, {
    title: 'Le GR20 en juin : trop tôt ?',
    body: 'Je pars mi-juin, des conseils sur la neige ?',
  });
  threadId = thread.id;
  await createReply(site.db, claire, threadId, 'Prévoyez des crampons légers pour le nord.');
});
afterAll(() => site?.close());

describe('social layer in the browser', () => {
  it('suggests members after @ and picks one with the keyboard (laptop, French)', async () => {
    const context = await site.browser.newContext({ locale: 'fr-FR', ...laptop });
    await signIn(context, site, bernard);
    const page = await context.newPage();
    await page.goto(`${site.url}/t/${threadId}`);
    // By its label: while suggestions show, the textarea is a combobox (ARIA 1.2), no longer a plain textbox.
    const box = page.locator('textarea#composer-body');
    await box.click();
    await box.pressSequentially('Merci @cl');
    const list = page.getByRole('listbox', { name: 'Membres à mentionner' });
    await list.getByRole('option', { name: /@claire_v/ }).waitFor();
    expect(await box.getAttribute('aria-expanded')).toBe('true');
    await shot(page, 'social-mention-laptop-fr');
    await box.press('Enter');
    await expect.poll(() => box.inputValue()).toBe('Merci @claire_v ');
    await box.pressSequentially('et @am');
    await list.getByRole('option').first().waitFor();
    // The author of the thread wrote in it: she comes first, before another « am… ».
    expect(await list.getByRole('option').first().textContent()).toContain('@amelie_p');
    await box.press('ArrowDown');
    await box.press('Tab');
    await expect.poll(() => box.inputValue()).toBe('Merci @claire_v et @amedee_x ');
    await box.pressSequentially('@zz');
    await box.press('Escape');
    expect(await list.count()).toBe(0);
    await context.close();
  });

  it('reacts with an emoji, sees the count, and another reader sees it arrive live (laptop FR, phone EN)', async () => {
    const watcherContext = await site.browser.newContext({ locale: 'en-GB', ...phone });
    await signIn(watcherContext, site, claire);
    const watcher = await watcherContext.newPage();
    await watcher.goto(`${site.url}/t/${threadId}`);
    await watcher.getByRole('button', { name: 'React' }).first().waitFor();

    const context = await site.browser.newContext({ locale: 'fr-FR', ...laptop });
    await signIn(context, site, bernard);
    const page = await context.newPage();
    await page.goto(`${site.url}/t/${threadId}`);
    const first = page.locator('#post-1');
    await first.getByRole('button', { name: 'Réagir', exact: true }).click();
    await first.getByRole('button', { name: 'Réagir avec 🎉' }).click();
    const chip = first.getByRole('button', { name: '🎉\u00a0: 1 réaction' });
    await chip.waitFor();
    // The live event of one's own reaction may draw the chip before the answer marks it as one's own.
    await expect.poll(() => chip.getAttribute('aria-pressed')).toBe('true');
    await first.getByRole('button', { name: 'Qui a réagi' }).click();
    await first.getByRole('dialog').getByText('bernard_l').waitFor();
    await shot(page, 'social-reactions-laptop-fr');
    await page.keyboard.press('Escape');

    await watcher.locator('#post-1').getByRole('button', { name: '🎉: 1 reaction' }).waitFor();
    await shot(watcher, 'social-reactions-phone-en');
    expect(Number(await watcher.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(360);

    await chip.click();
    await first.getByRole('button', { name: /🎉/ }).waitFor({ state: 'detached' });
    await context.close();
    await watcherContext.close();
  });

  it('creates a thread with a poll and a tag, then members vote (phone EN, laptop FR)', async () => {
    const context = await site.browser.newContext({ locale: 'en-US', ...phone });
    await signIn(context, site, claire);
    const page = await context.newPage();
    await page.goto(`${site.url}/new?category=randonnee`);
    await page.getByLabel('Title').fill('Which refuge for the first night?');
    await page.getByRole('textbox', { name: 'Message' }).fill('We start from Calenzana on 14 June.');
    const tags = page.getByRole('combobox', { name: 'Tags' });
    await tags.fill('gr20');
    await tags.press('Enter');
    await page.getByRole('button', { name: 'Add a poll' }).click();
    await page.getByRole('textbox', { name: 'Question', exact: true }).fill('Where do we sleep?');
    await page.getByLabel('Option 1', { exact: true }).fill('Ortu di u Piobbu');
    await page.getByLabel('Option 2', { exact: true }).fill('Calenzana gîte');
    await page.getByRole('button', { name: 'Add an option' }).click();
    await page.getByLabel('Option 3', { exact: true }).fill('Bivouac');
    await page.getByLabel('Results visible').selectOption('voted');
    await shot(page, 'social-poll-builder-phone-en');
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.waitForURL(/\/t\/\d+/);
    await page.getByRole('link', { name: '#gr20' }).waitFor();
    const poll = page.getByRole('region', { name: 'Where do we sleep?' });
    await poll.getByRole('radio', { name: 'Bivouac' }).check();
    await poll.getByRole('button', { name: 'Vote' }).click();
    await poll.getByText('1 voter').waitFor();
    await poll.getByText(/100%/).waitFor();
    await shot(page, 'social-poll-voted-phone-en');
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(360);
    const url = page.url();
    await context.close();

    const other = await site.browser.newContext({ locale: 'fr-FR', ...laptop });
    await signIn(other, site, bernard);
    const second = await other.newPage();
    await second.goto(url);
    const sondage = second.getByRole('region', { name: 'Where do we sleep?' });
    await sondage.getByText('Les résultats s’affichent une fois votre vote enregistré.').waitFor();
    await sondage.getByRole('radio', { name: 'Ortu di u Piobbu' }).check();
    await sondage.getByRole('button', { name: 'Voter' }).click();
    await sondage.getByText('2 votants').waitFor();
    await sondage.getByRole('button', { name: 'Modifier mon vote' }).click();
    await sondage.getByRole('radio', { name: 'Bivouac' }).check();
    await sondage.getByRole('button', { name: 'Voter' }).click();
    await sondage.getByText(/100\s%/).waitFor();
    await shot(second, 'social-poll-changed-laptop-fr');
    await other.close();

    const visitor = await site.browser.newContext({ locale: 'fr-FR', ...laptop });
    const anonymous = await visitor.newPage();
    await anonymous.goto(url);
    await anonymous.getByRole('link', { name: 'Connectez-vous pour voter' }).waitFor();
    await anonymous.getByText('Les résultats s’affichent une fois votre vote enregistré.').waitFor();
    await visitor.close();
  });

  it('filters a category by tag and shows the tag page (laptop EN, phone FR)', async () => {
    const { thread } = await createThread(site.db, amelie, category.id, { title: 'Bâtons ou pas bâtons ?' });
    await site.db.insertInto('tags').values({ name: 'matériel' }).execute();
    const context = await site.browser.newContext({ locale: 'en-GB', ...laptop });
    await signIn(context, site, amelie);
    const page = await context.newPage();
    await page.goto(`${site.url}/t/${thread.id}`);
    await page.getByRole('button', { name: 'Edit tags' }).click();
    const picker = page.getByRole('combobox', { name: 'Tags' });
    await picker.fill('mat');
    await page.getByRole('option', { name: /#matériel/ }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('link', { name: '#matériel' }).waitFor();

    await page.goto(`${site.url}/c/randonnee`);
    await page.getByRole('link', { name: 'Le GR20 en juin : trop tôt ?' }).waitFor();
    await page.getByLabel('Tag', { exact: true }).selectOption('matériel');
    await page.waitForURL(/tag=mat/);
    await page.getByRole('link', { name: 'Bâtons ou pas bâtons ?' }).waitFor();
    expect(await page.getByRole('link', { name: 'Le GR20 en juin : trop tôt ?' }).count()).toBe(0);
    await shot(page, 'social-category-tag-laptop-en');
    await context.close();

    // The tag page comes rendered by the server, like a category's.
    const html = await (await fetch(`${site.url}/tags/${encodeURIComponent('matériel')}`)).text();
    expect(html).toContain('Bâtons ou pas bâtons ?');
    expect(html).toMatch(/Étiquette «\smatériel\s»/);

    const mobile = await site.browser.newContext({ locale: 'fr-FR', ...phone });
    // Signed in: a visitor's header (« S’inscrire ») is 9 px too wide on a 360 px phone, outside this issue.
    await signIn(mobile, site, bernard);
    const tagPage = await mobile.newPage();
    await tagPage.goto(`${site.url}/tags/${encodeURIComponent('matériel')}`);
    await tagPage.getByRole('heading', { name: 'Étiquette « matériel »' }).waitFor();
    await tagPage.getByRole('link', { name: 'Bâtons ou pas bâtons ?' }).waitFor();
    await shot(tagPage, 'social-tag-page-phone-fr');
    expect(Number(await tagPage.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(360);
    await tagPage.goto(`${site.url}/tags`);
    await tagPage.getByRole('link', { name: '#matériel' }).waitFor();
    await shot(tagPage, 'social-tags-phone-fr');
    await mobile.close();
  });

  it('shows tags on thread cards in every list and in search results, linked to the tag page (laptop FR, phone EN)', async () => {
    const { thread } = await createThread(site.db, claire, category.id, {
      title: 'Réchaud à gaz ou à alcool en bivouac ?',
      body: 'Le réchaud à alcool pèse moins lourd, mais chauffe moins vite.',
    });
    const tag = await site.db.insertInto('tags').values({ name: 'cuisine' }).returning('id').executeTakeFirstOrThrow();
    await site.db.insertInto('thread_tags').values({ thread_id: thread.id, tag_id: tag.id }).execute();
    const card = (page: import('playwright-core').Page) =>
      page
        .getByRole('listitem')
        .filter({ has: page.getByRole('link', { name: 'Réchaud à gaz ou à alcool en bivouac ?' }) });

    const context = await site.browser.newContext({ locale: 'fr-FR', ...laptop });
    await signIn(context, site, bernard);
    const page = await context.newPage();
    for (const list of ['/', '/c/randonnee', `/tags/cuisine`]) {
      await page.goto(`${site.url}${list}`);
      await card(page).getByRole('link', { name: '#cuisine' }).waitFor();
    }
    await page.goto(`${site.url}/`);
    await shot(page, 'social-tags-on-cards-laptop-fr');
    await card(page).getByRole('link', { name: '#cuisine' }).click();
    await page.getByRole('heading', { name: 'Étiquette « cuisine »' }).waitFor();
    await context.close();

    const mobile = await site.browser.newContext({ locale: 'en-GB', ...phone });
    await signIn(mobile, site, amelie);
    const search = await mobile.newPage();
    await search.goto(`${site.url}/search?q=${encodeURIComponent('réchaud alcool')}`);
    await search.evaluate("localStorage.setItem('agora.locale', 'en')");
    await search.reload();
    const results = search.getByRole('list', { name: 'Results' });
    const result = results.getByRole('listitem').filter({ hasText: 'bivouac' }).first();
    await result.getByRole('link', { name: '#cuisine' }).waitFor();
    await shot(search, 'social-tags-in-search-phone-en');
    expect(Number(await search.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(360);
    await result.getByRole('link', { name: '#cuisine' }).tap();
    await search.getByRole('heading', { name: /Tag .cuisine/ }).waitFor();
    await mobile.close();
  });
});
