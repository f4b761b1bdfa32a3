import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Category, Member } from '../../server/db/types.ts';
import { createCategory, createMember, createReply, createThread } from '../factories/index.ts';
import { shot, signIn, startSite, type Site } from './browser.ts';

let site: Site;
let category: Category;
let camille: Member;
let claire: Member;
let manager: Member;
beforeAll(async () => {
  site = await startSite();
  category = await createCategory(site.db, { slug: 'sav', name: 'Questions & SAV' });
  camille = await createMember(site.db, { username: 'camille_rando' });
  claire = await createMember(site.db, { username: 'claire_modo', role: 'moderator' });
  manager = await createMember(site.db, { username: 'equipe_cime', role: 'community_manager' });
});
afterAll(() => site?.close());

describe('moderation, as people do it', () => {
  it('warns while typing, holds the post, and a moderator approves it from the queue with the keyboard', async () => {
    const { thread } = await createThread(site.db, manager, category.id, {
      title: 'Retards de livraison',
      body: 'Dites-nous tout.',
    });
    const member = await site.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    await signIn(member, site, camille);
    const page = await member.newPage();
    await page.goto(`${site.url}/t/${thread.id}`);
    await page.locator('#composer-body').fill('Quel c0nnard ce livreur, franchement.');
    // The composer's live hint, before sending
    await page.getByText('Ce message sera relu par un modérateur avant publication').waitFor();
    expect(await page.locator('.hints mark').first().innerText()).toBe('c0nnard');
    await shot(page, 'composer-netiquette-hint');
    await page.getByRole('button', { name: 'Envoyer la réponse' }).click();
    await page.getByText('En attente de validation').waitFor();
    await shot(page, 'post-pending-review');

    const mod = await site.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    await signIn(mod, site, claire);
    const queue = await mod.newPage();
    await queue.goto(`${site.url}/moderation`);
    await queue.getByRole('heading', { name: 'File de modération' }).waitFor();
    expect(await queue.locator('li.item mark').first().innerText()).toBe('c0nnard');
    // The rule by its name, not its key; the reply in its context.
    await queue.getByRole('region', { name: 'Règles déclenchées' }).getByText('Insultes').first().waitFor();
    await queue.getByText('Message d’ouverture du sujet, par').waitFor();
    await shot(queue, 'moderation-queue');
    await queue.keyboard.press('a');
    // The outcome is told on the item itself, which stays in place until dismissed.
    const decided = queue.locator('li.item.decided');
    await decided.getByText('Approuvé : le message est publié.').waitFor();
    await decided.getByRole('button', { name: 'Masquer' }).click();
    await queue.getByText('La file est vide. Beau travail !').waitFor();

    const visitor = await site.browser.newPage({ locale: 'fr-FR' });
    await visitor.goto(`${site.url}/t/${thread.id}`);
    await visitor.locator('#post-2').waitFor();
    await Promise.all([member.close(), mod.close(), visitor.close()]);
  });

  it('rejects with a reason: the author reads it, fixes the post and sends it again', async () => {
    const { thread } = await createThread(site.db, manager, category.id, {
      title: 'Vos avis sur le SAV',
      body: 'Racontez.',
    });
    const member = await site.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    await signIn(member, site, camille);
    const page = await member.newPage();
    await page.goto(`${site.url}/t/${thread.id}`);
    await page.locator('#composer-body').fill('Appelez-moi au 06 12 34 56 78 pour en parler.');
    await page.getByRole('button', { name: 'Envoyer la réponse' }).click();
    await page.getByText('En attente de validation').waitFor();

    const mod = await site.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    await signIn(mod, site, claire);
    const queue = await mod.newPage();
    await queue.goto(`${site.url}/moderation`);
    await queue.locator('li.item').first().waitFor();
    await queue.keyboard.press('r');
    await queue.getByLabel('Motif du refus').selectOption('personal_data');
    await queue.getByLabel('Note pour l’auteur (facultatif)').fill('Passez par la messagerie privée.');
    await queue.getByRole('button', { name: 'Confirmer le refus' }).click();
    await queue.locator('li.item.decided').getByText('Refusé : l’auteur a été prévenu.').waitFor();

    await page.reload();
    await page.getByText('Refusé par la modération').waitFor();
    await page.getByText('Note du modérateur : Passez par la messagerie privée.').waitFor();
    await shot(page, 'post-rejected-with-reason');
    await page.getByRole('button', { name: 'Modifier et renvoyer' }).click();
    const editor = page.locator('article.post').nth(1).locator('textarea');
    await editor.fill('Écrivez-moi en message privé pour en parler.');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByText('En attente de validation').waitFor();
    await Promise.all([member.close(), mod.close()]);
  });

  it('lets a member report a post, and shows the rules page to community managers', async () => {
    const { thread } = await createThread(site.db, manager, category.id, {
      title: 'Sujet à signaler',
      body: 'Un message ordinaire.',
    });
    const member = await site.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    await signIn(member, site, camille);
    const page = await member.newPage();
    await page.goto(`${site.url}/t/${thread.id}`);
    await page.getByRole('button', { name: 'Signaler' }).click();
    await page.getByRole('dialog').getByLabel('Motif').selectOption('spam');
    await page.getByRole('dialog').getByLabel('Précisions (facultatif)').fill('Ce lien revient dans chaque sujet.');
    await page.getByRole('button', { name: 'Envoyer le signalement' }).click();
    await page.getByText('Merci, les modérateurs vont examiner ce message.').waitFor();

    // On a phone, the moderator reads the whole report: reason, the reporter's words, who sent it.
    const phone = await site.browser.newContext({
      locale: 'fr-FR',
      viewport: { width: 390, height: 844 },
      hasTouch: true,
      isMobile: true,
    });
    await signIn(phone, site, claire);
    const queue = await phone.newPage();
    await queue.goto(`${site.url}/moderation`);
    const reports = queue.getByRole('region', { name: 'Signalements' });
    await reports.getByText('Publicité ou spam').waitFor();
    await reports.getByText('Ce lien revient dans chaque sujet.').waitFor();
    await reports.getByText(/camille_rando/).waitFor();
    expect(await queue.getByText(/Raccourcis/).isVisible()).toBe(false);
    expect(await queue.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await shot(queue, 'moderation-queue-phone');
    await phone.close();

    const cm = await site.browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
    await signIn(cm, site, manager);
    const rules = await cm.newPage();
    await rules.goto(`${site.url}/moderation/rules`);
    await rules.getByRole('heading', { name: 'Netiquette rules' }).waitFor();
    await rules.getByLabel('Name').fill('Competitors');
    await rules.getByLabel('Words or phrases, one per line (* at a word’s end for any ending)').fill('ordinaire');
    await rules.getByRole('button', { name: 'Test on recent posts' }).click();
    await rules.getByText(/posts hit among the last/).waitFor();
    await shot(rules, 'netiquette-rules-backtest');
    await Promise.all([member.close(), cm.close()]);
  });
});

describe('sanctions, as moderators apply them', () => {
  it('hides a post with a reason; its author reads why and appeals', async () => {
    const { thread } = await createThread(site.db, manager, category.id, {
      title: 'Un sujet animé',
      body: 'Donnez votre avis.',
    });
    const bob = await createMember(site.db, { username: 'bob_rando' });
    await createReply(site.db, bob, thread.id, 'Ce message partira en appel.');
    const mod = await site.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    await signIn(mod, site, claire);
    const page = await mod.newPage();
    await page.goto(`${site.url}/t/${thread.id}`);
    await page.locator('#post-2').getByRole('button', { name: 'Masquer' }).click();
    await page.getByRole('dialog').getByLabel('Motif du refus').selectOption('off_topic');
    await page.getByRole('dialog').getByRole('button', { name: 'Masquer' }).click();
    await page.locator('#post-2').getByText('Masqué par la modération').waitFor();

    const author = await site.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    await signIn(author, site, bob);
    const mine = await author.newPage();
    await mine.goto(`${site.url}/t/${thread.id}`);
    await mine.getByText('Motif : Hors sujet pour cette catégorie').waitFor();
    await mine.getByRole('button', { name: 'Faire appel' }).click();
    await mine
      .getByLabel('Expliquez pourquoi ce message devrait être publié')
      .fill('Mon message parlait bien du sujet.');
    await mine.getByRole('button', { name: 'Envoyer mon appel' }).click();
    await mine.getByText('Votre appel a été transmis aux modérateurs.').waitFor();
    await shot(mine, 'post-hidden-appeal');
    await Promise.all([mod.close(), author.close()]);
  });
});

describe('the queue in bulk, on a phone', () => {
  it('approves several selected items at once', async () => {
    const { thread } = await createThread(site.db, manager, category.id, { title: 'Sujet en masse', body: 'Allez-y.' });
    const writer = await site.browser.newContext({ locale: 'fr-FR' });
    await signIn(writer, site, camille);
    const page = await writer.newPage();
    for (const text of ['Quel abruti ce transporteur.', 'Espèce de crétin de livreur.']) {
      await page.goto(`${site.url}/t/${thread.id}`);
      await page.locator('#composer-body').fill(text);
      await page.getByRole('button', { name: 'Envoyer la réponse' }).click();
      await page.getByText('En attente de validation').first().waitFor();
    }
    const mod = await site.browser.newContext({ locale: 'fr-FR', viewport: { width: 390, height: 844 } });
    await signIn(mod, site, claire);
    const queue = await mod.newPage();
    await queue.goto(`${site.url}/moderation`);
    const boxes = queue.locator('li.item input[type=checkbox]');
    await boxes.first().waitFor();
    const count = await boxes.count();
    expect(count).toBeGreaterThanOrEqual(2); // the two held replies, and whatever earlier journeys left
    for (let i = 0; i < count; i++) await boxes.nth(i).check();
    await queue.evaluate('window.scrollTo(0, 0)');
    await shot(queue, 'moderation-queue-phone');
    await queue.getByRole('button', { name: `Approuver la sélection (${count})` }).click();
    // Each decided item says so in its place.
    await queue
      .locator('li.item.decided')
      .nth(count - 1)
      .waitFor();
    expect(await queue.locator('li.item.decided').getByText('Approuvé : le message est publié.').count()).toBe(count);
    await queue.reload();
    await queue.getByText('La file est vide. Beau travail !').waitFor();
    await Promise.all([writer.close(), mod.close()]);
  });
});
