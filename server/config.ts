import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { identityConfig, type IdentityConfig } from './config-identity.ts';

/**
 * The one place that reads process.env. Everything below receives a frozen Config.
 * Runtime settings that community managers change live in the database, not here.
 */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** External PostgreSQL; when absent an embedded server is started under dataDir. */
  readonly databaseUrl: string | undefined;
  readonly demo: boolean;
  readonly adminEmail: string | undefined;
  readonly adminPassword: string | undefined;
  readonly adminUsername: string;
  /** Extra origins allowed on state-changing requests (the request's own host is always allowed). */
  readonly allowedOrigins: readonly string[];
  readonly trustProxy: boolean;
  /** Sets the Secure flag on cookies; defaults to true when PUBLIC_URL is https. */
  readonly secureCookies: boolean;
  readonly logLevel: string;
  /** How long a node may reuse author details on a cached thread page (the page itself is re-validated on every read). */
  readonly threadCacheSeconds: number;
  /**
   * Memory a node's thread page cache may hold, in MiB (issue 20: the long tail of threads read from search;
   * default from the heap, see defaultThreadCacheMb).
   */
  readonly threadCacheMb: number;
  /** Visitors reading one thread at the same moment share its re-validation query. */
  readonly threadCoalesce: boolean;
  /** How long a node may keep a session for members' reads (invalidated by notifications; 0: read it every time). */
  readonly sessionCacheSeconds: number;
  /** Hot statements run as server-side prepared statements (server/db/prepared.ts). */
  readonly dbPrepare: boolean;
  /** The node's PostgreSQL connections (DB_POOL_SIZE; default 2 per core + 2, see defaultPoolSize). */
  readonly dbPoolSize: number;
  /** How often a node re-reads the netiquette rules' version (their changes apply everywhere within this). */
  readonly netiquetteRecheckMs: number;
  /** How many of the newest matching posts search ranks (PostgreSQL adapter). */
  readonly searchCandidates: number;
  /** Meilisearch instead of PostgreSQL full-text search, when MEILI_URL is set. */
  readonly meili: Readonly<{ url: string; key: string | undefined; index: string }> | undefined;
  /** Runs the search outbox worker in this process (tests turn it off and drain by hand). */
  readonly searchWorker: boolean;
  readonly searchOutboxBatch: number;
  /** How often a node publishes scheduled threads that are due (0: never; tests run it by hand). */
  readonly schedulerMs: number;
  /** How often a node looks for bad buzz to announce to community managers (0: never). */
  readonly buzzCheckMs: number;
  readonly live: Readonly<{
    heartbeatMs: number;
    maxBufferedBytes: number;
    keepSeconds: number;
    /** Open live sockets allowed on this node, from one address, and for one signed-in member. */
    maxSockets: number;
    maxSocketsPerAddress: number;
    maxSocketsPerMember: number;
  }>;
  /**
   * Outgoing mail. Without `smtpUrl` nothing is sent: messages are kept in the outbox and written to the log, so
   * that an administrator can follow every flow (`npm start` needs no mail server).
   */
  readonly mail: Readonly<{
    smtpUrl: string | undefined;
    from: string;
    /** How often a node looks for mail to send, notifications to mail, digests and newsletters due (0: never). */
    workerMs: number;
    /** Messages sent per batch (one transaction, holding the senders' lock). */
    batch: number;
    /** SMTP connection, greeting and socket timeouts: a stuck server fails the attempt, which is retried later. */
    timeoutMs: number;
    /**
     * At most this many messages per second from the sending node (0: as fast as the server takes them). Mail
     * providers cap senders' rates, and a newsletter then leaves room for the node's web requests: 100/s keeps a
     * saturated 2-core node's thread reads within 10 % (BENCHMARKS.md, mail), and sends 10 000 in under 2 min.
     */
    ratePerSecond: number;
    /** Days a message is kept once dealt with (the outgoing-mail page and the members' data exports show it). */
    keepDays: number;
  }>;
  /** The public address (PUBLIC_URL), for links written outside the site (exports). */
  readonly publicUrl: string | undefined;
  readonly webDist: string;
  /** The server renderer of public pages (web/dist-server/entry-server.js, built with the web app); pages are
   * rendered in the browser alone when it is missing. */
  readonly webSsr: string;
  readonly limits: Readonly<{
    titleMin: number;
    titleMax: number;
    bodyMin: number;
    bodyMax: number;
    /** HTTP body size limit in bytes (413 past it). */
    requestBytes: number;
    pageSize: number;
  }>;
  /** Single sign-on: OpenID Connect providers, DiscourseConnect, and whether members keep passwords. */
  readonly identity: IdentityConfig;
  /** Images (server/modules/uploads): where they are kept, how large, and external images fetched at publication. */
  readonly uploads: Readonly<{
    /** The largest file accepted from anyone, in bytes (trust levels below the top get less: uploads.rules.ts). */
    maxBytes: number;
    /** Decoded pixels past which an image is refused (decompression bombs). */
    maxPixels: number;
    /** Images sent per day by a trust-level-0 member (higher levels get more: uploads.rules.ts). */
    perDay: number;
    /** S3-compatible storage, when S3_BUCKET is set; files under DATA_DIR/uploads otherwise. */
    s3:
      | Readonly<{
          bucket: string;
          endpoint: string | undefined;
          region: string;
          accessKeyId: string | undefined;
          secretAccessKey: string | undefined;
        }>
      | undefined;
    /** External images in posts, downloaded when the post is published. */
    external: Readonly<{
      maxBytes: number;
      timeoutMs: number;
      /** Fetch from private and loopback addresses too (an intranet's image host; tests): off by default (SSRF). */
      allowPrivate: boolean;
    }>;
  }>;
  readonly rateLimits: Readonly<{
    /** Login attempts per minute for one login name, from anywhere. */
    login: number;
    /** Login attempts per minute from one address, whatever the names tried. */
    loginPerAddress: number;
    /** Registrations per hour for one IP. */
    register: number;
    /** Posts (threads + replies) per minute for one member. */
    posting: number;
    /** Markdown previews per minute for one client. */
    preview: number;
    /** Searches (and title suggestions) per minute for one client. */
    search: number;
    /** Account e-mails asked for (password reset, verification resent) per hour for one account or login. */
    accountMail: number;
    /** The same, per hour from one network address, whatever the accounts named. */
    accountMailPerAddress: number;
    /** Tokens tried (reset, verification, unsubscribe) per 10 minutes from one address. */
    tokens: number;
    /** Read positions sent per minute by one member (the client sends one every few seconds while reading). */
    readPosition: number;
  }>;
}

export class ConfigError extends Error {}

/**
 * A node's pool: two connections per core of this machine plus two (the rule of thumb PostgreSQL's wiki gives for
 * a database server's busy connections; with the embedded server both share these cores). Statements pipeline and
 * the reads of one event-loop turn share one statement, so a few connections keep PostgreSQL busy; more only let
 * more backends compete with the node for the cores (issue 20's mix on 2 cores: worst round's p99 44–56 ms with
 * 4–6 connections, 59–73 ms with 20, same-day runs). A node in front of a larger database server sets DB_POOL_SIZE.
 */
function defaultPoolSize(): number {
  return 2 * os.availableParallelism() + 2;
}

/**
 * The thread page cache's default: an eighth of this process's V8 heap limit (which Node derives from the memory of
 * the machine or container), between 64 and 256 MiB. On issue 20's mix (100,000 threads read by a Zipf law) 64 MiB
 * held about 6,500 pages, so threads read again within a minute or two were often gone: 256 MiB took PostgreSQL's
 * CPU per request from 225 to 137 µs and the node's from 229 to 188 µs. The cache fills only as pages are read: an
 * idle node holds none.
 */
export function defaultThreadCacheMb(): number {
  const heapMb = v8.getHeapStatistics().heap_size_limit / 2 ** 20;
  return Math.round(Math.min(256, Math.max(64, heapMb / 8)));
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

/**
 * Half the process's open-file limit (each socket is a file descriptor; the rest is for HTTP, the database and
 * files), at most 20 000: a flood of sockets then meets the cap long before the limit that would stop the node
 * answering anything. Read from /proc on Linux; 10 000 where it cannot be read.
 */
function defaultSocketCap(): number {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = Number(line?.split(/\s{2,}/)[1]);
    if (Number.isFinite(soft) && soft > 0) return Math.max(100, Math.min(20_000, Math.floor(soft / 2)));
  } catch {
    // not Linux
  }
  return 10_000;
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be a boolean (1/0, true/false), got "${env[name]}"`);
}

function meili(env: NodeJS.ProcessEnv): Config['meili'] {
  const url = env.MEILI_URL?.trim();
  if (!url) return undefined;
  try {
    new URL(url);
  } catch {
    throw new ConfigError(`MEILI_URL is not a URL: "${url}"`);
  }
  const index = env.MEILI_INDEX?.trim() || 'agora_posts';
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(index))
    throw new ConfigError(`MEILI_INDEX may hold letters, digits, - and _ only, got "${index}"`);
  return Object.freeze({ url, key: env.MEILI_MASTER_KEY || undefined, index });
}

function s3(env: NodeJS.ProcessEnv): Config['uploads']['s3'] {
  const bucket = env.S3_BUCKET?.trim();
  if (!bucket) return undefined;
  const endpoint = env.S3_ENDPOINT?.trim() || undefined;
  if (endpoint) {
    try {
      new URL(endpoint);
    } catch {
      throw new ConfigError(`S3_ENDPOINT is not a URL: "${endpoint}"`);
    }
  }
  return Object.freeze({
    bucket,
    endpoint,
    region: env.S3_REGION?.trim() || 'us-east-1',
    accessKeyId: env.S3_ACCESS_KEY_ID?.trim() || undefined,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY || undefined,
  });
}

function smtpUrl(env: NodeJS.ProcessEnv): string | undefined {
  const url = env.SMTP_URL?.trim();
  if (!url) return undefined;
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new ConfigError('SMTP_URL is not a URL (smtp://user:pass@host:587 or smtps://…)');
  }
  if (protocol !== 'smtp:' && protocol !== 'smtps:')
    throw new ConfigError('SMTP_URL must start with smtp:// or smtps://');
  return url;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const publicUrl = env.PUBLIC_URL?.trim();
  const origins = (env.ALLOWED_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  if (publicUrl) {
    try {
      origins.push(new URL(publicUrl).origin);
    } catch {
      throw new ConfigError(`PUBLIC_URL is not a URL: "${publicUrl}"`);
    }
  }
  const adminEmail = env.ADMIN_EMAIL?.trim() || undefined;
  const adminPassword = env.ADMIN_PASSWORD || undefined;
  if ((adminEmail === undefined) !== (adminPassword === undefined)) {
    throw new ConfigError('ADMIN_EMAIL and ADMIN_PASSWORD go together: set both or neither');
  }
  const titleMax = int(env, 'TITLE_MAX', 200, 10, 1000);
  const bodyMax = int(env, 'BODY_MAX', 30000, 100, 500000);
  const config: Config = {
    port: int(env, 'PORT', 3000, 0, 65535),
    host: env.HOST?.trim() || '0.0.0.0',
    dataDir: path.resolve(cwd, env.DATA_DIR?.trim() || 'data'),
    databaseUrl: env.DATABASE_URL?.trim() || undefined,
    demo: bool(env, 'DEMO', true),
    adminEmail,
    adminPassword,
    adminUsername: env.ADMIN_USERNAME?.trim() || 'admin',
    allowedOrigins: Object.freeze(origins),
    trustProxy: bool(env, 'TRUST_PROXY', false),
    secureCookies: bool(env, 'SECURE_COOKIES', publicUrl?.startsWith('https:') ?? false),
    logLevel: env.LOG_LEVEL?.trim() || 'warn',
    threadCacheSeconds: int(env, 'THREAD_CACHE_SECONDS', 300, 0, 3600),
    threadCacheMb: int(env, 'THREAD_CACHE_MB', defaultThreadCacheMb(), 1, 16_384),
    threadCoalesce: bool(env, 'THREAD_COALESCE', true),
    sessionCacheSeconds: int(env, 'SESSION_CACHE_SECONDS', 300, 0, 86_400),
    dbPrepare: bool(env, 'DB_PREPARE', true),
    dbPoolSize: int(env, 'DB_POOL_SIZE', defaultPoolSize(), 2, 500),
    netiquetteRecheckMs: int(env, 'NETIQUETTE_RECHECK_MS', 1000, 0, 600_000),
    searchCandidates: int(env, 'SEARCH_CANDIDATES', 200, 20, 10_000),
    meili: meili(env),
    searchWorker: bool(env, 'SEARCH_WORKER', true),
    searchOutboxBatch: int(env, 'SEARCH_OUTBOX_BATCH', 500, 1, 10_000),
    schedulerMs: int(env, 'SCHEDULER_INTERVAL_MS', 15_000, 0, 3_600_000),
    buzzCheckMs: int(env, 'BUZZ_CHECK_MS', 300_000, 0, 86_400_000),
    live: Object.freeze({
      heartbeatMs: int(env, 'LIVE_HEARTBEAT_MS', 30_000, 50, 600_000),
      maxBufferedBytes: int(env, 'LIVE_MAX_BUFFER_BYTES', 1024 * 1024, 1024, 256 * 1024 * 1024),
      keepSeconds: int(env, 'LIVE_KEEP_SECONDS', 86_400, 60, 30 * 86_400),
      maxSockets: int(env, 'LIVE_MAX_SOCKETS', defaultSocketCap(), 1, 1_000_000),
      maxSocketsPerAddress: int(env, 'LIVE_MAX_SOCKETS_PER_ADDRESS', 100, 1, 1_000_000),
      maxSocketsPerMember: int(env, 'LIVE_MAX_SOCKETS_PER_MEMBER', 20, 1, 1_000_000),
    }),
    mail: Object.freeze({
      smtpUrl: smtpUrl(env),
      from: env.MAIL_FROM?.trim() || `Agora <no-reply@${publicUrl ? new URL(publicUrl).hostname : 'localhost'}>`,
      workerMs: int(env, 'MAIL_WORKER_MS', 5_000, 0, 3_600_000),
      batch: int(env, 'MAIL_BATCH', 100, 1, 10_000),
      timeoutMs: int(env, 'MAIL_TIMEOUT_MS', 20_000, 100, 600_000),
      ratePerSecond: int(env, 'MAIL_RATE', 100, 0, 100_000),
      keepDays: int(env, 'MAIL_KEEP_DAYS', 90, 1, 3650),
    }),
    publicUrl: publicUrl || undefined,
    webDist: path.resolve(cwd, env.WEB_DIST?.trim() || 'web/dist'),
    webSsr: path.resolve(
      cwd,
      env.WEB_SSR?.trim() || path.join(path.dirname(env.WEB_DIST?.trim() || 'web/dist'), 'dist-server/entry-server.js'),
    ),
    limits: Object.freeze({
      titleMin: int(env, 'TITLE_MIN', 3, 1, titleMax),
      titleMax,
      bodyMin: int(env, 'BODY_MIN', 2, 1, bodyMax),
      bodyMax,
      requestBytes: int(env, 'REQUEST_BYTES_MAX', 1024 * 1024, 1024, 50 * 1024 * 1024),
      pageSize: int(env, 'PAGE_SIZE', 20, 5, 100),
    }),
    identity: identityConfig(
      env,
      (message) => {
        throw new ConfigError(message);
      },
      (name, fallback, min) => int(env, name, fallback, min),
      (name, fallback) => bool(env, name, fallback),
    ),
    uploads: Object.freeze({
      maxBytes: int(env, 'UPLOAD_MAX_BYTES', 10 * 1024 * 1024, 10_000, 100 * 1024 * 1024),
      maxPixels: int(env, 'UPLOAD_MAX_PIXELS', 50_000_000, 10_000, 268_402_689),
      perDay: int(env, 'UPLOADS_PER_DAY', 20, 0, 100_000),
      s3: s3(env),
      external: Object.freeze({
        maxBytes: int(env, 'EXTERNAL_IMAGE_MAX_BYTES', 5 * 1024 * 1024, 10_000, 100 * 1024 * 1024),
        timeoutMs: int(env, 'EXTERNAL_IMAGE_TIMEOUT_MS', 5_000, 100, 60_000),
        allowPrivate: bool(env, 'EXTERNAL_IMAGE_ALLOW_PRIVATE', false),
      }),
    }),
    rateLimits: Object.freeze({
      login: int(env, 'RATE_LIMIT_LOGIN', 10, 1),
      loginPerAddress: int(env, 'RATE_LIMIT_LOGIN_ADDRESS', 60, 1),
      register: int(env, 'RATE_LIMIT_REGISTER', 20, 1),
      posting: int(env, 'RATE_LIMIT_POSTING', 30, 1),
      preview: int(env, 'RATE_LIMIT_PREVIEW', 120, 1),
      search: int(env, 'RATE_LIMIT_SEARCH', 120, 1),
      accountMail: int(env, 'RATE_LIMIT_ACCOUNT_MAIL', 5, 1),
      accountMailPerAddress: int(env, 'RATE_LIMIT_ACCOUNT_MAIL_ADDRESS', 30, 1),
      tokens: int(env, 'RATE_LIMIT_TOKENS', 30, 1),
      readPosition: int(env, 'RATE_LIMIT_READ_POSITION', 120, 1),
    }),
  };
  return Object.freeze(config);
}
