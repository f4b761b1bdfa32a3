import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { Mailer, NewsletterService } from '../../server/modules/mail/index.ts';
import { actorOf, createMember } from '../factories/index.ts';
import { startSmtp, type TestSmtp } from '../setup/smtp.ts';
import { shot, signIn, startSite, type Site } from './browser.ts';

let site: Site;
let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startSmtp();
  site = await startSite({ SMTP_URL: smtp.url, MAIL_FROM: 'Agora <no-reply@forum.test>', MAIL_WORKER_MS: '200' });
});
afterAll(async () => {
  await site?.close();
  await smtp?.close();
});

/** The link of the newest mail to `address` whose path starts with `path`, once the worker has sent it. */
async function mailedLink(address: string, path: string, count = 1): Promise<string> {
  await expect.poll(() => smtp.to(address).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(count);
  return smtp.linkTo(address, path);
}

describe('forgot password, in French', () => {
  it('asks for a link from the login page, follows the mail’s link, sets a new password and is signed in', async () => {
    const member = await createMember(site.db, { username: 'oubli_rando', email: 'oubli@example.test' });
    const context = await site.browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));

    await page.goto(`${site.url}/login`);
    await page.getByRole('link', { name: 'Mot de passe oublié ?' }).click();
    await page.getByLabel('Nom d’utilisateur ou e-mail').fill(member.email);
    await page.getByRole('button', { name: 'Envoyer le lien' }).click();
    await page.getByText('Si un compte correspond').waitFor();
    await shot(page, 'mail-forgot-fr');

    const link = await mailedLink(member.email, '/reset-password');
    // The mail points at the address the request came to (no PUBLIC_URL here).
    expect(link.startsWith(`${site.url}/reset-password?token=`)).toBe(true);
    await page.goto(link);
    await page.getByLabel('Nouveau mot de passe').fill('une phrase toute neuve et solide');
    await page.getByRole('button', { name: 'Enregistrer et me connecter' }).click();
    await page.waitForURL(`${site.url}/`);
    const me = await page.evaluate(async () => (await fetch('/api/me')).status);
    expect(me).toBe(200);

    // The link served once.
    await page.goto(link);
    await page.getByLabel('Nouveau mot de passe').fill('encore une autre phrase solide');
    await page.getByRole('button', { name: 'Enregistrer et me connecter' }).click();
    await page.getByText('Ce lien n’est pas valable ou a déjà servi.').waitFor();
    await page.getByRole('link', { name: 'Demander un nouveau lien' }).waitFor();
    await shot(page, 'mail-reset-used-fr');
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('e-mail verification, in English', () => {
  it('signs up, follows the confirmation link, and the account page shows the address confirmed', async () => {
    const context = await site.browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto(`${site.url}/register`);
    await page.getByLabel('Username').fill('verify_me');
    await page.getByLabel('E-mail address').fill('verify.me@example.test');
    await page.getByLabel('Password').fill('a strong enough passphrase');
    await page.getByLabel(/I have read and accept/).check();
    await page.getByRole('button', { name: /Create my account/ }).click();
    await page.getByRole('link', { name: 'New topic' }).waitFor();

    await page.goto(`${site.url}/account`);
    await page.getByText('not confirmed yet').waitFor();
    const link = await mailedLink('verify.me@example.test', '/verify-email');
    await page.goto(link);
    await page.getByText('Thank you! The address verify.me@example.test is confirmed.').waitFor();
    await shot(page, 'mail-verified-en');
    await page.goto(`${site.url}/account`);
    await page.getByText(/^· confirmed$/).waitFor();
    await context.close();
  });
});

describe('unsubscribing from a newsletter', () => {
  it('follows the footer link of the newsletter, confirms, and is unsubscribed without signing in', async () => {
    const reader = await createMember(site.db, { email: 'lectrice@example.test' });
    await site.db
      .updateTable('members')
      .set({ newsletter: true, email_verified_at: new Date() })
      .where('id', '=', reader.id)
      .execute();
    const manager = await createMember(site.db, { role: 'community_manager' });
    const newsletters = new NewsletterService(site.db, new Mailer(loadConfig({})));
    const created = await newsletters.create(actorOf(manager), {
      subject: 'Les nouveautés de décembre',
      body: 'Bonjour à toutes et à tous !',
      audience: 'all',
    });
    await newsletters.schedule(actorOf(manager), created.id, new Date());

    const link = await mailedLink(reader.email, '/unsubscribe');
    const context = await site.browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    // The mail's links use PUBLIC_URL or localhost; the page is the same on the test server.
    const url = new URL(link);
    await page.goto(`${site.url}${url.pathname}${url.search}`);
    await page.getByText('Ne plus recevoir la lettre d’information ?').waitFor();
    const before = await site.db
      .selectFrom('members')
      .select('newsletter')
      .where('id', '=', reader.id)
      .executeTakeFirst();
    expect(before?.newsletter).toBe(true);
    await page.getByRole('button', { name: 'Confirmer le désabonnement' }).click();
    await page.getByText('C’est fait : vous ne recevrez plus ces e-mails.').waitFor();
    await shot(page, 'mail-unsubscribed-fr');
    const after = await site.db
      .selectFrom('members')
      .select('newsletter')
      .where('id', '=', reader.id)
      .executeTakeFirst();
    expect(after?.newsletter).toBe(false);
    await context.close();
  });
});

describe('the community manager’s newsletter page, and the administrators’ outgoing mail', () => {
  it('composes, previews and sends a newsletter, then sees it sent; an admin reads it on /admin/mail', async () => {
    const reader = await createMember(site.db, { email: 'abonne@example.test' });
    await site.db
      .updateTable('members')
      .set({ newsletter: true, email_verified_at: new Date() })
      .where('id', '=', reader.id)
      .execute();
    const manager = await createMember(site.db, { role: 'community_manager' });
    const context = await site.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 1000 } });
    await signIn(context, site, manager);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${site.url}/newsletters`);
    await page.getByLabel('Objet').fill('Rencontre au refuge');
    await page.getByLabel('Texte (Markdown)').fill('Rendez-vous **samedi** au refuge du Lac Blanc.');
    await page.getByRole('button', { name: 'Aperçu' }).click();
    await page.getByText(/destinataires? aujourd’hui/).waitFor();
    const preview = page.frameLocator('iframe.preview');
    await preview.getByText('samedi').waitFor();
    await shot(page, 'mail-newsletter-preview-fr');
    await page.getByRole('button', { name: 'Envoyer maintenant' }).click();
    await expect.poll(() => smtp.to(reader.email).length, { timeout: 10_000 }).toBe(1);
    await expect
      .poll(
        async () => {
          await page.reload();
          return page.locator('li', { hasText: 'Rencontre au refuge' }).getByText('Envoyée', { exact: true }).count();
        },
        { timeout: 15_000 },
      )
      .toBe(1);
    await page
      .locator('li', { hasText: 'Rencontre au refuge' })
      .getByText('1 envoyés · 0 en attente · 0 en échec')
      .waitFor();
    await shot(page, 'mail-newsletter-sent-fr');
    expect(errors).toEqual([]);
    await context.close();

    const admin = await createMember(site.db, { role: 'admin' });
    const adminContext = await site.browser.newContext({ locale: 'en-GB' });
    await signIn(adminContext, site, admin);
    const adminPage = await adminContext.newPage();
    await adminPage.goto(`${site.url}/admin/mail`);
    await adminPage.getByText('Messages go out through the configured SMTP server.').waitFor();
    await adminPage.getByRole('button', { name: 'Rencontre au refuge' }).first().click();
    await adminPage.getByText('Rendez-vous **samedi** au refuge du Lac Blanc.').waitFor();
    await shot(adminPage, 'mail-outbox-en');
    await adminContext.close();
  });
});
