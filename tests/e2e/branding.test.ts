import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member } from '../../server/db/types.ts';
import { createMember } from '../factories/index.ts';
import { shot, signIn, startSite, type Site } from './browser.ts';

/** The site's logo and favicon, set and removed from the console's site settings (issue 18). */
let site: Site;
let admin: Member;
let logo: Buffer;
let icon: Buffer;

/** A flat drawing: a coloured band with a lighter square, as a brand's logo might be. */
const draw = (width: number, height: number, colour: string) =>
  sharp({ create: { width, height, channels: 3, background: colour } })
    .composite([
      {
        input: {
          create: { width: Math.round(height / 2), height: Math.round(height / 2), channels: 3, background: '#f6e05e' },
        },
        left: Math.round(height / 4),
        top: Math.round(height / 4),
      },
    ])
    .png()
    .toBuffer();

beforeAll(async () => {
  site = await startSite();
  admin = await createMember(site.db, { role: 'admin' });
  logo = await draw(480, 120, '#1f5f8b');
  icon = await draw(256, 256, '#2f855a');
});
afterAll(() => site?.close());

describe('branding in the console', () => {
  it('sets a logo and a favicon, shown in the header and linked from the page (French, laptop)', async () => {
    const context = await site.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    await signIn(context, site, admin);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${site.url}/admin?tab=settings`);
    await page
      .getByLabel('Logo · Choisir une image')
      .setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: logo });
    await page.getByRole('status').filter({ hasText: 'Image enregistrée.' }).waitFor();
    await page.locator('header img.site-logo').waitFor();
    await page
      .getByLabel('Favicon · Choisir une image')
      .setInputFiles({ name: 'icon.png', mimeType: 'image/png', buffer: icon });
    await page.getByRole('button', { name: 'Favicon · Retirer' }).waitFor();
    await shot(page, 'branding-console-fr');
    await page.goto(`${site.url}/`);
    const appleIcon = await page.locator('link[rel="apple-touch-icon"]').getAttribute('href');
    expect(appleIcon).toMatch(/\/f180\.png$/);
    const header = page.locator('header .brand');
    await expect(header.textContent()).resolves.toContain('Agora');
    // The header shows the uploaded file itself (its natural width is the logo's, 480 px).
    expect(
      await page
        .locator('header img.site-logo')
        .evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
    ).toBe(480);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('removes them on a phone, in English, and the letter tile returns', async () => {
    const context = await site.browser.newContext({ locale: 'en-GB', viewport: { width: 390, height: 844 } });
    await signIn(context, site, admin);
    const page = await context.newPage();
    await page.goto(`${site.url}/admin?tab=settings`);
    await page.getByRole('heading', { name: 'Logo and favicon' }).waitFor();
    await shot(page, 'branding-console-en-phone');
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.getByRole('button', { name: 'Logo · Remove' }).click();
    await page.getByRole('status').filter({ hasText: 'Image removed' }).waitFor();
    await page.locator('header .logo').waitFor();
    expect(await page.locator('header img.site-logo').count()).toBe(0);
    await page.getByRole('button', { name: 'Favicon · Remove' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Favicon · Remove' }).count()).toBe(0);
    await page.goto(`${site.url}/`);
    expect(await page.locator('link[rel="apple-touch-icon"]').count()).toBe(0);
    await context.close();
  });
});
