import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember } from '../factories/index.ts';
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
