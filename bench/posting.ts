import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import { sql } from 'kysely';
import {
  allowMachineSpeedWrites,
  benchDatabase,
  type BenchDatabase,
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
const WRITERS = Number(process.env.BENCH_WRITERS ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
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

type Window = { seconds: number; ok: number; failed: number; latencies: number[] };
interface Writers {
  serverPid: number;
  /** Every writer replies in a loop for `seconds` with `request`. */
  run(seconds: number, request: (w: { cookie: string; thread: number }) => Promise<number>): Promise<Window>;
  post(w: { cookie: string; thread: number }): Promise<number>;
  baseline(): Promise<number>;
}

/** Agora (production build) on `database`, with its writers and their threads; `use` plays the load. */
async function withWriters<T>(
  database: BenchDatabase,
  use: (w: Writers) => Promise<T>,
  entry = 'dist/main.mjs',
  /** Names this set of writers (two sets may share a database). */
  tag = '',
  /** Node's flags for this set's server only. */
  flags: readonly string[] = [],
): Promise<T> {
  const { db } = database;
  if (process.env.BENCH_SYNC_COMMIT === 'off') {
    // Diagnosis only: is the disk's flush per commit the limit? (Not how Agora runs.)
    const name = new URL(database.url).pathname.slice(1);
    await sql`ALTER DATABASE ${sql.id(name)} SET synchronous_commit = off`.execute(db);
  }
  const server = await startWriterServer(database.url, entry, flags);
  const { port } = server;
  const bare = await startBaseline(db);
  try {
    await server.ready;
    await allowMachineSpeedWrites(db);
    const category = await db
      .insertInto('categories')
      .values({ slug: `bench${tag}`, name: `Bench${tag}` })
      .returning('id')
      .executeTakeFirstOrThrow();
    const writers: { cookie: string; thread: number }[] = [];
    for (const [i, m] of (await signedInMembers(db, `writer${tag}`, WRITERS)).entries()) {
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
      const out: Window = { seconds, ok: 0, failed: 0, latencies: [] };
      await Promise.all(
        writers.map(async (w) => {
          while (Date.now() < end) {
            const t0 = performance.now();
            const status = await request(w);
            out.latencies.push(performance.now() - t0);
            if (status >= 200 && status < 300) out.ok += 1;
            else out.failed += 1;
          }
        }),
      );
      return out;
    };
    const post = (w: (typeof writers)[number]) =>
      send(`${origin}/api/threads/${w.thread}/posts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin, cookie: w.cookie },
        body: JSON.stringify({ body: body() }),
      });
    const baseUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}/select1`;

    return await use({
      serverPid: server.pid,
      run,
      post,
      baseline: () => send(baseUrl, { method: 'GET', headers: {} }),
    });
  } finally {
    agent.destroy();
    await server.stop();
    await bare.close();
  }
}

/**
 * PostgreSQL's side of a reply, statement by statement (pg_stat_statements over a window of its own): execution
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
PostgreSQL's work, statement by statement: the same load for ${PROFILE_SECONDS} s more, on a second database whose PostgreSQL
loads pg_stat_statements (\`track = all\`; loaded, it slows PostgreSQL by some percent, so not in the run above).
Execution time counts waiting for a core or a lock; a trigger's statements are also counted in the statement that
fired them:

| statement | per reply | execution time per reply |
| --- | ---: | ---: |
${rows.join('\n')}
| **all statements Agora sent** | ${(costs.filter((c) => !c.nested).reduce((n, c) => n + c.calls, 0) / replies).toFixed(1)} | **${topLevel.toFixed(2)} ms** |

Against PostgreSQL's CPU per reply (${pgCpuPerReply.toFixed(2)} ms, above, measured without tracking), the rest of its time is outside the
statements' execution: parsing and binding, the protocol, the commit's WAL write and flush, and its background writers.
`;
}

/** What a PostgreSQL process kind (`cpuTimes`) does, for the CPU table. */
function postgresKind(kind: string): string {
  const known: Record<string, string> = {
    backends:
      "its connections' processes (the statements, their triggers, parse and bind, the commit's WAL write and wait)",
    walwriter: 'the WAL writer',
    checkpointer: 'the checkpointer',
    'background writer': 'the background writer',
    'autovacuum worker': "autovacuum's workers",
    'autovacuum launcher': "autovacuum's launcher",
    exited: 'processes that exited during the window (autovacuum workers, mostly)',
    postmaster: 'the postmaster',
  };
  return known[kind] ?? `\`${kind}\``;
}

function summary(windows: Window[]) {
  const latencies = windows.flatMap((w) => w.latencies).sort((x, y) => x - y);
  const seconds = windows.reduce((n, w) => n + w.seconds, 0);
  return {
    perSecond: windows.reduce((n, w) => n + w.ok, 0) / seconds,
    replies: windows.reduce((n, w) => n + w.ok, 0),
    failed: windows.reduce((n, w) => n + w.failed, 0),
    p50: latencies[Math.floor(latencies.length / 2)] ?? 0,
    p99: latencies[Math.floor(latencies.length * 0.99)] ?? 0,
  };
}

/**
 * Diagnosis, not a measurement of record: two servers side by side, the writers switching between them every second,
 * so that the machine's drifts in speed fall on both alike. A is the production build in dist/, B
 * `BENCH_COMPARE=dir`'s build (else dist/ again), both on the bench's database, each with writers of its own; with
 * `BENCH_COMPARE_SQL=file`, B has a second database of the same PostgreSQL, with that SQL applied after the
 * migrations (a schema change to try); with `BENCH_COMPARE_FLAGS='--flag …'`, B's server runs with those Node flags.
 * Prints each one's
 * replies per second and CPU per reply: every process of the machine that works for them (both servers, every
 * PostgreSQL process, the load generator), over each one's slices. Rewrites nothing.
 */
async function compare(): Promise<void> {
  const database = await benchDatabase();
  // Both on the one database, unless B's schema is to differ: a second database is noisier (BENCHMARKS.md).
  const change = process.env.BENCH_COMPARE_SQL;
  const other = change ? await database.sibling() : database;
  if (change) await sql.raw(await fs.readFile(change, 'utf8')).execute(other.db);
  const entryB = process.env.BENCH_COMPARE ? `${process.env.BENCH_COMPARE}/main.mjs` : 'dist/main.mjs';
  try {
    await withWriters(database, (a) =>
      withWriters(
        other,
        async (b) => {
          const pids = { a: a.serverPid, b: b.serverPid, client: process.pid };
          await a.run(2, a.post);
          await b.run(2, b.post);
          const total = { A: { ms: 0, ok: 0, s: 0 }, B: { ms: 0, ok: 0, s: 0 } };
          const slices = Number(process.env.BENCH_SLICES ?? 40);
          for (let i = 0; i < slices; i++) {
            // A B, then B A: neither always follows the other.
            const order = i % 2 === 0 ? (['A', 'B'] as const) : (['B', 'A'] as const);
            for (const which of order) {
              const w = which === 'A' ? a : b;
              const before = await cpuTimes(database.db, pids);
              const window = await w.run(1, w.post);
              const after = await cpuTimes(database.db, pids);
              for (const name of ['a', 'b', 'postgres', 'client']) total[which].ms += after[name]! - before[name]!;
              total[which].ok += window.ok;
              total[which].s += window.seconds;
            }
          }
          for (const which of ['A', 'B'] as const) {
            const t = total[which];
            console.log(
              `${which}: ${(t.ok / t.s).toFixed(1)} replies/s, ${(t.ms / t.ok).toFixed(3)} ms of CPU per reply (${t.ok} replies)`,
            );
          }
        },
        entryB,
        'b',
        process.env.BENCH_COMPARE_FLAGS?.split(' ').filter(Boolean),
      ),
    );
  } finally {
    if (other !== database) await other.close();
    await database.close();
  }
}

export async function posting(): Promise<void> {
  if (process.env.BENCH_COMPARE || process.env.BENCH_COMPARE_SQL || process.env.BENCH_COMPARE_FLAGS) return compare();
  const database = await benchDatabase();
  const measured = await withWriters(database, async (w) => {
    // Rounds of replies then the baseline, interleaved (the machine is shared: its speed drifts); CPU time is
    // counted over the reply windows only.
    const load = os.loadavg();
    await w.run(2, w.post); // warm-up
    const postWindows: Window[] = [];
    const baseWindows: Window[] = [];
    const spent: Record<string, number> = {};
    for (let round = 0; round < ROUNDS; round++) {
      const before = await cpuTimes(database.db, { server: w.serverPid, client: process.pid });
      postWindows.push(await w.run(SECONDS, w.post));
      const after = await cpuTimes(database.db, { server: w.serverPid, client: process.pid });
      for (const name of Object.keys(after)) spent[name] = (spent[name] ?? 0) + after[name]! - (before[name] ?? 0);
      baseWindows.push(await w.run(SECONDS, w.baseline));
    }
    return { posts: summary(postWindows), baseline: summary(baseWindows), spent, load };
  }).finally(() => database.close());
  // Then, on a database of its own whose PostgreSQL loads pg_stat_statements (loaded, it slows PostgreSQL by some
  // percent: not in the measured run), a window with every statement tracked.
  let profiled: { costs: StatementCost[]; replies: number } | null = null;
  if (!process.env.BENCH_DATABASE_URL) {
    const diagnosis = await benchDatabase({ statements: true });
    profiled = await withWriters(diagnosis, async (w) => {
      await w.run(2, w.post);
      const statements = await statementProfile(diagnosis);
      if (!statements) return null;
      await statements.start();
      const window = await w.run(PROFILE_SECONDS, w.post);
      return { costs: await statements.stop(), replies: window.ok };
    }).finally(() => diagnosis.close());
  }
  const { posts, baseline, spent, load } = measured;
  const cores = os.cpus().length;
  const measuredMs = SECONDS * ROUNDS * 1000;
  const ms = (name: string) => spent[name]! / posts.replies;
  const share = (name: string) => ((spent[name]! / (measuredMs * cores)) * 100).toFixed(0);
  const cpuTable = [
    `| where | CPU per reply | share of the ${cores} cores over the reply windows |`,
    '| --- | ---: | ---: |',
    `| Agora (node) | ${ms('server').toFixed(2)} ms | ${share('server')} % |`,
    `| of which Agora's system time (kernel: its sockets to PostgreSQL and clients) | ${ms('server:sys').toFixed(2)} ms | ${share('server:sys')} % |`,
    `| PostgreSQL (all its processes) | ${ms('postgres').toFixed(2)} ms | ${share('postgres')} % |`,
    ...Object.keys(spent)
      .filter((name) => name.startsWith('postgres:') && Math.abs(ms(name)) >= 0.005)
      .sort((a, b) => spent[b]! - spent[a]!)
      .map(
        (name) =>
          `| of which ${postgresKind(name.slice('postgres:'.length))} | ${ms(name).toFixed(2)} ms | ${share(name)} % |`,
      ),
    `| the load generator | ${ms('client').toFixed(2)} ms | ${share('client')} % |`,
  ].join('\n');
  // What the machine could do at best: every core busy with replies and nothing else.
  const capAll = (cores * 1000) / (ms('server') + ms('postgres') + ms('client'));
  const capWithoutAgora = (cores * 1000) / (ms('postgres') + ms('client'));
  const capPostgresOnly = (cores * 1000) / ms('postgres');
  const statementTable = profiled ? statementRows(profiled.costs, profiled.replies, ms('postgres')) : '';
  const met = posts.perSecond >= 500;
  console.log(
    `posting ${posts.perSecond.toFixed(0)}/s (p50 ${posts.p50.toFixed(1)} ms, p99 ${posts.p99.toFixed(1)} ms, ${posts.failed} failed); SELECT 1 ${baseline.perSecond.toFixed(0)}/s; Agora ${ms('server').toFixed(2)} ms, PostgreSQL ${ms('postgres').toFixed(2)} ms, client ${ms('client').toFixed(2)} ms per reply`,
  );
  await record(
    'posting',
    `## Post creation end to end (budget, docs/ARCHITECTURE.md)

\`npm run bench -- posting\` (\`BENCH_SECONDS\`=${SECONDS}, \`BENCH_ROUNDS\`=${ROUNDS}) on ${machine(database.version)}, ${new Date().toISOString().slice(0, 10)}; load average at the start ${load.map((l) => l.toFixed(2)).join(' / ')}.
${WRITERS} members reply at once, each as fast as answers come, through \`POST /api/threads/:id/posts\` on a server run as
production runs it, each in a thread of its own. Each reply: session, Origin check, netiquette (all rules but flood
and duplicate), Markdown and sanitizer, and one transaction with the post, counters, reputation and badges, the search
outbox row, the live event and the notifications, committed durably (\`synchronous_commit = on\`). The client is
node:http on kept-alive connections; ${ROUNDS} rounds of ${SECONDS} s of replies then ${SECONDS} s of the baseline, interleaved.

| | requests/s | p50 | p99 | failed |
| --- | ---: | ---: | ---: | ---: |
| replies | ${posts.perSecond.toFixed(0)} | ${posts.p50.toFixed(1)} ms | ${posts.p99.toFixed(1)} ms | ${posts.failed} |
| baseline: bare route doing \`SELECT 1\`, same client | ${baseline.perSecond.toFixed(0)} | ${baseline.p50.toFixed(1)} ms | ${baseline.p99.toFixed(1)} ms | ${baseline.failed} |

Budget (budget, docs/ARCHITECTURE.md): ≥ 500 posts/s at 20 concurrent writers — **${met ? 'met' : 'not met'}** (${((posts.perSecond / baseline.perSecond) * 100).toFixed(1)} % of the baseline's rate).

Where a reply's time goes (CPU time from /proc over the reply windows):

${cpuTable}

**What this machine can do at most.** With every one of its ${cores} cores busy with replies and nothing else, these
costs allow ${capAll.toFixed(0)} replies/s; were Agora's own work free, PostgreSQL and the load generator alone would
allow ${capWithoutAgora.toFixed(0)}/s, and PostgreSQL alone ${capPostgresOnly.toFixed(0)}/s. ${capWithoutAgora < 500 ? `500 replies/s is beyond this machine with PostgreSQL on it: PostgreSQL's own work per reply (below: its triggers — the search document in two languages and its GIN index, the live event, the author's tracking row — the post's indexes, the reputation ledger, the commit) uses more than the ${cores} cores can give at that rate once the load generator has its share.` : capAll < 500 ? `500 replies/s fits within PostgreSQL's and the generator's costs here: what is left is Agora's.` : `500 replies/s fits within all three processes' costs here: what this run missed is the cores left idle (below).`}
${statementTable}
A reply here makes 7 statements in 3 round trips once the node keeps its author's session
(tests/integration/write-statements.test.ts holds the numbers: 9 in 4 for a reply to a post whose author is told,
as the notification is one more statement, and the netiquette rules' freshness check, at most once a second, adds
a statement and a round trip): one statement for the reply's context (server/modules/forum/reply-context.ts: the
thread, the columns of its category and of the post replied to that a reply uses, who hears of the reply —
watchers, muters, who ignores the author — and the post's id reserved from its sequence; since 2026-12-08, before
which these were four or five statements side by side), beside the rate-limit counter and the session's read from
the database; then one round trip with the
transaction's BEGIN, the statement that moves the thread's counters, numbers the post, writes it and counts it in
its category's sharded counter, and after it (they name the post by its reserved id) the reputation event with the
author's score and trust and badge figures, and the notifications (server/db/side-by-side.ts, \`afterLead\`, since
2026-12-07 night; before, these waited for the post's answer: one round trip more); the commit. Each is built and
compiled once per shape (\`QueryTemplate\`) and prepared by PostgreSQL once per connection; the pool's connections
pipeline. A CPU profile of the server under this load
(\`BENCH_PROFILE=dir\`, 7 December 2026, evening), counting only samples where the process ran (its samples inside
\`writev\`, a third of the busy ones, are mostly waits for a core after waking PostgreSQL's process: the kernel time
above is small): 22 % in Agora's own code (the netiquette, sentiment, language, the services), 17 % in Node's
streams, buffers and timers, 12 % in the PostgreSQL driver, 8 % in garbage collection, 7 % in Fastify and Node's
HTTP, 6 % in Markdown and the sanitizer, 5 % in Kysely (21 % before the templates); the language detector, 4.4 % of
the busy samples, is 1.8 % since it scores franc's models without franc's per-text script scan.

PostgreSQL's own CPU, by what its processes were doing (\`perf record -a --call-graph dwarf\` over 4 s of this
load with one writer, so that no sample is a wait; 7 December 2026, night): 60 % running the statements'
plans, of which 21 % in the triggers the reply's rows fire (search document, live event, the author's tracking,
the caches' notices; their own statements through PL/pgSQL), 17 % starting executors (each statement's and
each trigger statement's plan set up: locks, indexes opened, expressions compiled), 6 % turning the text into
search terms (\`to_tsvector\`, French and English), 6 % committing (the WAL flush included), 12 % reading and
writing its socket, 4 % planning statements again (custom plans; forcing generic plans changed nothing measurable).
At one writer a reply costs the node 2.5 ms and PostgreSQL 2.2 ms of CPU: the costs are the work, not contention.

At 20 writers the machine is close to saturated, not quite (8 December 2026, runs of this bench): \`vmstat\` over
a reply window showed the cores 16 % idle (72 % user, 10 % system), and \`perf record -a\` put the node's main
thread at 64 % of one core. Sampling \`pg_stat_activity\` every 20 ms for 8 s, the bench database's connections
were on average 0.85 running a statement, 0.96 idle in a transaction (waiting for the node's next statement), 0.28
flushing a commit's WAL and 0.27 waiting to commit on a lock of type "object": PostgreSQL takes one cluster-wide
lock at the commit of every transaction that sent a NOTIFY (a reply's live event and the caches' notices) and
holds it through the WAL flush, so such commits queue and never share a flush. With \`synchronous_commit = off\`
on a second database (\`BENCH_COMPARE_SQL\`, diagnosis only; not how Agora runs) the same build ran 6 % more
replies per second for 7 % less CPU per reply: the flush and that queue cost about that much. With no NOTIFY at
all on the second database (\`pg_notify\` replaced by a no-op: its node then hears nothing, so its live hub reads
nothing either), 4 % more replies per second for 5 % less CPU: at most that for the notices. Forty writers
(\`BENCH_WRITERS=40\`) ran 320 replies/s against 277 for twenty in the same hour, still 14 % idle.

${
  capAll < 500
    ? `So, on this machine, the budget is out of reach for the sum of the three processes' CPU, not for one of them: 500
replies/s on ${cores} cores leaves ${((cores * 1000) / 500).toFixed(0)} ms of CPU per reply for everything;`
    : `So, in this run, the three processes' CPU per reply was within what 500 replies/s on ${cores} cores allows
(${((cores * 1000) / 500).toFixed(0)} ms for everything), and the rate fell short by the cores left idle at 20
writers (above: the commits' queue behind the NOTIFY lock and its flush, the node's one thread);`
} in
this run the node took ${ms('server').toFixed(1)} ms, PostgreSQL ${ms('postgres').toFixed(1)} (its statements,
their triggers, the commit, and the kernel's work for its round trips) and the load generator
${ms('client').toFixed(1)}. The machine's own speed moves these by a quarter within an hour (the same build ran
4.5 and 5.9 ms per reply, all processes, twenty minutes apart), so changes are judged side by side
(\`BENCH_COMPARE\`, README), not against an earlier run.
`,
  );
}
