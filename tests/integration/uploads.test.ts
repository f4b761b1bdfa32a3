import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Category, Member } from '../../server/db/types.ts';
import { createCategory, createMember } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';
import { drawing, multipart, phonePhoto } from '../setup/images.ts';

/** Issue 16, uploads: the route, the image pipeline, limits, storage on disk, visibility, orphans. */
let t: TestApp;
let dataDir: string;
let category: Category;
let alice: Member;
let newcomer: Member;
let moderator: Member;
let other: Member;
beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'agora-uploads-'));
  // Level 0 members get a quarter of 400 kB and 2 images a day; level 1 twice that size and 6 a day.
  t = await createTestApp({ DATA_DIR: dataDir, UPLOAD_MAX_BYTES: '400000', UPLOADS_PER_DAY: '2' });
  category = await createCategory(t.db);
  alice = await createMember(t.db, { trustLevel: 2 });
  newcomer = await createMember(t.db, { trustLevel: 0 });
  moderator = await createMember(t.db, { role: 'moderator' });
  other = await createMember(t.db);
});
afterAll(() => t.close());

async function upload(as: Member | null, bytes: Buffer, options: Parameters<typeof multipart>[1] = {}) {
  const { payload, headers } = multipart(bytes, options);
  return t.app.inject({
    method: 'POST',
    url: '/api/uploads',
    payload,
    headers: {
      ...headers,
      host: 'forum.test:3000',
      origin: 'http://forum.test:3000',
      ...(as && { cookie: await t.loginAs(as) }),
    },
  });
}

const get = async (url: string, as?: Member) =>
  t.app.inject({ method: 'GET', url, headers: as ? { cookie: await t.loginAs(as) } : {} });

describe('POST /api/uploads', () => {
  it('re-encodes a phone photo: turned upright, GPS and every other metadata block gone, variants for phones', async () => {
    const photo = await phonePhoto(1000, 800, 30);
    expect((await sharp(photo).metadata()).exif?.toString('latin1')).toContain('WGS-84');
    const res = await upload(alice, photo);
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ width: 800, height: 1000 });
    expect(body.url).toMatch(/^\/api\/media\/[A-Za-z0-9_-]{22}\/full\.(webp|jpg)$/);
    const file = await get(body.url, alice);
    expect(file.statusCode).toBe(200);
    const meta = await sharp(file.rawPayload).metadata();
    expect([meta.width, meta.height]).toEqual([800, 1000]);
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.iptc).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    expect(file.rawPayload.includes('WGS-84')).toBe(false);
    expect(file.rawPayload.includes('Agora Phone')).toBe(false);
    const row = await t.db.selectFrom('uploads').selectAll().where('id', '=', body.id).executeTakeFirstOrThrow();
    expect((row.variants as { name: string }[]).map((v) => v.name)).toEqual(['full', 'w640', 'thumb']);
    const thumb = await sharp((await get(body.thumbnail, alice)).rawPayload).metadata();
    expect([thumb.width, thumb.height]).toEqual([320, 320]);
  });

  it('serves files with a long cache, inline disposition, nosniff and a strict policy', async () => {
    const { url } = (await upload(alice, await drawing(), { filename: 'schéma v2.png' })).json();
    const file = await get(url, alice);
    expect(file.headers['content-type']).toMatch(/^image\/(webp|png)$/);
    expect(file.headers['cache-control']).toBe('private, max-age=31536000, immutable');
    expect(file.headers['content-disposition']).toMatch(/^inline; filename="sch_ma_v2-full\.(webp|png)"$/);
    expect(file.headers['x-content-type-options']).toBe('nosniff');
    expect(file.headers['content-security-policy']).toContain("default-src 'none'");
    expect(file.headers['content-security-policy']).toContain('sandbox');
  });

  it('keeps a flat drawing as PNG when that is smaller than WebP, else WebP', async () => {
    const res = (await upload(alice, await drawing(), { contentType: 'image/png', filename: 'a.png' })).json();
    const served = await sharp((await get(res.url, alice)).rawPayload).metadata();
    expect(res.url.endsWith(`.${served.format === 'jpeg' ? 'jpg' : served.format}`)).toBe(true);
  });

  it.each([
    ['an SVG', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', 'image/svg+xml'],
    ['a PDF', '%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF', 'application/pdf'],
    ['HTML named .png', '<html><script>alert(1)</script></html>', 'image/png'],
  ])('refuses %s with 422 upload.not_image', async (_, text, contentType) => {
    const res = await upload(alice, Buffer.from(text), { contentType, filename: 'x.png' });
    expect([res.statusCode, res.json().error.code]).toEqual([422, 'upload.not_image']);
  });

  it('refuses a file that starts as a PNG but is not one (a polyglot or a damaged file)', async () => {
    const png = await drawing();
    const forged = Buffer.concat([png.subarray(0, 40), Buffer.from('<script>alert(1)</script>'.repeat(20))]);
    const res = await upload(alice, forged);
    expect(res.statusCode).toBe(422);
    expect(['upload.unreadable', 'upload.not_image']).toContain(res.json().error.code);
  });

  it('refuses a decompression bomb by its pixel count', async () => {
    const bomb = await sharp({ create: { width: 10000, height: 6000, channels: 3, background: '#fff' } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    expect(bomb.length).toBeLessThan(400_000);
    const small = await createTestApp({ UPLOAD_MAX_PIXELS: '20000000', DATA_DIR: dataDir });
    try {
      const { payload, headers } = multipart(bomb, { contentType: 'image/png' });
      const cookie = await small.loginAs(await createMember(small.db, { role: 'moderator' }));
      const res = await small.app.inject({
        method: 'POST',
        url: '/api/uploads',
        payload,
        headers: { ...headers, host: 'forum.test:3000', origin: 'http://forum.test:3000', cookie },
      });
      expect([res.statusCode, res.json().error.code]).toEqual([422, 'upload.too_many_pixels']);
    } finally {
      await small.close();
    }
  });

  it('refuses a file past the member’s size with 413 upload.too_large (level 0: a quarter of the largest)', async () => {
    const photo = await phonePhoto(400, 400, 95);
    expect(photo.length).toBeGreaterThan(100_000);
    const res = await upload(newcomer, photo);
    expect([res.statusCode, res.json().error.code, res.json().error.details.max]).toEqual([
      413,
      'upload.too_large',
      100_000,
    ]);
  });

  it('counts images per day: past the level’s count, 429 upload.daily_limit', async () => {
    const fresh = await createMember(t.db, { trustLevel: 0 });
    const small = await drawing(40, 40);
    expect((await upload(fresh, small)).statusCode).toBe(201);
    expect((await upload(fresh, small)).statusCode).toBe(201);
    const third = await upload(fresh, small);
    expect([third.statusCode, third.json().error.code, third.json().error.details.max]).toEqual([
      429,
      'upload.daily_limit',
      2,
    ]);
  });

  it('refuses visitors (401), banned members (403), a JSON body (415), a missing file (422)', async () => {
    expect((await upload(null, await drawing())).statusCode).toBe(401);
    const banned = await createMember(t.db, { bannedAt: new Date() });
    expect((await upload(banned, await drawing())).statusCode).toBe(403);
    const json = await t.api('POST', '/api/uploads', { as: alice, body: { file: 'x' } });
    expect([json.statusCode, json.json().error.code]).toEqual([415, 'upload.not_multipart']);
    const wrongField = await upload(alice, await drawing(), { field: 'image' });
    expect([wrongField.statusCode, wrongField.json().error.code]).toEqual([422, 'upload.missing']);
  });
});

describe('who sees an image', () => {
  it('an image in no post yet: its sender and staff only', async () => {
    const { url } = (await upload(alice, await drawing())).json();
    expect((await get(url)).statusCode).toBe(404);
    expect((await get(url, other)).statusCode).toBe(404);
    expect((await get(url, alice)).statusCode).toBe(200);
    expect((await get(url, moderator)).statusCode).toBe(200);
  });

  it('a held post’s image: its author and moderators until approved; removing the post hides it', async () => {
    const held = await createCategory(t.db);
    await t.db
      .updateTable('categories')
      .set({ moderation_mode: 'pre', bypass_trust_level: 3 })
      .where('id', '=', held.id)
      .execute();
    const { url } = (await upload(alice, await drawing())).json();
    const created = await t.api('POST', '/api/threads', {
      as: alice,
      body: {
        categoryId: held.id,
        title: 'Une couture déchirée',
        body: `Voyez :\n\n![la couture](${url})`,
        kind: 'question',
      },
    });
    expect(created.json().moderation.state).toBe('pending');
    expect((await get(url)).statusCode).toBe(404);
    expect((await get(url, other)).statusCode).toBe(404);
    expect((await get(url, alice)).statusCode).toBe(200);
    expect((await get(url, moderator)).statusCode).toBe(200);

    const item = await t.db
      .selectFrom('moderation_items')
      .select('id')
      .where('post_id', '=', created.json().post.id)
      .executeTakeFirstOrThrow();
    const approved = await t.api('POST', `/api/moderation/items/${item.id}/approve`, { as: moderator, body: {} });
    expect(approved.statusCode).toBe(200);
    const visible = await get(url);
    expect([visible.statusCode, visible.headers['cache-control']]).toEqual([
      200,
      'public, max-age=31536000, immutable',
    ]);

    expect((await t.api('DELETE', `/api/posts/${created.json().post.id}`, { as: moderator })).statusCode).toBe(200);
    expect((await get(url)).statusCode).toBe(404);
    expect((await get(url, other)).statusCode).toBe(404);
  });

  it('the thread page shows our image with its size, srcset for phones and lazy loading', async () => {
    const photo = (await upload(alice, await phonePhoto(1000, 800, 30))).json();
    const created = await t.api('POST', '/api/threads', {
      as: alice,
      body: {
        categoryId: category.id,
        title: 'Le campement',
        body: `![notre tente](${photo.url})`,
        kind: 'discussion',
      },
    });
    expect(created.statusCode).toBe(201);
    const html: string = (await t.api('GET', `/api/threads/${created.json().thread.id}`)).json().posts[0].html;
    expect(html).toContain(`src="${photo.url}"`);
    expect(html).toMatch(/srcset="[^"]*w640\.(webp|jpg) 640w, [^"]*full\.(webp|jpg) 800w"/);
    expect(html).toContain('width="800" height="1000"');
    expect(html).toContain('alt="notre tente"');
    expect(html).toContain('loading="lazy"');
    expect((await get(photo.url)).statusCode).toBe(200);
    // Lists show the opening post's first image as a square thumbnail; a thread without one shows none.
    const list = (await t.api('GET', `/api/categories/${category.slug}/threads`)).json().threads;
    const listed = list.find((th: { id: number }) => th.id === created.json().thread.id);
    expect(listed.thumbnail).toBe(photo.thumbnail);
    expect(listed.thumbnail).toMatch(/\/thumb\.(webp|jpg|png)$/);
    expect((await get(listed.thumbnail)).statusCode).toBe(200);
    const plain = await t.api('POST', '/api/threads', {
      as: alice,
      body: { categoryId: category.id, title: 'Sans photo', body: 'Juste du texte.', kind: 'discussion' },
    });
    const after = (await t.api('GET', `/api/categories/${category.slug}/threads`)).json().threads;
    expect(after.find((th: { id: number }) => th.id === plain.json().thread.id).thumbnail).toBeNull();
  });

  it('answers 404 for unknown keys, variants and extensions', async () => {
    const { url } = (await upload(alice, await drawing())).json();
    for (const bad of [
      url.replace(/full/, 'w9999'),
      url.replace(/\.(webp|png)$/, '.gif'),
      '/api/media/AAAAAAAAAAAAAAAAAAAAAA/full.webp',
      '/api/media/..%2F..%2Fetc/passwd',
    ]) {
      expect((await get(bad, alice)).statusCode).toBe(404);
    }
  });
});

describe('orphans', () => {
  it('collects an upload no post shows a day after it was sent, and keeps the others', async () => {
    const orphan = (await upload(alice, await drawing())).json();
    const young = (await upload(alice, await drawing())).json();
    const used = (await upload(alice, await drawing())).json();
    await t.api('POST', '/api/threads', {
      as: alice,
      body: { categoryId: category.id, title: 'Réparée', body: `![la botte](${used.url})`, kind: 'tip' },
    });
    const yesterday = new Date(Date.now() - 25 * 3_600_000);
    await t.db.updateTable('uploads').set({ created_at: yesterday }).where('id', 'in', [orphan.id, used.id]).execute();
    const key = orphan.url.split('/')[3];
    expect(existsSync(path.join(dataDir, 'uploads', key.slice(0, 2), key))).toBe(true);
    expect(await t.app.uploads.collectOrphans()).toBeGreaterThanOrEqual(1);
    const left = await t.db
      .selectFrom('uploads')
      .select('id')
      .where('id', 'in', [orphan.id, young.id, used.id])
      .execute();
    expect(left.map((r) => r.id).sort()).toEqual([young.id, used.id].sort());
    expect(existsSync(path.join(dataDir, 'uploads', key.slice(0, 2), key))).toBe(false);
    expect((await get(orphan.url, alice)).statusCode).toBe(404);
  });
});
