import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, PASSWORD } from '../factories/index.ts';
import { startOidc, type TestOidc } from '../setup/oidc.ts';
import { shot, signIn, startSite, type Site } from './browser.ts';

let site: Site;
let oidc: TestOidc;
beforeAll(async () => {
  oidc = await startOidc([]);
  site = await startSite({
    OIDC_ID: 'brand',
    OIDC_LABEL: 'Trail & Co',
    OIDC_ISSUER: oidc.issuer,
    OIDC_CLIENT_ID: oidc.clientId,
    OIDC_CLIENT_SECRET: oidc.clientSecret,
  });
  oidc.redirectUris.push(`${site.url}/api/auth/sso/brand/callback`);
});
afterAll(async () => {
  await site?.close();
  await oidc?.close();
});

const viewports = [
  { name: 'laptop', locale: 'fr-FR', viewport: { width: 1280, height: 860 } },
  { name: 'phone', locale: 'en-GB', viewport: { width: 390, height: 800 }, isMobile: true, hasTouch: true },
] as const;

describe('signing in with the brand’s account (OpenID Connect)', () => {
  for (const device of viewports) {
    it(`goes through the provider’s login form, chooses a username and joins (${device.name}, ${device.locale})`, async () => {
      const fr = device.locale === 'fr-FR';
      const subject = `walker-${device.name}`;
      oidc.accounts.set(subject, {
        email: `${subject}@brand.test`,
        email_verified: true,
        name: 'Élise Marchand',
        preferred_username: `elise.${device.name}`,
      });
      const { name: _name, ...options } = device;
      const context = await site.browser.newContext(options);
      const page = await context.newPage();
      await page.goto(`${site.url}/login`);
      const button = page.getByRole('link', { name: fr ? 'Continuer avec Trail & Co' : 'Continue with Trail & Co' });
      await button.waitFor();
      await shot(page, `sso-login-${device.name}`);
      await button.click();

      // The provider's own page (oidc-provider's development login form).
      await page.locator('input[name="login"]').fill(subject);
      await page.locator('input[name="password"]').fill('anything');
      await shot(page, `sso-provider-form-${device.name}`);
      await page.locator('button[type="submit"]').click();

      await page.waitForURL(`${site.url}/welcome`);
      const username = page.getByLabel(fr ? "Nom d'utilisateur" : 'Username');
      await expect.poll(() => username.inputValue()).toBe(`elise.${device.name}`);
      await page.getByText(`${subject}@brand.test`).waitFor();
      await shot(page, `sso-welcome-${device.name}`);
      await username.fill(`elise_${device.name}`);
      await page.getByRole('checkbox').check();
      await page.getByRole('button', { name: fr ? 'Rejoindre la communauté' : 'Join the community' }).click();
      await page.waitForURL(`${site.url}/`);
      const member = await site.db
        .selectFrom('members')
        .select(['username', 'display_name', 'email_verified_at'])
        .where('email', '=', `${subject}@brand.test`)
        .executeTakeFirstOrThrow();
      expect(member).toMatchObject({ username: `elise_${device.name}`, display_name: 'Élise Marchand' });
      expect(member.email_verified_at).not.toBeNull();
      expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(
        device.viewport.width,
      );

      // Signed in through the provider only: the account page lists it, and asks for no password it does not have.
      await page.goto(`${site.url}/account`);
      await page.getByRole('heading', { name: fr ? 'Connexions externes' : 'Sign-in accounts' }).waitFor();
      await page.getByText(`${subject}@brand.test`).first().waitFor();
      await page.getByRole('button', { name: fr ? 'Délier Trail & Co' : 'Unlink Trail & Co' }).waitFor();
      expect(await page.getByLabel(fr ? 'Mot de passe actuel' : 'Current password').count()).toBe(0);
      await shot(page, `sso-account-${device.name}`);
      await context.close();
    });
  }

  it('shows a refused sign-in on the login page, and the linked providers on the account page', async () => {
    const context = await site.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    await page.goto(`${site.url}/login?sso_error=identity.provider_error&sso_detail=User%20cancelled`);
    await page.getByText('Le fournisseur ne vous a pas connecté.').waitFor();
    await page.getByText('Réponse du fournisseur\u00a0: «\u00a0User cancelled\u00a0»').waitFor();
    await shot(page, 'sso-login-error');

    const member = await createMember(site.db, { username: 'jules_compte' });
    await signIn(context, site, member);
    await page.goto(`${site.url}/account`);
    await page.getByRole('heading', { name: 'Connexions externes' }).waitFor();
    await page.getByText('Aucun compte externe n’est lié.').waitFor();
    await page.getByRole('link', { name: 'Lier Trail & Co' }).click();
    oidc.accounts.set('jules-at-brand', { email: 'jules@brand.test', email_verified: true });
    await page.locator('input[name="login"]').fill('jules-at-brand');
    await page.locator('input[name="password"]').fill('anything');
    await page.locator('button[type="submit"]').click();
    await page.waitForURL(`${site.url}/account?linked=brand`);
    await page.getByText('Trail & Co est maintenant lié à votre compte.').waitFor();
    await page.getByText('jules@brand.test').waitFor();
    await shot(page, 'sso-account-linked');
    await page.getByRole('button', { name: 'Délier Trail & Co' }).click();
    await page.getByText('Trail & Co n’est plus lié à votre compte.').waitFor();
    await context.close();
  });
});

describe('logging out (RP-initiated logout)', () => {
  it('ends the session here and at the provider, which then asks for the login again', async () => {
    await createMember(site.db, { username: 'nora_sortie', email: 'nora@brand.test' });
    oidc.accounts.set('nora-at-brand', { email: 'nora@brand.test', email_verified: true });
    const context = await site.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    const signInAtBrand = async () => {
      await page.goto(`${site.url}/login`);
      await page.getByRole('link', { name: 'Continuer avec Trail & Co' }).click();
    };
    await signInAtBrand();
    await page.locator('input[name="login"]').fill('nora-at-brand');
    await page.locator('input[name="password"]').fill('anything');
    await page.locator('button[type="submit"]').click();
    await page.waitForURL(`${site.url}/`);
    await page.getByRole('button', { name: 'nora_sortie' }).click();
    await page.getByRole('menuitem', { name: 'Se déconnecter' }).click();
    // The provider's confirmation, then back to the forum, signed out.
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.waitForURL(`${site.url}/`);
    await page.getByRole('link', { name: 'Se connecter' }).first().waitFor();
    await signInAtBrand();
    await page.locator('input[name="login"]').waitFor();
    expect(page.url().startsWith(oidc.issuer)).toBe(true);
    await context.close();
  });
});

describe('when members sign in only through the brand (LOCAL_PASSWORDS=admins)', () => {
  let ssoOnly: Site;
  beforeAll(async () => {
    ssoOnly = await startSite({
      SSO_URL: 'https://shop.brand.test/session/sso_provider',
      SSO_SECRET: 'the brand shares this secret with us',
      SSO_LABEL: 'Trail & Co',
      LOCAL_PASSWORDS: 'admins',
    });
  });
  afterAll(() => ssoOnly?.close());

  it('offers only the brand on the login page, on a phone', async () => {
    const context = await ssoOnly.browser.newContext({
      locale: 'fr-FR',
      viewport: { width: 390, height: 800 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    await page.goto(`${ssoOnly.url}/login`);
    await page.getByText('Les membres se connectent avec leur compte Trail & Co.').waitFor();
    const button = page.getByRole('link', { name: 'Continuer avec Trail & Co' });
    expect(await button.getAttribute('href')).toBe('/api/auth/sso/discourse/start?returnTo=%2F');
    expect(await page.getByLabel('Mot de passe').count()).toBe(0);
    await shot(page, 'sso-only-login-phone');
    await context.close();
  });

  it('keeps the administrators’ break-glass password form at /login?local=1', async () => {
    const admin = await createMember(ssoOnly.db, { username: 'ops_admin', role: 'admin' });
    const member = await createMember(ssoOnly.db, { username: 'simple_membre' });
    const context = await ssoOnly.browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    await page.goto(`${ssoOnly.url}/login?local=1`);
    await page.getByRole('heading', { name: 'Emergency sign-in (administrators)' }).waitFor();
    expect(await page.getByRole('link', { name: 'Continue with Trail & Co' }).count()).toBe(0);
    await page.getByLabel('Username or e-mail').fill(member.username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText('Members sign in with the brand’s account here, not a password.').waitFor();
    await shot(page, 'sso-break-glass-refused');
    await page.getByLabel('Username or e-mail').fill(admin.username);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${ssoOnly.url}/`);
    await page
      .getByRole('button', { name: /ops_admin|OA/i })
      .first()
      .waitFor();
    await context.close();
  });
});
