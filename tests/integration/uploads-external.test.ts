import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Category, Member } from '../../server/db/types.ts';
import { externalImages, isInternalAddress, localizeStoredPosts } from '../../server/modules/uploads/index.ts';
import { createCategory, createMember } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';
import { drawing } from '../setup/images.ts';

/**
 * Issue 16: external images in posts are downloaded at publication, so that readers' browsers never call a third
 * party. The "third party" is a local HTTP server started here; a second app allows private addresses (as an
 * intranet's would) so that the download itself can be watched, the first refuses them (SSRF).
 */
let site: http.Server;
let base: string;
const requests: string[] = [];
let strict: TestApp;
let open: TestApp;
let png: Buffer;

beforeAll(async () => {
  png = await drawing(600, 400);
  site = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === '/photo.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(png);
    if (req.url === '/moved.png') return res.writeHead(302, { location: '/photo.png' }).end();
    if (req.url === '/huge.png')
      return res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.alloc(300_000, 1));
    if (req.url === '/page.svg')
      return res.writeHead(200, { 'content-type': 'image/svg+xml' }).end('<svg xmlns="http://www.w3.org/2000/svg"/>');
    if (req.url === '/slow.png') return void setTimeout(() => res.end(png), 3000);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'agora-external-'));
  strict = await createTestApp({ DATA_DIR: dataDir });
  open = await createTestApp({
    DATA_DIR: dataDir,
    EXTERNAL_IMAGE_ALLOW_PRIVATE: '1',
    EXTERNAL_IMAGE_MAX_BYTES: '200000',
    EXTERNAL_IMAGE_TIMEOUT_MS: '1000',
  });
});
afterAll(async () => {
  await strict.close();
  await open.close();
  site.close();
});

async function publish(t: TestApp, body: string) {
  const author: Member = await createMember(t.db, { trustLevel: 2 });
  const category: Category = await createCategory(t.db);
  const res = await t.api('POST', '/api/threads', {
    as: author,
    body: { categoryId: category.id, title: 'Une image d’ailleurs', body, kind: 'discussion' },
  });
  expect(res.statusCode).toBe(201);
  const page = await t.api('GET', `/api/threads/${res.json().thread.id}`);
  return page.json().posts[0].html as string;
}

describe('external images', () => {
  it('are downloaded at publication and shown from our address, through the same pipeline', async () => {
    const html = await publish(open, `Regardez ![le lac](${base}/photo.png)`);
    expect(html).not.toContain(base);
    const src = /src="([^"]+)"/.exec(html)?.[1];
    expect(src).toMatch(/^\/api\/media\/[A-Za-z0-9_-]{22}\/full\.(webp|png)$/);
    expect(html).toContain('width="600" height="400"');
    expect((await open.app.inject({ method: 'GET', url: src! })).statusCode).toBe(200);
    const row = await open.db
      .selectFrom('uploads')
      .selectAll()
      .where('source_url', '=', `${base}/photo.png`)
      .executeTakeFirst();
    expect(row?.kind).toBe('external');
  });

  it('follows a redirect, and downloads an address once for every post that names it', async () => {
    const before = requests.filter((r) => r === '/moved.png').length;
    const first = await publish(open, `![a](${base}/moved.png)`);
    const second = await publish(open, `![b](${base}/moved.png)`);
    expect(/src="([^"]+)"/.exec(first)?.[1]).toBe(/src="([^"]+)"/.exec(second)?.[1]);
    expect(requests.filter((r) => r === '/moved.png').length - before).toBe(1);
  });

  it.each([
    ['too large', '/huge.png'],
    ['not a raster image', '/page.svg'],
    ['missing', '/nothing.png'],
    ['too slow', '/slow.png'],
  ])('leaves a link when the image is %s, and the post is published', async (_, file) => {
    const html = await publish(open, `![l’image](${base}${file})`);
    expect(html).not.toContain('<img');
    expect(html).toContain(`<a href="${base}${file}" rel="nofollow ugc noopener">l’image</a>`);
  });

  it('never fetches from a private or loopback address (after DNS too): a link is left', async () => {
    const before = requests.length;
    const html = await publish(
      strict,
      `![x](${base}/photo.png) ![y](http://localhost:${new URL(base).port}/photo.png)`,
    );
    expect(html).not.toContain('<img');
    expect(requests.length).toBe(before);
  });

  it('knows which addresses are internal', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '0.0.0.0',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '100.64.0.1',
    ])
      expect([a, isInternalAddress(a)]).toEqual([a, true]);
    for (const a of ['93.184.216.34', '2606:4700::1111', '8.8.8.8'])
      expect([a, isInternalAddress(a)]).toEqual([a, false]);
  });
});

describe('the app’s Content-Security-Policy', () => {
  it('lets pages load images from our own origin only', async () => {
    const res = await strict.api('GET', '/api/site');
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toMatch(/img-src 'self' data: blob:;/);
    expect(csp).not.toMatch(/img-src[^;]*http/);
  });
});

describe('posts published before images were ours (images-localize)', () => {
  it('makes their stored external images ours, or links, keeping the rest of the HTML and what was masked', async () => {
    const html = await publish(open, 'Un message ordinaire, avec du texte masqué : ****.');
    const postId = (
      await open.db.selectFrom('posts').select('id').where('body_html', '=', html).executeTakeFirstOrThrow()
    ).id;
    // As an older version stored it: the image addresses as written, straight to the other host.
    const old = `${html}<p><img src="${base}/photo.png" alt="le &quot;lac&quot;"> et <img src="${base}/gone.png" alt=""></p>`;
    await open.db.updateTable('posts').set({ body_html: old }).where('id', '=', postId).execute();
    expect(externalImages(old)).toEqual([`${base}/photo.png`, `${base}/gone.png`]);

    const done = await localizeStoredPosts(open.db, open.app.uploads);
    expect(done).toEqual({ posts: 1, images: 2 });
    const row = await open.db
      .selectFrom('posts')
      .select('body_html')
      .where('id', '=', postId)
      .executeTakeFirstOrThrow();
    expect(externalImages(row.body_html)).toEqual([]);
    expect(row.body_html).toContain('****');
    expect(row.body_html).toMatch(
      /<img [^>]*src="\/api\/media\/[A-Za-z0-9_-]{22}\/full\.(webp|png)"[^>]*alt="le &quot;lac&quot;"/,
    );
    expect(row.body_html).toContain(`<a href="${base}/gone.png" rel="nofollow ugc noopener noreferrer">`);
    const links = await open.db.selectFrom('upload_posts').select('upload_id').where('post_id', '=', postId).execute();
    expect(links).toHaveLength(1);
    // Nothing left: a second run changes nothing.
    expect(await localizeStoredPosts(open.db, open.app.uploads)).toEqual({ posts: 0, images: 0 });
  });
});
