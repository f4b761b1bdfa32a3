import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCategory, createMember, createReply, createThread } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

/**
 * Compression: API answers compressed per request (brotli or gzip, as the client accepts), the web app's built
 * files sent as the build precompressed them.
 */
const dist = path.join(os.tmpdir(), `agora-dist-${process.pid}`);
const script = `console.log(${JSON.stringify('Agora '.repeat(2000))});\n`;
let t: TestApp;
let threadId: number;

beforeAll(async () => {
  mkdirSync(path.join(dist, 'assets'), { recursive: true, mode: 0o755 });
  writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>Agora</title><div id="app"></div>');
  writeFileSync(path.join(dist, 'assets', 'app.js'), script);
  writeFileSync(path.join(dist, 'assets', 'app.js.br'), brotliCompressSync(script));
  writeFileSync(path.join(dist, 'assets', 'app.js.gz'), gzipSync(script));
  t = await createTestApp({ WEB_DIST: dist });
  const member = await createMember(t.db);
  const category = await createCategory(t.db);
  threadId = (await createThread(t.db, member, category.id)).thread.id;
  for (let i = 0; i < 10; i++)
    await createReply(t.db, member, threadId, `Réponse ${i} : ${'du texte utile '.repeat(20)}`);
});
afterAll(() => t.close());

const get = (url: string, encoding?: string) =>
  t.app.inject({
    method: 'GET',
    url,
    headers: { host: 'forum.test:3000', ...(encoding && { 'accept-encoding': encoding }) },
  });

describe('compression', () => {
  it('compresses an API answer with brotli or gzip as the client accepts, and not otherwise', async () => {
    const plain = await get(`/api/threads/${threadId}`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const br = await get(`/api/threads/${threadId}`, 'br, gzip');
    expect(br.headers['content-encoding']).toBe('br');
    expect(JSON.parse(brotliDecompressSync(br.rawPayload).toString())).toEqual(plain.json());
    const gz = await get(`/api/threads/${threadId}`, 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(gz.rawPayload).toString())).toEqual(plain.json());
  });

  it('sends the precompressed copy of a built file', async () => {
    const br = await get('/assets/app.js', 'br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.rawPayload.length).toBeLessThan(script.length / 10);
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(script);
    const gz = await get('/assets/app.js', 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(script);
    expect((await get('/assets/app.js')).body).toBe(script);
  });
});
