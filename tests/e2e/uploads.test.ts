import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member } from '../../server/db/types.ts';
import { createCategory, createMember, createThread } from '../factories/index.ts';
import { ARTIFACTS, shot, signIn, startSite, type Site } from './browser.ts';

/** Issue 16: images in the composer (button, paste, drop), alt text, the lightbox, avatars; laptop and phone. */
let site: Site;
let camille: Member;
let threadId: number;
let photoFile: string;
let portraitFile: string;

/** A landscape "photo": sky, mountains and a lake, with the GPS position a phone would write. */
async function landscape(width: number, height: number): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#7ab8e8"/><stop offset="1" stop-color="#f3d9b1"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#sky)"/>
    <polygon points="0,${height * 0.7} ${width * 0.3},${height * 0.25} ${width * 0.55},${height * 0.7}" fill="#4b5d6b"/>
    <polygon points="${width * 0.35},${height * 0.7} ${width * 0.7},${height * 0.2} ${width},${height * 0.7}" fill="#35454f"/>
    <rect y="${height * 0.7}" width="100%" height="${height * 0.3}" fill="#2f6f8f"/>
    <circle cx="${width * 0.82}" cy="${height * 0.18}" r="${height * 0.06}" fill="#fff6d5"/></svg>`;
  return sharp(Buffer.from(svg))
    .jpeg({ quality: 88 })
    .withExif({ IFD3: { GPSMapDatum: 'WGS-84', GPSLatitudeRef: 'N', GPSLatitude: '45/1 50/1 0/1' } })
    .toBuffer();
}

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'agora-e2e-uploads-'));
  // A new avatar reaches cached thread pages by a notice, milliseconds after its commit: no cache here, so it shows at once.
  site = await startSite({ DATA_DIR: dir, THREAD_CACHE_SECONDS: '0' });
  const category = await createCategory(site.db, { slug: 'bivouac', name: 'Bivouac' });
  camille = await createMember(site.db, { username: 'camille_rando', trustLevel: 2 });
  threadId = (
    await createThread(site.db, camille, category.id, {
      title: 'Mon bivouac au lac',
      body: 'Voici le coin où nous avons dormi.',
    })
  ).thread.id;
  photoFile = path.join(dir, 'lac-d-allos.jpg');
  writeFileSync(photoFile, await landscape(1800, 1200));
  portraitFile = path.join(dir, 'portrait.jpg');
  writeFileSync(portraitFile, await landscape(900, 600));
});
afterAll(() => site?.close());

/** Makes an image in the page and hands it to the text area as a paste or a drop would. */
async function handOver(page: Page, how: 'paste' | 'drop', colour: string) {
  // A string: this runs in the page (the tests are type-checked without the DOM's types).
  await page.evaluate(`(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 640;
    canvas.height = 420;
    const g = canvas.getContext('2d');
    g.fillStyle = ${JSON.stringify(colour)};
    g.fillRect(0, 0, 640, 420);
    g.fillStyle = '#fff';
    g.fillRect(80, 80, 200, 120);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
    const data = new DataTransfer();
    data.items.add(new File([blob], '${how}.png', { type: 'image/png' }));
    const area = document.querySelector('#reply textarea');
    const init = { bubbles: true, cancelable: true };
    area.dispatchEvent(${how === 'paste' ? "new ClipboardEvent('paste', { ...init, clipboardData: data })" : "new DragEvent('drop', { ...init, dataTransfer: data })"});
  })()`);
}

describe('images in posts', () => {
  it('uploads with the button (progress, alt text), by paste and by drop; the thread shows them in a lightbox', async () => {
    const context = await site.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    await signIn(context, site, camille);
    const page = await context.newPage();
    await page.goto(`${site.url}/t/${threadId}`);
    const area = page.locator('#reply textarea');
    await area.fill('Le lac au matin :');

    // A slow connection, so that the progress bar is seen.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 20,
      downloadThroughput: 2_000_000,
      uploadThroughput: 120_000,
    });
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Ajouter une image' }).click();
    await (await chooser).setFiles(photoFile);
    await page.locator('#reply progress').waitFor();
    await shot(page, 'uploads-progress');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    const alt = page.getByLabel('Description de l’image (pour qui ne la voit pas)');
    await alt.waitFor({ timeout: 30_000 });
    expect(await area.inputValue()).toMatch(/!\[lac-d-allos\]\(\/api\/media\/[A-Za-z0-9_-]{22}\/full\.(webp|jpg)\)/);
    await alt.fill('Le lac d’Allos au lever du soleil');
    expect(await area.inputValue()).toMatch(/!\[Le lac d’Allos au lever du soleil\]\(\/api\/media\//);

    await area.focus();
    await handOver(page, 'paste', '#c0504d');
    await page.getByLabel('Description de l’image (pour qui ne la voit pas)').nth(1).waitFor();
    await handOver(page, 'drop', '#4f81bd');
    await page.getByLabel('Description de l’image (pour qui ne la voit pas)').nth(2).waitFor();
    expect((await area.inputValue()).match(/!\[[^\]]*\]\(\/api\/media\//g)).toHaveLength(3);
    await shot(page, 'uploads-composer');

    await page.getByRole('button', { name: 'Envoyer la réponse' }).click();
    const image = page.locator('.posts .prose img[alt="Le lac d’Allos au lever du soleil"]');
    await image.waitFor();
    // Sent, the images leave the composer's list with the text.
    await page.getByLabel('Description de l’image (pour qui ne la voit pas)').first().waitFor({ state: 'detached' });
    expect(await image.getAttribute('srcset')).toMatch(/640w/);
    expect(await image.getAttribute('loading')).toBe('lazy');
    await shot(page, 'uploads-thread');

    await image.click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.locator('figcaption', { hasText: 'Le lac d’Allos au lever du soleil' }).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'uploads-lightbox.png') });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await context.close();
  });

  it('fits a phone: the image fills the width from a narrower file, the lightbox opens', async () => {
    const context = await site.browser.newContext({
      locale: 'en-GB',
      viewport: { width: 390, height: 800 },
      deviceScaleFactor: 1,
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    await page.goto(`${site.url}/t/${threadId}`);
    const image = page.locator('.posts .prose img').first();
    await image.scrollIntoViewIfNeeded();
    await page.waitForFunction(
      "(() => { const img = document.querySelector('.posts .prose img'); return !!img && img.complete && img.naturalWidth > 0; })()",
    );
    // A 390 px screen loads the 640 px variant, not the 1800 px image.
    expect(await page.evaluate("document.querySelector('.posts .prose img').currentSrc")).toMatch(/\/w640\./);
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);
    await shot(page, 'uploads-phone-thread');
    await image.tap();
    await page.getByRole('dialog').waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'uploads-phone-lightbox.png') });
    await context.close();
  });
});

describe('avatars', () => {
  it('chooses a picture, moves the square, saves; the avatar shows in the header and on posts', async () => {
    const context = await site.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    await signIn(context, site, camille);
    const page = await context.newPage();
    await page.goto(`${site.url}/u/camille_rando`);
    await page.getByRole('button', { name: 'Modifier mon profil' }).click();
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Choisir une image' }).click();
    await (await chooser).setFiles(portraitFile);
    await page.getByLabel('Position horizontale').fill('0.8');
    await shot(page, 'avatar-crop');
    await page.getByRole('button', { name: 'Enregistrer l’avatar' }).click();
    await page.getByText('Avatar enregistré.').waitFor();
    await page.locator('header img.avatar').waitFor();
    await page.goto(`${site.url}/t/${threadId}`);
    await page.locator('.posts img.avatar').first().waitFor();
    await shot(page, 'avatar-thread');
    await context.close();
  });

  it('fits a phone in English', async () => {
    const context = await site.browser.newContext({
      locale: 'en-GB',
      viewport: { width: 390, height: 800 },
      isMobile: true,
      hasTouch: true,
    });
    await signIn(context, site, camille);
    const page = await context.newPage();
    await page.goto(`${site.url}/u/camille_rando`);
    await page.getByRole('button', { name: 'Edit my profile' }).click();
    await page.getByRole('heading', { name: 'Avatar' }).waitFor();
    await page.getByRole('button', { name: 'Remove the avatar' }).waitFor();
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);
    await shot(page, 'avatar-phone');
    await context.close();
  });
});
