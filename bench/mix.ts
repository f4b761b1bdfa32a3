import { fork } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  allowMachineSpeedWrites,
  benchDatabase,
  cpuTimes,
  type LoadResult,
  load,
  machine,
  mean,
  peakMemoryMb,
  record,
  startBaseline,
  startWriterServer,
  statementProfile,
} from './lib/harness.ts';
import { defaultThreadCacheMb } from '../server/config.ts';
import { seedCommunity, signedInMembers } from './lib/seed.ts';
import { mulberry32, Zipf } from './lib/zipf.ts';

/**
 * Issue 20's realistic mix: a community of 100 000 threads; reads follow a Zipf distribution (s = 1) over them, so
 * a few threads are hot and most are cold; 80 % of requests are visitors, 20 % signed-in members, and 1 % of all
 * requests are members' writes (replies and likes, through the real routes with their Origin header). Target: at
 * least 25 % of the requests/s of a bare `SELECT 1` route measured in the same run, p99 ≤ 50 ms at 50 connections.
 */
const THREADS = Number(process.env.BENCH_MIX_THREADS ?? 100_000);
const AUTHORS = 300;
const MEMBERS = 40;
const CONNECTIONS = 50;

/** What the load generator (a child process) needs: written to a file, the thread list is too long for argv. */
interface ClientPlan {
  url: string;
  origin: string;
  seconds: number;
  connections: number;
  /** Threads in Zipf rank order (a seeded shuffle: hot threads are not simply the newest), with their posts. */
  threads: { id: number; posts: number[] }[];
  cookies: string[];
  /**
   * Seeds the run's draws: each run (the warm-up, every round) draws its own sequence by the same law. With one
   * seed for all, a round replayed the threads the rounds before it had read, which a large page cache then held
   * whatever their rank: no steady state serves that.
   */
  seed: number;
}

type Kind = 'visitor' | 'member' | 'reply' | 'like';
interface MixResult extends LoadResult {
  byKind: Record<Kind, { count: number; non2xx: number; latencies: number[] }>;
  /** The load generator's own CPU time (ms) over the measured seconds. */
  clientCpuMs: number;
}

const WORDS =
  'chaussure semelle randonnée imperméable tente duvet bivouac sentier montagne réchaud cuir lacets gourde sac veste pluie neige été hiver conseil'.split(
    ' ',
  );

/** The load generator's side (run in a child process by `npm run bench`, see bench/run.ts). */
export async function mixClient(planFile: string): Promise<void> {
  const { default: autocannon } = await import('autocannon');
  const plan = JSON.parse(await fs.readFile(planFile, 'utf8')) as ClientPlan;
  const zipf = new Zipf(plan.threads.length, 1, mulberry32(20 + plan.seed));
  const random = mulberry32(2026 + plan.seed);
  const byKind: MixResult['byKind'] = {
    visitor: { count: 0, non2xx: 0, latencies: [] },
    member: { count: 0, non2xx: 0, latencies: [] },
    reply: { count: 0, non2xx: 0, latencies: [] },
    like: { count: 0, non2xx: 0, latencies: [] },
  };
  let seq = plan.seed * 1_000_000; // replies of different runs differ
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
  const setupRequest = (req: Record<string, unknown>, context: Record<string, unknown>) => {
    const thread = plan.threads[zipf.next()]!;
    const u = random();
    context.sent = performance.now();
    const member = { cookie: pick(plan.cookies) };
    if (u < 0.005) {
      seq += 1;
      const words = Array.from({ length: 30 }, (_, k) => WORDS[(seq * 7 + k * 3) % WORDS.length]).join(' ');
      context.kind = 'reply';
      return {
        ...req,
        method: 'POST',
        path: `/api/threads/${thread.id}/posts`,
        headers: { ...member, origin: plan.origin, 'content-type': 'application/json' },
        body: JSON.stringify({ body: `Réponse du banc n° ${seq} : ${words}. Merci !` }),
      };
    }
    if (u < 0.01) {
      context.kind = 'like';
      return {
        ...req,
        method: 'POST',
        path: `/api/posts/${pick(thread.posts)}/reactions/like`,
        headers: { ...member, origin: plan.origin },
        body: undefined,
      };
    }
    context.kind = u < 0.81 ? 'visitor' : 'member';
    return {
      ...req,
      method: 'GET',
      path: `/api/threads/${thread.id}`,
      headers: context.kind === 'member' ? member : {},
      body: undefined,
    };
  };
  const onResponse = (status: number, _body: string, context: Record<string, unknown>) => {
    const kind = byKind[(context.kind as Kind | undefined) ?? 'visitor'];
    kind.count += 1;
    kind.latencies.push(performance.now() - (context.sent as number));
    if (status < 200 || status > 299) kind.non2xx += 1;
  };
  const cpuBefore = process.cpuUsage();
  const result = await autocannon({
    url: plan.url,
    connections: plan.connections,
    duration: plan.seconds,
    requests: [{ setupRequest, onResponse }],
  });
  const out: MixResult = {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    byKind,
    clientCpuMs: (({ user, system }) => (user + system) / 1000)(process.cpuUsage(cpuBefore)),
  };
  // Sent before the process may exit: the latencies make a message that takes a moment to flush.
  await new Promise<void>((resolve) => process.send!(out, undefined, undefined, () => resolve()));
}

function runClient(plan: ClientPlan, planFile: string): Promise<MixResult> {
  return fs.writeFile(planFile, JSON.stringify(plan)).then(
    () =>
      new Promise((resolve, reject) => {
        const child = fork(path.resolve('dist/bench.mjs'), [], {
          env: { ...process.env, BENCH_MIX_CLIENT: planFile },
          stdio: 'inherit',
        });
        let result: MixResult | undefined;
        child.on('message', (m) => (result = m as MixResult));
        child.on('exit', (code) => (result ? resolve(result) : reject(new Error(`mix client exited with ${code}`))));
      }),
  );
}

function shuffled<T>(list: T[], random: () => number): T[] {
  const out = list.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export async function mix(): Promise<void> {
  // BENCH_MIX_STATEMENTS=1: PostgreSQL's time per statement over the last round (pg_stat_statements; slows it a little).
  const database = await benchDatabase({ statements: process.env.BENCH_MIX_STATEMENTS === '1' });
  const { db } = database;
  const { threads } = await seedCommunity(db, { threads: THREADS, authors: AUTHORS });
  const server = await startWriterServer(database.url);
  const { port } = server;
  const bare = await startBaseline(db);
  const planFile = path.join(os.tmpdir(), `agora-mix-${process.pid}.json`);
  try {
    await server.ready;
    await allowMachineSpeedWrites(db);
    const cookies = (await signedInMembers(db, 'reader', MEMBERS)).map((m) => m.cookie);
    const origin = `http://127.0.0.1:${port}`;
    const seconds = Number(process.env.BENCH_SECONDS ?? 10);
    const plan: ClientPlan = {
      url: origin,
      origin,
      seconds,
      connections: CONNECTIONS,
      threads: shuffled(threads, mulberry32(11)),
      cookies,
      seed: 0,
    };
    const loadAverage = () =>
      os
        .loadavg()
        .map((n) => n.toFixed(2))
        .join(' / ');
    const loadBefore = loadAverage();
    // A node that has been serving: its page cache filled as a running node's is (with a large cache, a short
    // warm-up left the first round reading far more threads from PostgreSQL than a node does after a minute).
    const warmup = Number(process.env.BENCH_MIX_WARMUP ?? 30);
    console.log(`warm-up: ${warmup} s of the mix…`);
    await runClient({ ...plan, seconds: warmup, seed: 1 }, planFile);
    const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
    const baselines: LoadResult[] = [];
    const mixes: MixResult[] = [];
    const cpu: Record<string, number> = { server: 0, postgres: 0, client: 0 };
    let measured = 0;
    for (let r = 0; r < rounds; r++) {
      console.log(`round ${r + 1}/${rounds}: baseline (bare Fastify route doing SELECT 1)…`);
      baselines.push(await load(`http://127.0.0.1:${(bare.server.address() as { port: number }).port}/select1`));
      console.log(`round ${r + 1}/${rounds}: the mix…`);
      const before = await cpuTimes(db, { server: server.pid });
      const profile = r === rounds - 1 ? await statementProfile(database) : null;
      await profile?.start();
      const result = await runClient({ ...plan, seed: 2 + r }, planFile);
      const costs = await profile?.stop();
      for (const c of costs?.slice(0, 15) ?? [])
        console.log(
          `  ${c.calls} calls, ${c.totalMs.toFixed(0)} ms, ${(c.totalMs / c.calls).toFixed(3)} ms each:` +
            ` ${c.nested ? '(nested) ' : ''}${c.query.slice(0, 100)}`,
        );
      const after = await cpuTimes(db, { server: server.pid });
      for (const name of ['server', 'server:sys', 'postgres'] as const)
        cpu[name] = (cpu[name] ?? 0) + after[name]! - before[name]!;
      cpu.client! += result.clientCpuMs;
      measured += result.requestsPerSecond * seconds;
      mixes.push(result);
      // BENCH_MIX_DUMP=<path>: each round's latencies by kind (<path>.<round>.json), to study the tail.
      if (process.env.BENCH_MIX_DUMP)
        await fs.writeFile(`${process.env.BENCH_MIX_DUMP}.${r}.json`, JSON.stringify(result.byKind));
      // Each round's own CPU per request: which process a slower round spent more in.
      const requests = result.requestsPerSecond * seconds;
      const us = (ms: number) => ((ms / requests) * 1000).toFixed(0);
      console.log(
        `  ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, ${result.non2xx} non-2xx;` +
          ` CPU per request: Agora ${us(after.server! - before.server!)} µs, PostgreSQL ${us(after.postgres! - before.postgres!)} µs,` +
          ` load generator ${us(result.clientCpuMs)} µs`,
      );
    }
    const peakMb = await peakMemoryMb(server.pid);
    const baseline = mean(baselines);
    const mixed = { ...mean(mixes), byKind: mixes[0]!.byKind };
    for (const m of mixes.slice(1))
      for (const [k, v] of Object.entries(m.byKind)) {
        mixed.byKind[k as Kind].count += v.count;
        mixed.byKind[k as Kind].non2xx += v.non2xx;
        mixed.byKind[k as Kind].latencies.push(...v.latencies);
      }
    const ratio = mixed.requestsPerSecond / baseline.requestsPerSecond;
    const ok = ratio >= 0.25 && mixed.p99 <= 50;
    const total = Object.values(mixed.byKind).reduce((s, k) => s + k.count, 0);
    const quantile = (values: number[], q: number) => {
      const sorted = [...values].sort((a, b) => a - b);
      return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    };
    const kindRow = (kind: Kind, label: string) => {
      const k = mixed.byKind[kind];
      const p = (q: number) => quantile(k.latencies, q).toFixed(0);
      return `| ${label} | ${k.count} | ${((k.count / total) * 100).toFixed(1)} % | ${p(0.5)} | ${p(0.99)} | ${k.non2xx} |`;
    };
    const reads = [...mixed.byKind.visitor.latencies, ...mixed.byKind.member.latencies];
    const everything = [...reads, ...mixed.byKind.reply.latencies, ...mixed.byKind.like.latencies];
    // Which requests make the tail: the kinds of the slowest 1 % of all requests (over every round).
    const threshold = quantile(everything, 0.99);
    const slowest = (kind: Kind) => mixed.byKind[kind].latencies.filter((l) => l > threshold).length;
    const slowTotal = (['visitor', 'member', 'reply', 'like'] as const).reduce((n, k) => n + slowest(k), 0) || 1;
    const slowShare = (kind: Kind) => `${((slowest(kind) / slowTotal) * 100).toFixed(0)} %`;
    const perRequest = (name: string) => ((cpu[name]! / measured) * 1000).toFixed(0);
    const text = `## Realistic mix (issue 20)

Measured ${new Date().toISOString().slice(0, 10)} on ${machine(database.version)}; the machine was shared with
other work (load average ${loadBefore} before the run, ${loadAverage()} after), so the figures are indicative and
the ratio, measured in the same run, is the figure to compare.
Command: \`npm run bench -- mix\` (\`BENCH_SECONDS\`=${seconds}, ${rounds} interleaved rounds of baseline then mix, averaged; p99 the worst round's;
after a ${warmup}-s warm-up of the mix, each run drawing its own sequence of threads).

A community of ${threads.length.toLocaleString('en')} threads in 12 categories (1 to 5 posts each, ${AUTHORS} authors);
the server runs as production runs it, in its own process (dist/main.mjs, embedded PostgreSQL with durable
settings); autocannon in a child process, ${CONNECTIONS} connections, each request drawn at random: a thread by a Zipf
law (s = 1, ranks shuffled over the threads), then 80 % visitors' reads, 19 % signed-in members' reads (${MEMBERS}
members' session cookies), 0.5 % replies and 0.5 % likes by those members (real routes, Origin header; the flood and
duplicate rules off and the posting limit raised, every other rule on).

| route | requests/s | p50 (ms) | p99 (ms) | errors / non-2xx |
| --- | ---: | ---: | ---: | ---: |
| bare Fastify \`SELECT 1\` (baseline) | ${baseline.requestsPerSecond.toFixed(0)} | ${baseline.p50} | ${baseline.p99} | ${baseline.errors} / ${baseline.non2xx} |
| the mix | ${mixed.requestsPerSecond.toFixed(0)} | ${mixed.p50} | ${mixed.p99} | ${mixed.errors} / ${mixed.non2xx} |

**Ratio: ${(ratio * 100).toFixed(1)} %** of the baseline (target ≥ 25 %), p99 ${mixed.p99} ms (target ≤ 50 ms): ${ok ? '**target met**' : '**target not met**'}.
Rounds (baseline → mix in requests/s, the mix's p99, that p99 over the mean time a request spends (Little's law: ${CONNECTIONS} connections ÷ requests/s), and the load generator's CPU per request, the machine's speed): ${mixes.map((m, i) => `${baselines[i]!.requestsPerSecond.toFixed(0)} → ${m.requestsPerSecond.toFixed(0)}, p99 ${m.p99} ms, ${((m.p99 * m.requestsPerSecond) / CONNECTIONS / 1000).toFixed(1)} × the mean, ${((m.clientCpuMs / (m.requestsPerSecond * seconds)) * 1000).toFixed(0)} µs`).join('; ')}.

| requests (all rounds) | count | share | p50 (ms) | p99 (ms) | non-2xx |
| --- | ---: | ---: | ---: | ---: | ---: |
${kindRow('visitor', "visitor's read `GET /api/threads/:id`")}
${kindRow('member', "member's read, the same with a session")}
${kindRow('reply', 'reply `POST /api/threads/:id/posts`')}
${kindRow('like', 'like `POST /api/posts/:id/reactions/like`')}

Latencies by kind as the load generator saw them (from building the request to its response), over all rounds: every
request together has p99 ${quantile(everything, 0.99).toFixed(0)} ms (the verdict above takes the worst round's, ${mixed.p99} ms),
the reads alone (99 % of requests) ${quantile(reads, 0.99).toFixed(0)} ms. The slowest 1 % of requests were
${slowShare('visitor')} visitors' reads, ${slowShare('member')} members' reads, ${slowShare('reply')} replies and ${slowShare('like')} likes.

CPU per request over the measured rounds (from /proc): Agora ${perRequest('server')} µs (${perRequest('server:sys')} µs of it in the kernel), PostgreSQL (all its
processes) ${perRequest('postgres')} µs, the load generator ${perRequest('client')} µs. The server's peak resident
memory: ${peakMb} MiB, with a thread page cache of ${process.env.THREAD_CACHE_MB ?? defaultThreadCacheMb()} MiB (\`THREAD_CACHE_MB\`).

Where the time goes (\`BENCH_PROFILE=dir\` CPU profiles of the server, and \`pg_stat_statements\` on a server
started with it, December 2026): under a Zipf law over 100,000 threads about 40 % of a short run's reads are the
first read of their thread, so they build its page; the statements are cheap, and most of the server's busy time
was in socket writes (one per statement and per response), so round trips were what cost. What moved the ratio
from 18 % to over 30 %: the reads that arrive in one turn of the event loop share one statement per kind (pages not
in cache, members' layers, visitors' version checks; \`server/content/turn-batcher.ts\`); the page's statement is
compiled by the query builder once (building it was a tenth of the server's CPU); and a page's posts read their
authors by key (on 300 authors the planner hashed the whole members table: 0.26–0.40 ms of execution became
0.11–0.20 ms). Earlier: a like no longer sums its author's likes over every post (13.5 ms, now 0.03 ms through a
partial index), and each node's scheduler no longer scans every thread per tick (66 ms, now 0.005 ms). Since
2026-12-06 a visitor's read of a kept page is no statement at all: the node hears PostgreSQL's notices of changed
threads (migration 0042) instead of checking each page's version (about half the visitors' reads here; the ratio
went from 37–44 % to 38–50 % in the day's runs, and visitors' server-side p50 to 0.1 ms). Since 2026-12-07 a
member's layer on a kept page is kept too, until a notice of that member's reaction, bookmark, tracking or ignore
list drops it (migration 0044): their read of a kept page whose layer the node keeps is no statement either. Here
that is few of them (about a fifth of members' reads, by a simulation of this law: 40 members each reading at
random, and every write to a thread making its page anew), so members' p50 moved from 21 to 17–18 ms; a real
member, who goes back to the threads they follow, gains more. Server-side
(Fastify's own timing, an instrumented run), reads' p99 was 36 ms for visitors and 46 ms for members, writes' p50
45–68 ms: the rest of the client's p99 is time a request waits before the server's busy loop reads it.

The tail (p99): under this load every round trip to PostgreSQL waits for a turn of a busy event loop, about 5 ms
whatever the statement (even a bare BEGIN), so a request's latency is its sequential round trips times that
(a trace of the driver's calls, December 2026). Writes were the slowest requests and half of the slowest 1 %: a
like took 15 round trips, a reply 13. Now a like is 3 (its post, thread and reaction in one since 2026-12-07, the reaction rolled back when refused; its session read beside them since that evening, it was one more before them) and a reply 4 (its posting limit and its session read beside its first reads): the pool's connections pipeline and a
transaction's BEGIN goes out with its first statement; independent reads go side by side (a post and its thread;
a reply's thread, category and audience, read before its transaction), and so do a transaction's independent
writes (the reputation event beside the notification, server/db/side-by-side.ts); the reaction with its
counters, the reputation event with the score and the author's trust figures, and the notification with the
actor's names and the ignore list are each one statement. A member's read of a page not in cache reads their layer beside the page,
not after it; a write on the node re-synchronises the session cache at once instead of the next member's read
waiting for it, and a member's own write (a reply, a like) makes only that member's next read wait for it, not
every member's. The seeded members' trust levels match their figures, so that their first like or reply does not
demote them (a write a steady community does not make on every like). Since 2026-12-06 evening the node's pool
holds two connections per core plus two (6 here, was 20; \`DB_POOL_SIZE\`) and reaches the embedded PostgreSQL
through its Unix socket: with statements pipelined and shared per turn a few connections keep PostgreSQL busy, and
fewer backends compete with the node for the two cores (same-day runs: p99 44–56 ms with 4–6 connections against
59–73 ms with 20; PostgreSQL's CPU per request 184 → 147 µs). Since 2026-12-06 night the thread page cache's default
size follows the heap (an eighth of V8's heap limit, 64 to 256 MiB; 256 MiB here, it was a fixed 64 MiB): 64 MiB
held about 6,500 of these pages, so many threads read again within a minute or two had been dropped and were read
from PostgreSQL again. Same evening, this bench as it is now: PostgreSQL's CPU per request 225 µs with 64 MiB
against 137 µs with 256 MiB, Agora's 229 against 188 µs, at the price of memory under load (the peak above; the
cache fills only as pages are read). The bench itself changed that evening: each run (warm-up, rounds) draws its own
sequence of threads (one seed for all made every round replay the threads read before it, which a large cache then
held whatever their rank: the figures before this date are flattered by it), the warm-up lasts 30 s so that the
node's caches are as a running node's are, and the seeded community is vacuumed and checkpointed before the server
starts (autovacuum's runs after the bulk load and the first reads' hint bits fell in the measured rounds).
Since 2026-12-07 a kept page is its visitors' response in one buffer outside V8's heap with where its pieces end
(a member's page is made of those pieces), not post objects, pieces and the response side by side: about 4 KiB a
page here instead of 9, so the same 256 MiB hold about twice the pages, and the peak memory under this load fell
from 668 to 374 MiB. A page lives 300 s (\`THREAD_CACHE_SECONDS\`, was 60: a member's new name or picture now drops
the pages showing them by notice, so the TTL only bounds how old a reputation figure may be); with a 60-s life
most misses were pages that had expired, not pages dropped for room (a simulation of this law: 17 % of reads
missing at 60 s, 7 % at 300 s in steady state). This bench's rounds come 30 to 90 s after the node started, before
its cache reaches that steady state (about 11 % missing then, by the same simulation): they understate it.

Since 2026-12-07 evening a member's read of a kept page that holds none of their marks needs no layer at all: the
node keeps where each member has marks (server/modules/forum/member-marks.ts, read once per member) and answers
such a page with the empty layer, so most members' reads here cost what a visitor's does (members' p50 9–10 ms
against 16; PostgreSQL's CPU per request 106–110 µs in the evening's faster rounds against 119–122 before). A
reply's and a like's session check goes beside their first statements instead of before them (one round trip
less: a like's server-side p50 30 ms against 34). Neither moved the p99 much, and the rounds say why: in 39 of the
day's 41 rounds (instrumented ones included), whatever the change, a round's p99 was 3.7 to 4.5 times the mean
time a request spends in the system (Little's law: 50 connections over the round's requests/s; the other two 4.6
and 5.8, third rounds whose PostgreSQL CPU per request rose by a quarter: by then the writes' statements cost more,
the page's did not), the shape of a queue whose requests arrive at random; a
uniform load (the baseline here, the pages bench) shows 3.3. With every write taken out of a round's latencies
the ratio would be 3.5 to 3.8. So the p99 follows the throughput, under 50 ms from about 4,000 requests/s, and the
throughput follows the machine, whose speed moves from round to round (the load generator's own CPU per request,
the same work every time, went from 78 to 140 µs across the day's rounds). A pool of 12 connections took the waits
for a connection (p90 10 ms with 6) to nothing without changing that ratio (4.0–4.1). The round trips a request
makes are its tail: each costs 7–8 ms at p50 under this load, most of it waiting for the busy event loop and for
a core. Since 2026-12-07 evening those waits are shorter: a new request starts once the turn's I/O callbacks have
run (\`server/http/turn-order.ts\`), so the database answers that arrive in a turn move their requests on before
any new request's work; in 3 pairs of runs alternated, the p99 over the mean time went from 4.2–4.4 to 3.6–3.9.`;
    await record('mix', text);
    console.log(text);
  } finally {
    await server.stop();
    await bare.close();
    await database.close();
    await fs.rm(planFile, { force: true });
  }
}
