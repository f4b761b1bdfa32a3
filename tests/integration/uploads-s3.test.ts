import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member } from '../../server/db/types.ts';
import { createCategory, createMember } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';
import { drawing, multipart } from '../setup/images.ts';

/**
 * Issue 16: the S3-compatible storage adapter against a real S3 server (s3rver, in this process): the same
 * routes, the files in the bucket, the orphans removed from it.
 */
let s3: S3rver;
let t: TestApp;
let client: S3Client;
let alice: Member;
const BUCKET = 'agora-test';
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

beforeAll(async () => {
  s3 = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: mkdtempSync(path.join(os.tmpdir(), 'agora-s3-')),
    configureBuckets: [{ name: BUCKET }],
  });
  const { port } = await s3.run();
  const endpoint = `http://127.0.0.1:${port}`;
  t = await createTestApp({
    S3_BUCKET: BUCKET,
    S3_ENDPOINT: endpoint,
    S3_REGION: 'us-east-1',
    S3_ACCESS_KEY_ID: credentials.accessKeyId,
    S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    // Nothing may land on the disk: a folder that cannot be made.
    DATA_DIR: '/proc/agora-no-disk',
  });
  client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials });
  alice = await createMember(t.db, { trustLevel: 2 });
});
afterAll(async () => {
  await t.close();
  client.destroy();
  await s3.close();
});

async function upload(bytes: Buffer) {
  const { payload, headers } = multipart(bytes, { contentType: 'image/png', filename: 'a.png' });
  return t.app.inject({
    method: 'POST',
    url: '/api/uploads',
    payload,
    headers: { ...headers, host: 'forum.test:3000', origin: 'http://forum.test:3000', cookie: await t.loginAs(alice) },
  });
}

const keysIn = async (prefix: string) =>
  ((await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }))).Contents ?? []).map((o) => o.Key);

describe('S3Storage', () => {
  it('stores every variant in the bucket and serves them through our route', async () => {
    const res = await upload(await drawing(900, 700));
    expect(res.statusCode).toBe(201);
    const { url } = res.json();
    const key = url.split('/')[3];
    const ext = url.split('.').pop();
    expect((await keysIn(`${key}/`)).sort()).toEqual([
      `${key}/full.${ext}`,
      `${key}/thumb.${ext}`,
      `${key}/w640.${ext}`,
    ]);
    const object = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${key}/full.${ext}` }));
    expect(object.ContentType).toMatch(/^image\//);
    const served = await t.app.inject({ method: 'GET', url, headers: { cookie: await t.loginAs(alice) } });
    expect(served.statusCode).toBe(200);
    expect((await sharp(served.rawPayload).metadata()).width).toBe(900);
  });

  it('shows an image once in a published post, to visitors too', async () => {
    const { url } = (await upload(await drawing())).json();
    const category = await createCategory(t.db);
    const created = await t.api('POST', '/api/threads', {
      as: alice,
      body: { categoryId: category.id, title: 'Dans le seau', body: `![schéma](${url})`, kind: 'tip' },
    });
    expect(created.statusCode).toBe(201);
    expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(200);
  });

  it('removes an orphan’s objects from the bucket', async () => {
    const { id, url } = (await upload(await drawing())).json();
    const key = url.split('/')[3];
    await t.db
      .updateTable('uploads')
      .set({ created_at: new Date(Date.now() - 2 * 86_400_000) })
      .where('id', '=', id)
      .execute();
    await t.app.uploads.collectOrphans();
    expect(await keysIn(`${key}/`)).toEqual([]);
    expect((await t.app.inject({ method: 'GET', url, headers: { cookie: await t.loginAs(alice) } })).statusCode).toBe(
      404,
    );
  });
});
