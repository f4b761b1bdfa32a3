import { sql } from 'kysely';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { Mailer, NewsletterService } from '../server/modules/mail/index.ts';
import { actorOf, createCategory, createMember, createReply, createThread } from '../tests/factories/index.ts';
import { benchDatabase, type LoadResult, load, machine, mean, record } from './lib/harness.ts';

const MEMBERS = Number(process.env.BENCH_MAIL_MEMBERS ?? 10_000);

// The SMTP server's thread: plain CommonJS evaluated by the worker (no second entry point to build). It reports
// its count after each message.
const SMTP_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { SMTPServer } = require(workerData.module);
let received = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, _session, callback) {
    stream.on('data', () => {});
    stream.on('end', () => {
      received++;
      parentPort.postMessage({ received });
      callback();
    });
  },
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.server.address().port }));`;

/**
 * Issue 15: the worker sends a newsletter to every member (10 000) through an SMTP server running in this
 * process, while visitors read a thread on the same node; the thread read must keep ≥ 90 % of its rate.
 */
export async function mail(): Promise<void> {
  const database = await benchDatabase();
  const { db } = database;
  console.log(`seeding ${MEMBERS} subscribed members and a thread of 40 posts…`);
  await sql`
    INSERT INTO members (username, username_skeleton, email, password_hash, display_name, locale, newsletter, email_verified_at)
    SELECT 'reader' || i, 'reader' || i, 'reader' || i || '@example.test', 'x', 'Lecteur ' || i,
           CASE WHEN i % 3 = 0 THEN 'en' ELSE 'fr' END, true, now()
      FROM generate_series(1, ${MEMBERS}) i`.execute(db);
  const author = await createMember(db);
  const manager = await createMember(db, { role: 'community_manager' });
  const category = await createCategory(db);
  const { thread } = await createThread(db, author, category.id, { title: 'Quelle tente pour un trek de 10 jours ?' });
  for (let i = 1; i < 40; i++)
    await createReply(db, author, thread.id, `Réponse n° ${i} : une *tente tunnel* tient mieux au vent.`);
  await sql`ANALYZE`.execute(db);

  // The SMTP server, in this process but on its own thread (as a real server would be on its own machine, its
  // parsing does not share the app's event loop): it reads each message to its end and counts it.
  const smtp = new Worker(SMTP_SOURCE, {
    eval: true,
    workerData: { module: createRequire(import.meta.url).resolve('smtp-server') },
  });
  let received = 0;
  let lastAt = 0;
  smtp.on('message', (m: { port?: number; received?: number }) => {
    if (m.received !== undefined) {
      received = m.received;
      lastAt = performance.now();
    }
  });
  const smtpPort = await new Promise<number>((resolve) =>
    smtp.once('message', (m: { port: number }) => resolve(m.port)),
  );

  const env = {
    WEB_DIST: '/nonexistent',
    LOG_LEVEL: 'silent',
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    MAIL_FROM: 'Agora <no-reply@bench.test>',
    // The bench drives the worker itself, to send in some load windows and not in others.
    MAIL_WORKER_MS: '0',
    ...(process.env.MAIL_RATE ? { MAIL_RATE: process.env.MAIL_RATE } : {}),
  };
  const config = loadConfig(env);
  const app = await buildApp({ config, db });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  const url = `http://127.0.0.1:${port}/api/threads/${thread.id}`;
  const newsletters = new NewsletterService(db, new Mailer(config));

  /** Queues a newsletter to everyone, as the job does when it is due. */
  async function queue(): Promise<void> {
    const created = await newsletters.create(actorOf(manager), {
      subject: 'Les nouveautés de décembre',
      body: '## Concours photo\n\nEnvoyez vos plus belles photos de **bivouac** avant le 31 décembre. [Le règlement](/t/1).',
      audience: 'all',
    });
    await newsletters.schedule(actorOf(manager), created.id, new Date());
    await newsletters.runDue();
  }

  try {
    console.log('newsletter alone (no web load)…');
    let t0 = performance.now();
    await queue();
    const queuedIn = (performance.now() - t0) / 1000;
    t0 = performance.now();
    await app.mailWorker.drain();
    while (received < MEMBERS) await new Promise((r) => setTimeout(r, 20));
    const alone = { seconds: (lastAt - t0) / 1000 + queuedIn };
    const alonePerSecond = MEMBERS / alone.seconds;
    console.log(`  ${alonePerSecond.toFixed(0)} messages/s (queued in ${queuedIn.toFixed(2)} s)`);

    // A second newsletter, queued; then interleaved windows of thread-read load, the worker sending in every
    // other one, so that a shared machine's drift hits both alike.
    await queue();
    const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
    const seconds = Number(process.env.BENCH_SECONDS ?? 5);
    const quiet: LoadResult[] = [];
    const busy: LoadResult[] = [];
    let sentBusy = 0;
    let sendingMs = 0;
    for (let r = 0; r < rounds; r++) {
      console.log(`round ${r + 1}/${rounds}: thread read, worker idle…`);
      quiet.push(await load(url, { seconds }));
      console.log(`round ${r + 1}/${rounds}: thread read while the worker sends…`);
      let sending = true;
      const before = received;
      const startedAt = performance.now();
      const sender = (async () => {
        while (sending && (await app.mailWorker.drain(1)).delivered > 0);
      })();
      busy.push(await load(url, { seconds }));
      sending = false;
      await sender;
      sendingMs += performance.now() - startedAt;
      sentBusy += received - before;
    }
    await app.mailWorker.drain();
    while (received < 2 * MEMBERS) await new Promise((r) => setTimeout(r, 20));
    // Over the whole time the worker was on (each load() also warms up for 2 s, the worker sending meanwhile).
    const busyPerSecond = sentBusy / (sendingMs / 1000);
    const idle = mean(quiet);
    const during = mean(busy);
    const ratio = during.requestsPerSecond / idle.requestsPerSecond;
    const row = (name: string, r: LoadResult) =>
      `| ${name} | ${r.requestsPerSecond.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99} | ${r.errors} / ${r.non2xx} |`;
    const uncapped = config.mail.ratePerSecond === 0;
    const text = `## Mail: a newsletter to ${MEMBERS.toLocaleString('en')} members${uncapped ? ', no rate cap' : ''} (issue 15)

Measured ${new Date().toISOString().slice(0, 10)} on ${machine(database.version)}.
Command: \`${uncapped ? 'MAIL_RATE=0 ' : ''}npm run bench -- mail\` (${MEMBERS} members subscribed; the SMTP server — the \`smtp-server\` package — runs in
the bench's process on a thread of its own, as a real server would on its own machine. The app's worker claims
batches of ${config.mail.batch} on the main thread and hands each message to its SMTP transport's thread (a pool of 3 connections)${uncapped ? ', with no rate cap (MAIL_RATE=0)' : `, at most ${config.mail.ratePerSecond} messages/s (MAIL_RATE, the default)`}.)

| newsletter | messages/s |
| --- | ---: |
| alone: queued (one transaction, ${queuedIn.toFixed(2)} s) and sent, ${MEMBERS} messages in ${alone.seconds.toFixed(1)} s | **${alonePerSecond.toFixed(0)}** |
| while visitors read a thread at full load (${sentBusy} messages in the sending windows) | **${busyPerSecond.toFixed(0)}** |

Thread read (\`GET /api/threads/:id\`, autocannon in a child process, 50 connections, ${rounds} rounds of ${seconds} s windows
after a 2 s warm-up, the worker idle and sending in turn, averaged):

| thread read | requests/s | p50 (ms) | p99 (ms) | errors / non-2xx |
| --- | ---: | ---: | ---: | ---: |
${row('worker idle', idle)}
${row('worker sending the newsletter', during)}

**${(ratio * 100).toFixed(1)} %** of the idle rate while sending (budget ≥ 90 %): ${ratio >= 0.9 ? '**within budget**' : '**over budget**'}.
${received >= 2 * MEMBERS ? `All ${2 * MEMBERS} messages of both newsletters reached the SMTP server.` : `Only ${received} of ${2 * MEMBERS} messages arrived.`}`;
    await record(uncapped ? 'mail-uncapped' : 'mail', text);
    console.log(text);
  } finally {
    await app.close();
    await smtp.terminate();
    await database.close();
  }
}
