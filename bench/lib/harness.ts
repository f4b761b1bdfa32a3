import { execFile, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import Fastify, { type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import { freePort, startEmbeddedPostgres } from '../../server/db/embedded.ts';
import { createDb, type Db } from '../../server/db/kysely.ts';
import { migrateToLatest } from '../../server/db/migrator.ts';

const run = promisify(execFile);

export interface BenchDatabase {
  db: Db;
  url: string;
  version: string;
  /** The bench's own PostgreSQL (not BENCH_DATABASE_URL's): its settings are ours to change. */
  embedded: boolean;
  /** pg_stat_statements is loaded (see statementProfile). */
  statements: boolean;
  close(): Promise<void>;
  /** Another fresh, migrated database on the same server (closing it drops it; the server stops with this one). */
  sibling(): Promise<BenchDatabase>;
}

/** A fresh, migrated database: BENCH_DATABASE_URL's server, or an embedded one (durable settings, as in production). */
export async function benchDatabase(options: { statements?: boolean } = {}): Promise<BenchDatabase> {
  let adminUrl = process.env.BENCH_DATABASE_URL;
  let stop = async () => {};
  const embedded = !adminUrl;
  if (!adminUrl) {
    const dir = path.join(os.tmpdir(), `agora-bench-${process.pid}`);
    await fs.mkdir(dir, { recursive: true, mode: 0o755 });
    // `statements`: pg_stat_statements (shipped with the embedded binaries) for the benches that say where
    // PostgreSQL's time goes (statementProfile), tracking nothing until asked. Loaded, it slows PostgreSQL by a few
    // percent: not for measured runs.
    const server = await startEmbeddedPostgres({
      dir,
      settings: options.statements ? { shared_preload_libraries: 'pg_stat_statements' } : {},
    });
    adminUrl = server.url();
    stop = async () => {
      await server.stop();
      await fs.rm(dir, { recursive: true, force: true });
    };
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const statements = embedded && options.statements === true;
  if (statements) {
    // Tracking is switched by ALTER SYSTEM (a setting given at start would override it): off until asked for.
    await admin.query(`ALTER SYSTEM SET pg_stat_statements.track = 'none'`);
    await admin.query('SELECT pg_reload_conf()');
  }
  const version = (await admin.query('SHOW server_version')).rows[0].server_version as string;
  let made = 0;
  const fresh = async (end: () => Promise<void>): Promise<BenchDatabase> => {
    const name = `agora_bench_${Date.now()}_${made++}`;
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    // DB_PREPARE=0 compares with every statement parsed and planned each time.
    const { db } = createDb(url.toString(), 20, undefined, process.env.DB_PREPARE !== '0');
    await migrateToLatest(db);
    return {
      db,
      url: url.toString(),
      version,
      embedded,
      statements,
      async close() {
        await db.destroy();
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await end();
      },
      sibling: () => fresh(async () => {}),
    };
  };
  return fresh(async () => {
    await admin.end();
    await stop();
  });
}

/** One statement's share of PostgreSQL's work over a measured window (pg_stat_statements). */
export interface StatementCost {
  query: string;
  calls: number;
  /** Execution time (ms) summed over the window, triggers' statements included in their statement's. */
  totalMs: number;
  /** Run by a trigger or a function rather than sent by Agora. */
  nested: boolean;
}

/**
 * PostgreSQL's time per statement between `start()` and `stop()` (pg_stat_statements with `track = all`, this
 * database only), or null unless the database was made with `statements` (not BENCH_DATABASE_URL's: its settings
 * are not ours to change).
 */
export async function statementProfile(database: BenchDatabase) {
  if (!database.statements) return null;
  const { db } = database;
  const track = async (value: 'all' | 'none') => {
    await sql`ALTER SYSTEM SET pg_stat_statements.track = ${sql.lit(value)}`.execute(db);
    await sql`SELECT pg_reload_conf()`.execute(db);
    await sleep(300); // every backend reads the configuration again before its next statement
  };
  await sql`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`.execute(db);
  return {
    start: async () => {
      await track('all');
      await sql`SELECT pg_stat_statements_reset()`.execute(db);
    },
    stop: async (): Promise<StatementCost[]> => {
      const { rows } = await sql<{ query: string; calls: string; total: number; toplevel: boolean }>`
        SELECT query, calls, total_exec_time AS total, toplevel FROM pg_stat_statements
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        ORDER BY total_exec_time DESC`.execute(db);
      await track('none');
      return rows.map((r) => ({
        query: r.query.replace(/\s+/g, ' ').trim(),
        calls: Number(r.calls),
        totalMs: r.total,
        nested: !r.toplevel,
      }));
    },
  };
}

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/**
 * autocannon in a child process, so that the load generator does not share the server's event loop.
 * A short warm-up runs first (JIT, pool connections, PostgreSQL caches).
 */
export async function load(
  url: string,
  options: {
    connections?: number;
    seconds?: number;
    headers?: Record<string, string>;
    /** A POST (or other method) with this JSON body. */
    method?: string;
    body?: string;
  } = {},
): Promise<LoadResult> {
  const connections = options.connections ?? 50;
  const seconds = options.seconds ?? Number(process.env.BENCH_SECONDS ?? 10);
  const cli = path.resolve('node_modules/autocannon/autocannon.js');
  const headerArgs = [
    ...Object.entries(options.headers ?? {}).flatMap(([k, v]) => ['-H', `${k}=${v}`]),
    ...(options.method ? ['-m', options.method] : []),
    ...(options.body !== undefined ? ['-H', 'content-type=application/json', '-b', options.body] : []),
  ];
  await run(process.execPath, [cli, '-c', String(connections), '-d', '2', ...headerArgs, url], { maxBuffer: 1 << 24 });
  const { stdout } = await run(
    process.execPath,
    [cli, '-j', '-c', String(connections), '-d', String(seconds), ...headerArgs, url],
    {
      maxBuffer: 1 << 24,
    },
  );
  const result = JSON.parse(stdout);
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

export function mean(results: LoadResult[]): LoadResult {
  const avg = (pick: (r: LoadResult) => number) => results.reduce((sum, r) => sum + pick(r), 0) / results.length;
  return {
    requestsPerSecond: avg((r) => r.requestsPerSecond),
    // One decimal: a mean of integral autocannon percentiles (e.g. 4.666… ms) prints as 4.7.
    p50: Math.round(avg((r) => r.p50) * 10) / 10,
    p99: Math.max(...results.map((r) => r.p99)),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
  };
}

export function machine(pgVersion: string): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}, PostgreSQL ${pgVersion}`;
}

/** Replaces the section between `<!-- bench:NAME -->` markers in BENCHMARKS.md (appends it the first time). */
export async function record(name: string, markdown: string): Promise<void> {
  const file = path.resolve('BENCHMARKS.md');
  let text = await fs
    .readFile(file, 'utf8')
    .catch(() => '# Benchmarks\n\nFigures written by `npm run bench`; never edited by hand.\n');
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  text = i >= 0 && j > i ? text.slice(0, i) + block + text.slice(j + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  await fs.writeFile(file, text);
}

/** The baseline every server figure is compared with: a bare Fastify route doing `SELECT 1` on the same pool. */
export async function startBaseline(db: Db): Promise<FastifyInstance> {
  const bare = Fastify();
  bare.get('/select1', async () => {
    await sql`SELECT 1`.execute(db);
    return { ok: true };
  });
  await bare.listen({ port: 0, host: '127.0.0.1' });
  return bare;
}

/**
 * CPU time (user + system, in ms) used so far by the bench's PostgreSQL (its postmaster and every process it
 * started: backends, WAL writer, checkpointer…, and those that have exited since, such as autovacuum's workers)
 * and by the given pids, from /proc (Linux): where a scenario's time goes, by process. Other PostgreSQL servers
 * on the machine are not counted. `postgres:<kind>` splits PostgreSQL's time by process kind (`backends` for the
 * connections' processes, `exited` for processes gone since they started, else the process's title).
 */
export async function cpuTimes(db: Db, pids: Record<string, number>): Promise<Record<string, number>> {
  const tick = 1000 / 100; // USER_HZ is 100 on Linux
  const read = async (pid: string) => {
    try {
      const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return {
        ppid: Number(fields[1]),
        ms: (Number(fields[11]) + Number(fields[12])) * tick,
        sys: Number(fields[12]) * tick,
        // Children it has waited for (exited): their user + system time.
        children: (Number(fields[13]) + Number(fields[14])) * tick,
      };
    } catch {
      return { ppid: 0, ms: 0, sys: 0, children: 0 };
    }
  };
  const kind = async (pid: string) => {
    const title = (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replace(/\0/g, ' ').trim();
    const name = /^postgres: (.*)$/.exec(title)?.[1] ?? 'other';
    // A backend's title is "user database [local] state" (or an address); the server's own processes name their job.
    return /\[local\]|\d+\.\d+\.\d+\.\d+|\(\d+\)/.test(name) ? 'backends' : name.replace(/ worker.*$/, ' worker');
  };
  const backend = (await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(db)).rows[0]!.pid;
  const postmasterPid = String((await read(String(backend))).ppid);
  const postmaster = await read(postmasterPid);
  const out: Record<string, number> = {
    postgres: postmaster.ms + postmaster.children,
    'postgres:postmaster': postmaster.ms,
    'postgres:exited': postmaster.children,
  };
  for (const pid of (await fs.readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    const { ppid, ms } = await read(pid);
    if (String(ppid) !== postmasterPid) continue;
    out.postgres! += ms;
    const key = `postgres:${await kind(pid)}`;
    out[key] = (out[key] ?? 0) + ms;
  }
  // `name` is user + system time; `name:sys` the system (kernel) part alone: sockets, pipes, the page cache.
  for (const [name, pid] of Object.entries(pids)) {
    const { ms, sys } = await read(String(pid));
    out[name] = ms;
    out[`${name}:sys`] = sys;
  }
  return out;
}

/** A process's peak resident memory so far, in MiB (VmHWM in /proc, Linux; 0 where unknown). */
export async function peakMemoryMb(pid: number): Promise<number> {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/** Agora run as production runs it (dist/main.mjs in its own process), for the benches that write. */
export interface WriterServer {
  pid: number;
  port: number;
  /** Resolves once it listens. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the production server on `databaseUrl` with the posting limit raised (the load writes faster than people
 * do). For diagnosis only: `BENCH_PROFILE=dir` writes a V8 CPU profile there when it stops (where the time goes),
 * `BENCH_NODE_FLAGS` adds Node flags (e.g. `--trace-gc`), `BENCH_SERVER_LOG=file` appends its output there.
 */
export async function startWriterServer(
  databaseUrl: string,
  entry = 'dist/main.mjs',
  /** Node's flags for this server only, after BENCH_NODE_FLAGS (a side-by-side comparison's B). */
  ownFlags: readonly string[] = [],
): Promise<WriterServer> {
  const port = await freePort();
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const flags = process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
  const server = spawn(process.execPath, [...profile, ...flags, ...ownFlags, entry], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      DEMO: '0',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_POSTING: '1000000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    server.stdout.on('data', (chunk: Buffer) => {
      if (process.env.BENCH_SERVER_LOG) void fs.appendFile(process.env.BENCH_SERVER_LOG, chunk);
      if (chunk.toString().includes('is listening')) resolve();
    });
    server.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return {
    pid: server.pid!,
    port,
    ready,
    stop: async () => {
      server.kill('SIGINT');
      await new Promise((resolve) => server.on('exit', resolve));
    },
  };
}

/** The flood and duplicate rules refuse machine-speed writes; every other netiquette rule runs. */
export async function allowMachineSpeedWrites(db: Db): Promise<void> {
  await db.updateTable('netiquette_rules').set({ enabled: false }).where('key', 'in', ['flood', 'duplicate']).execute();
  await sleep(1500); // the nodes re-read the rules every second
}
