import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member } from '../../server/db/types.ts';
import { createMember } from '../factories/index.ts';
import { drawing, multipart } from '../setup/images.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

/**
 * The site's logo and favicon (issue 18): uploaded by an administrator through the uploads pipeline, public,
 * shown by /api/site and linked from every server-rendered page's head; removed with null; audited.
 */
const dist = path.join(os.tmpdir(), `agora-branding-${process.pid}`);
let t: TestApp;
let admin: Member;
let manager: Member;

async function send(as: Member, which: string, bytes: Buffer, contentType = 'image/png') {
  const { payload, headers } = multipart(bytes, { contentType });
  return t.app.inject({
    method: 'POST',
    url: `/api/admin/branding/${which}`,
    payload,
    headers: { ...headers, host: 'forum.test:3000', origin: 'http://forum.test:3000', cookie: await t.loginAs(as) },
  });
}
const get = (url: string) => t.app.inject({ method: 'GET', url, headers: { host: 'forum.test:3000' } });

beforeAll(async () => {
  mkdirSync(dist, { recursive: true, mode: 0o755 });
  writeFileSync(path.join(dist, 'index.html'), readFileSync('web/index.html', 'utf8'));
  t = await createTestApp({ WEB_DIST: dist });
  admin = await createMember(t.db, { role: 'admin' });
  manager = await createMember(t.db, { role: 'community_manager' });
});
afterAll(() => t.close());

describe('branding', () => {
  it('refuses anyone but an administrator, and sets nothing', async () => {
    const refused = await send(manager, 'logo', await drawing(400, 100));
    expect(refused.statusCode).toBe(403);
    expect((await get('/api/site')).json().logo).toBeNull();
  });

  it('makes the logo a public image of at most 800×200 that /api/site names', async () => {
    const res = await send(admin, 'logo', await drawing(1600, 400));
    expect(res.statusCode).toBe(200);
    const { logo } = res.json() as { logo: string };
    expect(logo).toMatch(/^\/api\/media\/[A-Za-z0-9_-]{22}\/full\.webp$/);
    expect((await get('/api/site')).json().logo).toBe(logo);
    const image = await get(logo);
    expect(image.statusCode).toBe(200);
    expect(image.headers['content-type']).toBe('image/webp');
    expect(await sharp(image.rawPayload).metadata()).toMatchObject({ width: 800, height: 200 });
  });

  it('makes the favicon square PNGs at 32, 180 and 192 px, linked from the page head', async () => {
    const res = await send(admin, 'favicon', await drawing(300, 200));
    expect(res.statusCode).toBe(200);
    const { favicon } = res.json() as { favicon: string };
    for (const px of [192, 180, 32]) {
      const file = await get(favicon.replace('/f192.png', `/f${px}.png`));
      expect(file.headers['content-type']).toBe('image/png');
      expect(await sharp(file.rawPayload).metadata()).toMatchObject({ width: px, height: px });
    }
    const html = (await get('/')).body;
    expect(html).toContain(`<link rel="apple-touch-icon" href="${favicon.replace('/f192.png', '/f180.png')}" />`);
    expect(html).toContain(`sizes="32x32" href="${favicon.replace('/f192.png', '/f32.png')}"`);
    expect(html).not.toContain('/favicon.svg');
  });

  it('refuses an SVG and an address typed in, naming the field', async () => {
    const svg = await send(admin, 'favicon', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'image/svg+xml');
    expect([svg.statusCode, svg.json().error.code]).toEqual([422, 'upload.not_image']);
    const typed = await t.api('PUT', '/api/admin/settings', { as: admin, body: { logo: 'https://evil.test/x.png' } });
    expect(typed.statusCode).toBe(422);
    expect(typed.json().error.details).toEqual({ field: 'logo' });
    expect((await send(admin, 'banner', await drawing())).statusCode).toBe(400);
  });

  it('returns to the defaults when removed, with an audit row for each change', async () => {
    const res = await t.api('PUT', '/api/admin/settings', { as: admin, body: { logo: null, favicon: null } });
    expect(res.json()).toMatchObject({ logo: null, favicon: null });
    expect((await get('/')).body).toContain('/favicon.svg');
    const rows = await t.db
      .selectFrom('audit_log')
      .select(['actor_id', 'data'])
      .where('action', '=', 'site.settings_changed')
      .orderBy('id')
      .execute();
    expect(rows.map((r) => Object.keys(r.data as object).sort())).toEqual([['logo'], ['favicon'], ['favicon', 'logo']]);
    expect(rows.every((r) => r.actor_id === admin.id)).toBe(true);
  });
});
