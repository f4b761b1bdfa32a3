import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { SessionRepository } from '../server/modules/auth/session.repository.ts';
import { generateSessionToken, SessionService } from '../server/modules/auth/session.service.ts';
import { createCategory, createMember, createReply, createThread } from '../tests/factories/index.ts';
import { phonePhoto } from '../tests/setup/images.ts';
import { child, sample } from './abuse.ts';
import { benchDatabase, machine, record } from './lib/harness.ts';

/**
 * Issue 16: 20 members uploading 2 MB photos at once. Figures: uploads processed per second, and a visitor's
 * thread read p95 under that load against its idle value (budget ≤ 2×: sharp works on libuv's threads, at most
 * cores − 1 images at a time, so the event loop and a core stay with the readers).
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const UPLOADERS = 20;

export async function uploads(): Promise<void> {
  const database = await benchDatabase();
  const { db } = database;
  const members = await Promise.all(Array.from({ length: UPLOADERS }, () => createMember(db, { trustLevel: 2 })));
  const category = await createCategory(db);
  const { thread } = await createThread(db, members[0]!, category.id, { title: 'Vos photos de bivouac' });
  for (let i = 1; i < 20; i++)
    await createReply(db, members[i % UPLOADERS]!, thread.id, `Réponse ${i} : une **tente** au bord du lac.`);
  await sql`ANALYZE`.execute(db);
  const sessions = new SessionService(new SessionRepository(db));
  const cookies: string[] = [];
  for (const m of members) {
    const token = generateSessionToken();
    await sessions.create(token, m.id);
    cookies.push(`agora_session=${token}`);
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'agora-bench-uploads-'));
  // A 12 MP photo as a phone sends it, about 2 MB, with EXIF (orientation, GPS).
  const photo = await phonePhoto(4000, 3000, 32);
  const photoFile = path.join(dir, 'photo.jpg');
  writeFileSync(photoFile, photo);

  const config = loadConfig({
    WEB_DIST: '/nonexistent',
    LOG_LEVEL: 'silent',
    DATA_DIR: dir,
    UPLOADS_PER_DAY: '10000',
    UPLOAD_MAX_BYTES: String(8 * 1024 * 1024),
  });
  const app = await buildApp({ config, db });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  try {
    const threadUrl = `${base}/api/threads/${thread.id}`;
    console.log('visitor reads, idle…');
    const idle = await sample(threadUrl, SECONDS);
    console.log(`visitor reads while ${UPLOADERS} members upload…`);
    const uploading = uploadLoops(base, cookies, photoFile, SECONDS + 2);
    const loaded = await sample(threadUrl, SECONDS);
    const sent = await uploading;
    const ratio = loaded.p95 / idle.p95;
    const text = `## Uploads (issue 16)

Measured ${new Date().toISOString().slice(0, 10)} on ${machine(database.version)}.
Command: \`npm run bench -- uploads\`. ${UPLOADERS} signed-in members (child process) each upload, in a loop for
${SECONDS + 2} s, a ${(photo.length / 1e6).toFixed(1)} MB 12-megapixel JPEG with EXIF (orientation, GPS) to
\`POST /api/uploads\`: sniffed, decoded, turned upright, stripped, resized to 2048 px, encoded WebP and JPEG (the
smaller kept), 1280/640 px variants and a thumbnail, written to the local disk. Meanwhile 4 sequential readers
(another child process) time a visitor's \`GET /api/threads/:id\` (20 posts), as they did idle just before.

| uploads | done | refused (503 busy) | other failures | per second | mean latency (s) |
| --- | ---: | ---: | ---: | ---: | ---: |
| 20 members at once | ${sent.done} | ${sent.busy} | ${sent.failed} | ${(sent.done / sent.seconds).toFixed(2)} | ${sent.meanSeconds.toFixed(2)} |

| visitor's thread read | reads | p50 (ms) | p95 (ms) | p99 (ms) |
| --- | ---: | ---: | ---: | ---: |
| idle | ${idle.count} | ${idle.p50.toFixed(1)} | ${idle.p95.toFixed(1)} | ${idle.p99.toFixed(1)} |
| during the uploads | ${loaded.count} | ${loaded.p50.toFixed(1)} | ${loaded.p95.toFixed(1)} | ${loaded.p99.toFixed(1)} |

**p95 during the uploads: ${ratio.toFixed(2)}× idle** (budget ≤ 2×): ${ratio <= 2 ? '**within budget**' : '**over budget**'}.`;
    await record('uploads', text);
    console.log(text);
  } finally {
    await app.close();
    await database.close();
  }
}

/** One loop per member, each uploading the photo again as soon as the previous answer came. */
function uploadLoops(
  base: string,
  cookies: string[],
  file: string,
  seconds: number,
): Promise<{ done: number; busy: number; failed: number; seconds: number; meanSeconds: number }> {
  const script = `
    const { readFileSync } = await import('node:fs');
    const base = ${JSON.stringify(base)}; const cookies = ${JSON.stringify(cookies)};
    const photo = new Blob([readFileSync(${JSON.stringify(file)})], { type: 'image/jpeg' });
    const started = Date.now(); const end = started + ${seconds * 1000};
    let done = 0, busy = 0, failed = 0, total = 0;
    async function loop(cookie) { while (Date.now() < end) { const form = new FormData(); form.append('file', photo, 'photo.jpg');
      const t = performance.now();
      const r = await fetch(base + '/api/uploads', { method: 'POST', headers: { origin: base, cookie }, body: form }); await r.arrayBuffer();
      if (r.status === 201) { done++; total += performance.now() - t; } else if (r.status === 503) { busy++; await new Promise((ok) => setTimeout(ok, 500)); } else failed++; } }
    await Promise.all(cookies.map(loop));
    console.log(JSON.stringify({ done, busy, failed, seconds: (Date.now() - started) / 1000, meanSeconds: done ? total / done / 1000 : 0 }));`;
  return child(script);
}
