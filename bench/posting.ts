import http from 'node:http';
import os from 'node:os';
import { sql } from 'kysely';
import {
  allowMachineSpeedWrites,
  benchDatabase,
  cpuTimes,
  machine,
  record,
  startBaseline,
  startWriterServer,
  statementProfile,
  type StatementCost,
} from './lib/harness.ts';
import { signedInMembers } from './lib/seed.ts';

/**
 * budget, docs/ARCHITECTURE.md: post creation end to end, ≥ 500 posts/s at 20 concurrent writers. Twenty members reply through
 * `POST /api/threads/:id/posts` on a server run as production runs it (its own process): session, Origin check,
 * netiquette, Markdown and sanitizer, one transaction with the post, counters, reputation and badges, the
 * search outbox row, the live event and the notifications. The flood and duplicate rules are off (these writers
 * are machines) and the posting rate limit is raised; every other rule runs. Baseline in the same run: the
 * same client loop against a bare route doing `SELECT 1`.
 */
const WRITERS = 20;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const PROFILE_SECONDS = 5;

const WORDS =
  'chaussure semelle randonnée imperméable tente duvet bivouac sentier montagne réchaud cuir lacets gourde sac veste pluie neige été hiver conseil'.split(
    ' ',
  );

/**
 * The writers' client: node:http on kept-alive connections, one per writer (fetch cost the load generator about
 * a third more CPU per request, taken from the two cores the server and PostgreSQL share). Resolves with the status.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: WRITERS });
function send(url: string, options: { method: string; headers: Record<string, string>; body?: string }) {
  return new Promise<number>((resolve, reject) => {
    const req = http.request(url, { method: options.method, headers: options.headers, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export async function posting(): Promise<void> {
  const database = await benchDatabase();
  const { db } = database;
  if (process.env.BENCH_SYNC_COMMIT === 'off') {
    // Diagnosis only: is the disk's flush per commit the limit? (Not how Agora runs.)
    const name = new URL(database.url).pathname.slice(1);
    await sql`ALTER DATABASE ${sql.id(name)} SET synchronous_commit = off`.execute(db);
  }
  const server = await startWriterServer(database.url);
  const { port } = server;
  const bare = await startBaseline(db);
  try {
    await server.ready;
    await allowMachineSpeedWrites(db);
    const category = await db
      .insertInto('categories')
      .values({ slug: 'bench', name: 'Bench' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const writers: { cookie: string; thread: number }[] = [];
    for (const [i, m] of (await signedInMembers(db, 'writer', WRITERS)).entries()) {
      // One thread per writer (replies to one thread take its row lock in turn).
      const thread = (
        await db
          .insertInto('threads')
          .values({
            category_id: category.id,
            author_id: m.id,
            kind: 'discussion',
            title: `Fil ${i}`,
            state: 'published',
            post_count: 1,
            last_post_at: new Date(),
            last_poster_id: m.id,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
      await db
        .insertInto('posts')
        .values({
          thread_id: thread,
          author_id: m.id,
          number: 1,
          body_md: 'Premier message.',
          body_html: '<p>Premier message.</p>',
          state: 'published',
        })
        .execute();
      writers.push({ cookie: m.cookie, thread });
    }

    let seq = 0;
    const body = () => {
      seq += 1;
      const words = Array.from({ length: 40 }, (_, k) => WORDS[(seq * 7 + k * 3) % WORDS.length]).join(' ');
      return `Réponse n° ${seq} : ${words}. Merci pour vos conseils !`;
    };
    const origin = `http://127.0.0.1:${port}`;
    const run = async (seconds: number, request: (w: (typeof writers)[number]) => Promise<number>) => {
      const end = Date.now() + seconds * 1000;
      let ok = 0;
      let failed = 0;
      const latencies: number[] = [];
      await Promise.all(
        writers.map(async (w) => {
          while (Date.now() < end) {
            const t0 = performance.now();
            const status = await request(w);
            latencies.push(performance.now() - t0);
            if (status >= 200 && status < 300) ok += 1;
            else failed += 1;
          }
        }),
      );
      latencies.sort((a, b) => a - b);
      return {
        perSecond: ok / seconds,
        failed,
        p50: latencies[Math.floor(latencies.length / 2)] ?? 0,
        p99: latencies[Math.floor(latencies.length * 0.99)] ?? 0,
      };
    };
    const post = (w: (typeof writers)[number]) =>
      send(`${origin}/api/threads/${w.thread}/posts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin, cookie: w.cookie },
        body: JSON.stringify({ body: body() }),
      });
    const baseUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}/select1`;

    await run(2, post); // warm-up
    const before = await cpuTimes(db, { server: server.pid, client: process.pid });
    const posts = await run(SECONDS, post);
    const after = await cpuTimes(db, { server: server.pid, client: process.pid });
    const replies = posts.perSecond * SECONDS;
    // Then, apart (tracking costs PostgreSQL some CPU), a window with every statement tracked.
    const statements = await statementProfile(database);
    let profiled: { costs: StatementCost[]; replies: number } | null = null;
    if (statements) {
      await statements.start();
      const window = await run(PROFILE_SECONDS, post);
      profiled = { costs: await statements.stop(), replies: window.perSecond * PROFILE_SECONDS };
    }
    const perReply = (name: string) => ((after[name]! - before[name]!) / replies).toFixed(2);
    const cpuRows = [
      '| where | CPU per reply | share of the 2 cores over the run |',
      '| --- | ---: | ---: |',
      ...['server', 'postgres', 'client'].map(
        (name) =>
          `| ${name === 'server' ? 'Agora (node)' : name === 'postgres' ? 'PostgreSQL (all its processes)' : 'the load generator'} | ${perReply(name)} ms | ${(((after[name]! - before[name]!) / (SECONDS * 1000 * os.cpus().length)) * 100).toFixed(0)} % |`,
      ),
    ];
    cpuRows.splice(
      3,
      0,
      `| of which Agora's system time (kernel: its sockets to PostgreSQL and clients) | ${perReply('server:sys')} ms | ${(((after['server:sys']! - before['server:sys']!) / (SECONDS * 1000 * os.cpus().length)) * 100).toFixed(0)} % |`,
    );
    const cpuTable = cpuRows.join('\n');
    const statementTable = profiled
      ? statementRows(profiled.costs, profiled.replies, (after.postgres! - before.postgres!) / replies)
      : '';
    const baseline = await run(SECONDS, () => send(baseUrl, { method: 'GET', headers: {} }));
    const met = posts.perSecond >= 500;
    console.log(
      `posting ${posts.perSecond.toFixed(0)}/s (p50 ${posts.p50.toFixed(1)} ms, p99 ${posts.p99.toFixed(1)} ms, ${posts.failed} failed); SELECT 1 ${baseline.perSecond.toFixed(0)}/s`,
    );
    await record(
      'posting',
      `## Post creation end to end (budget, docs/ARCHITECTURE.md)

\`npm run bench -- posting\` (\`BENCH_SECONDS\`=${SECONDS}) on ${machine(database.version)}, ${new Date().toISOString().slice(0, 10)}.
${WRITERS} members reply at once, each as fast as answers come, through \`POST /api/threads/:id/posts\` on a server run as
production runs it, each in a thread of its own. Each reply: session, Origin check, netiquette (all rules but flood
and duplicate), Markdown and sanitizer, and one transaction with the post, counters, reputation and badges, the search
outbox row, the live event and the notifications.

| | requests/s | p50 | p99 | failed |
| --- | ---: | ---: | ---: | ---: |
| replies | ${posts.perSecond.toFixed(0)} | ${posts.p50.toFixed(1)} ms | ${posts.p99.toFixed(1)} ms | ${posts.failed} |
| baseline: bare route doing \`SELECT 1\`, same client | ${baseline.perSecond.toFixed(0)} | ${baseline.p50.toFixed(1)} ms | ${baseline.p99.toFixed(1)} ms | ${baseline.failed} |

Budget (budget, docs/ARCHITECTURE.md): ≥ 500 posts/s at 20 concurrent writers — **${met ? 'met' : 'not met'}** (${((posts.perSecond / baseline.perSecond) * 100).toFixed(0)} % of the baseline's rate).

Where a reply's time goes (CPU time from /proc over the measured seconds; load average at the start ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' / ')}):

${cpuTable}
${statementTable}
A reply makes at most 14 statements (tests/integration/reply-statements.test.ts holds the number): the session, the
rate-limit counter, the thread and its category, then one transaction (thread counters and post number, the post,
the reputation ledger, trust and badge figures in one read, the notification audience in one read, the
notification, the category's sharded counter). A CPU profile of the server under this load (\`BENCH_PROFILE=dir\`,
December 2026) put Agora's busy time at about 45 % in the PostgreSQL driver and its socket writes, 14 % in Fastify
(routing, validation, serialisation), 11 % in Kysely (building and running the statements), 4 % each in language
detection and in Markdown with the sanitizer, the rest in Agora's own code and Node. The kernel's share is small
(system time above), so much of the driver's time is the process waiting for a core while PostgreSQL answers: the
server, PostgreSQL and the load generator share the two cores, and together they use most of both. The lever left is
the number of round trips a reply makes, not PostgreSQL's work: its commit and triggers are about a third of a reply's
CPU.
`,
    );
  } finally {
    agent.destroy();
    await server.stop();
    await bare.close();
    await database.close();
  }
}

/**
 * PostgreSQL's side of a reply, statement by statement (pg_stat_statements over the measured seconds): execution
 * time per reply, the triggers' statements under the one that fired them (their time is also in its time).
 */
function statementRows(costs: StatementCost[], replies: number, pgCpuPerReply: number): string {
  const label = (q: string) => {
    const short = q.length > 110 ? `${q.slice(0, 107)}…` : q;
    return `\`${short.replace(/\|/g, '\\|').replace(/`/g, "'")}\``;
  };
  const shown = costs.filter((c) => c.calls >= replies * 0.05).slice(0, 16);
  const topLevel = costs.filter((c) => !c.nested).reduce((sum, c) => sum + c.totalMs, 0) / replies;
  const rows = shown.map(
    (c) =>
      `| ${c.nested ? '↳ trigger: ' : ''}${label(c.query)} | ${(c.calls / replies).toFixed(2)} | ${(c.totalMs / replies).toFixed(3)} ms |`,
  );
  return `
PostgreSQL's work, statement by statement (pg_stat_statements, \`track = all\`, over ${PROFILE_SECONDS} more seconds of the
same load; execution time, which counts waiting for a core or a lock; a trigger's statements are also counted in the
statement that fired them):

| statement | per reply | execution time per reply |
| --- | ---: | ---: |
${rows.join('\n')}
| **all statements Agora sent** | ${(costs.filter((c) => !c.nested).reduce((n, c) => n + c.calls, 0) / replies).toFixed(1)} | **${topLevel.toFixed(2)} ms** |

Against PostgreSQL's CPU per reply (${pgCpuPerReply.toFixed(2)} ms, above, measured without tracking), the rest of its time is outside the
statements' execution: parsing and binding, the protocol, the commit's WAL write and flush, and its background writers.
`;
}
