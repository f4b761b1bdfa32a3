import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { buildApp } from '../server/app.ts';
import { skeleton } from '../server/lib/confusables.ts';
import { postSentiment } from '../server/modules/community/sentiment.ts';
import { SessionRepository } from '../server/modules/auth/session.repository.ts';
import { generateSessionToken, SessionService } from '../server/modules/auth/session.service.ts';
import { loadConfig } from '../server/config.ts';
import { englishPost, frenchPost, prng, QUERIES, title } from './lib/corpus.ts';
import { benchDatabase, machine, record, startBaseline } from './lib/harness.ts';

/**
 * Issue 5: a large community (1 000 000 posts of French and English text by default, BENCH_POSTS to change it)
 * generated with COPY, then search latency through the HTTP route, p50/p95 per kind of query, against a bare
 * Fastify route doing `SELECT 1` measured in the same run. budget, docs/ARCHITECTURE.md: p95 ≤ 30 ms on 1 M posts.
 */
export async function search(): Promise<void> {
  const total = Number(process.env.BENCH_POSTS ?? 1_000_000);
  const database = await benchDatabase();
  const { db } = database;
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const rand = prng(42);
  const members = Math.max(50, Math.round(total / 100));
  const threads = Math.max(10, Math.round(total / 10));
  const categories = 8;

  const copy = async (table: string, columns: string, rows: () => Generator<string>) => {
    await pipeline(Readable.from(rows()), client.query(copyFrom(`COPY ${table} (${columns}) FROM STDIN`)));
  };
  const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n');

  console.log(`generating ${members} members, ${threads} threads, ${total} posts…`);
  const t0 = performance.now();
  // Consistent by construction, so foreign-key and search triggers are skipped while loading (the documents
  // are then built in one statement per half, and the GIN index once, which is how a big import is done).
  await client.query(`SET session_replication_role = replica`);
  await client.query(`DROP INDEX post_search_doc_idx`);
  await copy('members', 'id, username, username_skeleton, email, password_hash, trust_level, created_at', function* () {
    for (let i = 1; i <= members; i++)
      yield `${i}\tmembre_${i}\t${skeleton(`membre_${i}`)}\tm${i}@example.test\tx\t${i % 4}\t2024-01-01\n`;
  });
  await copy('categories', 'id, slug, name', function* () {
    for (let i = 1; i <= categories; i++) yield `${i}\tcat-${i}\tCatégorie ${i}\n`;
  });
  const start = Date.parse('2023-01-01T00:00:00Z');
  const span = Date.now() - start;
  const perThread: number[] = [];
  let assigned = 0;
  for (let t = 0; t < threads; t++) {
    const n =
      t === threads - 1
        ? total - assigned
        : Math.max(1, Math.min(total - assigned - (threads - t - 1), Math.round(1 + rand() ** 3 * 38)));
    perThread.push(n);
    assigned += n;
  }
  const kinds = ['discussion', 'question', 'tip', 'idea', 'discussion', 'question'];
  const threadTime = (t: number) => start + Math.floor((t / threads) * span);
  await copy(
    'threads',
    'id, category_id, author_id, kind, title, state, post_count, reply_count, last_post_at, created_at',
    function* () {
      for (let t = 0; t < threads; t++) {
        const at = new Date(threadTime(t)).toISOString();
        yield `${t + 1}\t${1 + Math.floor(rand() * categories)}\t${1 + Math.floor(rand() * members)}\t${kinds[Math.floor(rand() * kinds.length)]}\t${esc(title(rand, t % 5 !== 4))}\tpublished\t${perThread[t]}\t${perThread[t]! - 1}\t${at}\t${at}\n`;
      }
    },
  );
  await copy(
    'posts',
    'id, thread_id, author_id, number, body_md, body_html, sentiment, state, created_at',
    function* () {
      let id = 0;
      for (let t = 0; t < threads; t++) {
        const french = t % 5 !== 4;
        for (let n = 1; n <= perThread[t]!; n++) {
          id++;
          const text = french ? frenchPost(rand) : englishPost(rand);
          const body = esc(text);
          const at = new Date(threadTime(t) + n * 3_600_000).toISOString();
          yield `${id}\t${t + 1}\t${1 + Math.floor(rand() * members)}\t${n}\t${body}\t<p>${body}</p>\t${postSentiment(text)}\tpublished\t${at}\n`;
        }
      }
    },
  );
  await client.query(`SET session_replication_role = DEFAULT`);
  for (const table of ['members', 'categories', 'threads', 'posts']) {
    await client.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT max(id) FROM ${table}))`);
  }
  const copied = performance.now();
  console.log(`  copied in ${((copied - t0) / 1000).toFixed(1)} s; building search documents…`);
  const half = Math.floor(total / 2);
  const build = (lo: number, hi: number) => {
    const c = new pg.Client({ connectionString: database.url });
    return (
      c
        .connect()
        // No search_outbox rows for a bulk load: an external index is filled by `search:reindex`.
        .then(() => c.query('SET session_replication_role = replica'))
        .then(() =>
          c.query(
            `INSERT INTO post_search (post_id, doc, category_id, kind, author_id, visibility, answered, created_at)
                 SELECT p.id, agora_search_doc(CASE WHEN p.number = 1 THEN t.title END, p.body_md), t.category_id, t.kind,
                        p.author_id, agora_search_visibility(p.state, t.state), t.accepted_post_id IS NOT NULL, p.created_at
                   FROM posts p JOIN threads t ON t.id = p.thread_id WHERE p.id > $1 AND p.id <= $2`,
            [lo, hi],
          ),
        )
        .finally(() => c.end())
    );
  };
  await Promise.all([build(0, half), build(half, total)]);
  const documents = performance.now();
  console.log(`  documents in ${((documents - copied) / 1000).toFixed(1)} s; GIN index…`);
  await client.query(`SET maintenance_work_mem = '1GB'`);
  await client.query(`CREATE INDEX post_search_doc_idx ON post_search USING gin (doc)`);
  await client.query('ANALYZE');
  const indexed = performance.now();
  const size = (
    await client.query(
      `SELECT pg_size_pretty(pg_total_relation_size('post_search')) AS s, pg_size_pretty(pg_database_size(current_database())) AS d`,
    )
  ).rows[0];
  await client.end();
  console.log(`  index in ${((indexed - documents) / 1000).toFixed(1)} s (post_search ${size.s}, database ${size.d})`);

  if (process.env.BENCH_HOLD) {
    // For query tuning by hand: keeps the generated database until the named file exists.
    console.log(`holding ${database.url} until ${process.env.BENCH_HOLD} exists`);
    const { existsSync } = await import('node:fs');
    while (!existsSync(process.env.BENCH_HOLD)) await new Promise((r) => setTimeout(r, 1000));
  }
  const config = loadConfig({ WEB_DIST: '/nonexistent', LOG_LEVEL: 'silent', RATE_LIMIT_SEARCH: '100000000' });
  const app = await buildApp({ config, db });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const bare = await startBaseline(db);
  const base = (s: { server: { address(): unknown } }) =>
    `http://127.0.0.1:${(s.server.address() as { port: number }).port}`;

  const timed = async (url: string) => {
    const began = performance.now();
    const res = await fetch(url);
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${url}: ${res.status}`);
    return performance.now() - began;
  };
  const pct = (xs: number[], p: number) =>
    [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
  const repeats = Number(process.env.BENCH_REPEATS ?? 15);
  const classes: Record<string, string[]> = {
    ...QUERIES,
    filtered: QUERIES.common.map((q) => `${q}&kind=question&category=cat-3`),
    author: QUERIES.common.map((q) => `${q}&author=membre_77`),
  };
  try {
    // Warm-up: caches and JIT, as on a server that has been up for a while.
    for (const list of Object.values(classes))
      for (const q of list) await timed(`${base(app)}/api/search?q=${encodeURIComponent(q)}`);
    const rows: string[] = [];
    const all: number[] = [];
    const baseline: number[] = [];
    for (const [name, list] of Object.entries(classes)) {
      const times: number[] = [];
      for (let r = 0; r < repeats; r++) {
        for (const q of list) {
          const [k, ...filters] = q.split('&');
          times.push(
            await timed(
              `${base(app)}/api/search?q=${encodeURIComponent(k!)}${filters.length ? `&${filters.join('&')}` : ''}`,
            ),
          );
          baseline.push(await timed(`${base(bare)}/select1`));
        }
      }
      all.push(...times);
      rows.push(
        `| ${name} (${list.map((q) => `« ${q.split('&')[0]} »`).join(', ')}) | ${pct(times, 50).toFixed(1)} ms | ${pct(times, 95).toFixed(1)} ms |`,
      );
      console.log(rows.at(-1));
    }
    const b50 = pct(baseline, 50);
    const p95 = pct(all, 95);
    const text = `## Search on a large community (issue 5)

Measured ${new Date().toISOString().slice(0, 10)} on ${machine(database.version)}.
Command: \`npm run bench -- search\` (BENCH_POSTS=${total}). PostgreSQL full-text adapter, through \`GET /api/search\` on a
listening server, one request at a time, ${repeats} rounds of each query after a warm-up; every request also logs the query.
Ranking among the newest ${config.searchCandidates} matches (\`SEARCH_CANDIDATES\`).

Generator (${total.toLocaleString('en')} posts in ${threads.toLocaleString('en')} threads by ${members.toLocaleString('en')} members, 4/5 French, 1/5 English):

| step | time |
| --- | ---: |
| generate + COPY | ${((copied - t0) / 1000).toFixed(1)} s |
| search documents (2 workers) | ${((documents - copied) / 1000).toFixed(1)} s |
| GIN index + ANALYZE | ${((indexed - documents) / 1000).toFixed(1)} s |
| **total** | **${((indexed - t0) / 1000).toFixed(1)} s** |

Sizes: \`post_search\` ${size.s}, whole database ${size.d}.

| queries | p50 | p95 |
| --- | ---: | ---: |
${rows.join('\n')}
| **all** | **${pct(all, 50).toFixed(1)} ms** | **${p95.toFixed(1)} ms** |
| baseline: bare Fastify route doing \`SELECT 1\` | ${b50.toFixed(1)} ms | ${pct(baseline, 95).toFixed(1)} ms |

Budget (budget, docs/ARCHITECTURE.md): p95 ≤ 30 ms on 1 M posts — **${p95 <= 30 ? 'met' : 'not met'}** (p95 = ${(p95 / b50).toFixed(0)} × the baseline's p50).`;
    await record('search', text);
    console.log(text);

    // Issue 7: the health dashboard's figures on the same million posts, as a community manager asks for them.
    const manager = await db
      .insertInto('members')
      .values({
        username: 'bench_manager',
        username_skeleton: skeleton('bench_manager'),
        email: 'bench_manager@example.test',
        password_hash: 'x',
        role: 'community_manager',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const token = generateSessionToken();
    await new SessionService(new SessionRepository(db)).create(token, manager.id);
    const health = async (days: number) => {
      const began = performance.now();
      const res = await fetch(`${base(app)}/api/community/health?days=${days}`, {
        headers: { cookie: `agora_session=${token}` },
      });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`health: ${res.status}`);
      return performance.now() - began;
    };
    const healthRows: string[] = [];
    for (const days of [7, 30, 365]) {
      await health(days);
      const times = [];
      for (let r = 0; r < 5; r++) times.push(await health(days));
      healthRows.push(`| ${days} days | ${pct(times, 50).toFixed(0)} ms | ${Math.max(...times).toFixed(0)} ms |`);
      console.log(healthRows.at(-1));
    }
    await record(
      'health',
      `## Community health on a large community (issue 7)

Measured ${new Date().toISOString().slice(0, 10)} on ${machine(database.version)}, by \`npm run bench -- search\` on its generated
community (${total.toLocaleString('en')} posts over ${Math.round(span / 86_400_000)} days): \`GET /api/community/health?days=N\` as a community
manager, one request at a time, 5 rounds after a warm-up. Every figure is one SQL query; they are sent together.

| window | median | slowest |
| --- | ---: | ---: |
${healthRows.join('\n')}`,
    );
  } finally {
    await app.close();
    await bare.close();
    await database.close();
  }
}
