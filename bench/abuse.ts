import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { SessionRepository } from '../server/modules/auth/session.repository.ts';
import { generateSessionToken, SessionService } from '../server/modules/auth/session.service.ts';
import { createCategory, createMember, createReply, createThread } from '../tests/factories/index.ts';
import { benchDatabase, machine, record } from './lib/harness.ts';

/**
 * Issue 13: one member, within every rate limit, sending the most expensive text the server accepts to the
 * Markdown preview and the netiquette check, must leave a visitor's thread read p95 within 2× its idle value.
 * The visitor's latency is sampled by a child process (a few sequential readers), idle and then under the abuse
 * (four loops from one account in another child process).
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);

/** Candidate payloads: the worst of each shape; the ones the server refuses (422) are left out of the load. */
const HEAVY = {
  brackets: '['.repeat(29_999),
  quotes: `${'> '.repeat(2000)}x`,
  lists: '- '.repeat(14_000),
  nested: Array.from({ length: 400 }, (_, i) => `${'  '.repeat(i % 20)}- item ${i}`).join('\n'),
  emphasis: '*a _b '.repeat(5000),
  links: '[x](http://a.b/'.repeat(2000),
  phones: '0612345678 '.repeat(2700),
  mixed: 'Appelez le 06 12 34 56 78 ou écrivez à jean [at] exemple [point] fr. '.repeat(400),
};

export async function abuse(): Promise<void> {
  const database = await benchDatabase();
  const { db } = database;
  const members = await Promise.all(Array.from({ length: 5 }, () => createMember(db, { trustLevel: 2 })));
  const category = await createCategory(db);
  const { thread } = await createThread(db, members[0]!, category.id, { title: 'Quel réchaud pour l’hiver ?' });
  for (let i = 1; i < 20; i++)
    await createReply(db, members[i % 5]!, thread.id, `Réponse ${i} : un **réchaud à gaz** inversé.`);
  await sql`ANALYZE`.execute(db);
  const token = generateSessionToken();
  await new SessionService(new SessionRepository(db)).create(token, members[1]!.id);

  const app = await buildApp({ config: loadConfig({ WEB_DIST: '/nonexistent', LOG_LEVEL: 'silent' }), db });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const headers = { 'content-type': 'application/json', origin: base, cookie: `agora_session=${token}` };
  try {
    const accepted: { url: string; body: string; name: string }[] = [];
    const refused: string[] = [];
    for (const [name, text] of Object.entries(HEAVY)) {
      for (const [url, body] of [
        ['/api/markdown/preview', { body: text }],
        ['/api/netiquette/check', { body: text, categoryId: category.id }],
      ] as const) {
        const started = performance.now();
        const res = await fetch(base + url, { method: 'POST', headers, body: JSON.stringify(body) });
        const ms = performance.now() - started;
        if (res.ok)
          accepted.push({ url, body: JSON.stringify(body), name: `${name} → ${url} (${ms.toFixed(0)} ms alone)` });
        else refused.push(`${name} → ${url}: ${res.status}`);
      }
    }
    console.log('accepted:', accepted.map((a) => a.name).join('; '));
    console.log('refused:', refused.join('; '));
    const threadUrl = `${base}/api/threads/${thread.id}`;
    console.log('visitor reads, idle…');
    const idle = await sample(threadUrl, SECONDS);
    console.log('visitor reads under abuse…');
    const abuser = abuseLoops(base, headers, accepted, SECONDS + 2);
    const loaded = await sample(threadUrl, SECONDS);
    const sent = await abuser;
    const ratio = loaded.p95 / idle.p95;
    const text = `## Abuse within the limits (issue 13)

Measured ${new Date().toISOString().slice(0, 10)} on ${machine(database.version)}.
Command: \`npm run bench -- abuse\`. A visitor's \`GET /api/threads/:id\` is sampled by 4 sequential readers in
a child process for ${SECONDS} s, idle, then while one signed-in member runs 4 loops (another child process)
sending the most expensive texts the server accepts to \`POST /api/markdown/preview\` and
\`POST /api/netiquette/check\`, within the rate limits (${sent.sent} requests, ${sent.limited} answered 429).

| visitor's thread read | reads | p50 (ms) | p95 (ms) | p99 (ms) |
| --- | ---: | ---: | ---: | ---: |
| idle | ${idle.count} | ${idle.p50.toFixed(1)} | ${idle.p95.toFixed(1)} | ${idle.p99.toFixed(1)} |
| under abuse | ${loaded.count} | ${loaded.p50.toFixed(1)} | ${loaded.p95.toFixed(1)} | ${loaded.p99.toFixed(1)} |

**p95 under abuse: ${ratio.toFixed(2)}× idle** (budget ≤ 2×): ${ratio <= 2 ? '**within budget**' : '**over budget**'}.
Payloads used (time of one request alone): ${accepted.map((a) => a.name).join('; ') || 'none'}.
Refused before any work: ${refused.join('; ') || 'none'}.`;
    await record('abuse', text);
    console.log(text);
  } finally {
    await app.close();
    await database.close();
  }
}

interface Sample {
  count: number;
  p50: number;
  p95: number;
  p99: number;
}

/** Sequential readers in a child process (its own event loop), timing each response. */
export function sample(url: string, seconds: number): Promise<Sample> {
  const script = `
    const url = ${JSON.stringify(url)}; const end = Date.now() + ${seconds * 1000}; const times = [];
    async function reader() { while (Date.now() < end) { const t = performance.now(); const r = await fetch(url); await r.arrayBuffer(); times.push(performance.now() - t); } }
    await Promise.all([reader(), reader(), reader(), reader()]);
    times.sort((a, b) => a - b); const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
    console.log(JSON.stringify({ count: times.length, p50: at(0.5), p95: at(0.95), p99: at(0.99) }));`;
  return child<Sample>(script);
}

/** Four loops from one account, each sending the accepted heavy payloads in turn until the time is up. */
function abuseLoops(
  base: string,
  headers: Record<string, string>,
  payloads: { url: string; body: string }[],
  seconds: number,
): Promise<{ sent: number; limited: number }> {
  const file = path.join(os.tmpdir(), `agora-abuse-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(payloads));
  const script = `
    const { readFileSync } = await import('node:fs');
    const base = ${JSON.stringify(base)}; const headers = ${JSON.stringify(headers)};
    const payloads = JSON.parse(readFileSync(${JSON.stringify(file)}, 'utf8'));
    const end = Date.now() + ${seconds * 1000}; let sent = 0, limited = 0;
    async function loop(offset) { let i = offset; while (Date.now() < end && payloads.length) { const p = payloads[i++ % payloads.length];
      const r = await fetch(base + p.url, { method: 'POST', headers, body: p.body }); await r.arrayBuffer(); sent++;
      if (r.status === 429) { limited++; await new Promise((ok) => setTimeout(ok, 1000)); } } }
    await Promise.all([loop(0), loop(1), loop(2), loop(3)]);
    console.log(JSON.stringify({ sent, limited }));`;
  return child(script);
}

export function child<T>(script: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as T) : reject(new Error(`child exited ${code}`)),
    );
  });
}
