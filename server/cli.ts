import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Presets, SingleBar } from 'cli-progress';
import { type Config, loadConfig } from './config.ts';
import type { Db } from './db/kysely.ts';
import { migrateToLatest } from './db/migrator.ts';
import { openDatabase } from './db/open.ts';
import type { Role } from './db/types.ts';
import { seedDemo } from './demo/seed.ts';
import { AppError } from './lib/errors.ts';
import { assertAcceptablePassword, AuthService, SessionRepository, SessionService } from './modules/auth/index.ts';
import { hashPassword } from './lib/password.ts';
import { MembersRepository } from './content/index.ts';
import { MeiliSearchAdapter, rebuildIndex, SearchOutboxWorker } from './modules/search/index.ts';
import { assertValidEmail, assertValidUsername } from './modules/members/index.ts';
import {
  ImageProcessor,
  LocalDiskStorage,
  localizeStoredPosts,
  S3Storage,
  UploadsService,
} from './modules/uploads/index.ts';

const HELP = `Agora operator commands: npm run agora -- <command> [options]

  migrate                                   apply pending database migrations
  create-admin --username U --email E [--password P]
                                            create an administrator (a password is generated when omitted)
  set-role USER ROLE                        ROLE: member | moderator | community_manager | admin
  reset-password USER [--password P]        set a new password (generated when omitted) and end USER's sessions
  seed-demo                                 add the demo community (once)
  search-reindex                            rebuild the Meilisearch index from PostgreSQL (MEILI_URL);
                                            searches keep using the old index until the new one is complete
  images-localize                           download the external images of posts published before images
                                            were ours (a link where one cannot be had); run it once after upgrading
  help                                      this text

The database is DATABASE_URL, or the embedded one under DATA_DIR (default ./data), also while the server runs.`;

const ROLES: Role[] = ['member', 'moderator', 'community_manager', 'admin'];

async function run(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      username: { type: 'string' },
      email: { type: 'string' },
      password: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  if (!command || command === 'help' || values.help) {
    console.log(HELP);
    return command ? 0 : 1;
  }
  const config = loadConfig();
  const database = await openDatabase(config, () => {}, { attach: true });
  try {
    await migrateToLatest(database.db);
    const members = new MembersRepository(database.db);
    const sessions = new SessionService(new SessionRepository(database.db));
    const auth = new AuthService(members, sessions);
    switch (command) {
      case 'migrate':
        console.log('Database is up to date.');
        return 0;
      case 'create-admin': {
        const { username, email } = values;
        if (!username || !email) throw new UsageError('create-admin needs --username and --email');
        const password = values.password ?? randomBytes(12).toString('base64url');
        assertValidUsername(username);
        assertValidEmail(email);
        await assertAcceptablePassword(password, username, email);
        await auth.createMember({ username, email, password, role: 'admin', acceptedNetiquette: true });
        console.log(`Created admin ${username}${values.password ? '' : ` with password: ${password}`}`);
        return 0;
      }
      case 'set-role': {
        const [user, role] = rest;
        if (!user || !role || !ROLES.includes(role as Role)) {
          throw new UsageError(`set-role USER ROLE, with ROLE one of ${ROLES.join(', ')}`);
        }
        const member = await members.getByLogin(user);
        if (!member) throw new UsageError(`No member "${user}"`);
        await members.setRole(member.id, role as Role);
        console.log(`${member.username} is now ${role}.`);
        return 0;
      }
      case 'reset-password': {
        const [user] = rest;
        if (!user) throw new UsageError('reset-password USER');
        const member = await members.getByLogin(user);
        if (!member) throw new UsageError(`No member "${user}"`);
        const password = values.password ?? randomBytes(12).toString('base64url');
        await assertAcceptablePassword(password, member.username, member.email);
        await members.setPassword(member.id, await hashPassword(password));
        await sessions.invalidateAll(member.id);
        console.log(`New password for ${member.username}${values.password ? ' set' : `: ${password}`}`);
        return 0;
      }
      case 'seed-demo': {
        const seeded = await seedDemo(database.db, config, console.log);
        if (!seeded) console.log('The demo community is already there.');
        return 0;
      }
      case 'search-reindex':
        return await searchReindex(config, database.db);
      case 'images-localize':
        return await imagesLocalize(config, database.db);
      default:
        throw new UsageError(`Unknown command "${command}".\n\n${HELP}`);
    }
  } finally {
    await database.close();
  }
}

class UsageError extends Error {}

async function imagesLocalize(config: Config, db: Db): Promise<number> {
  const s3 = config.uploads.s3 ? new S3Storage(config.uploads.s3) : null;
  const processor = new ImageProcessor();
  try {
    const uploads = new UploadsService(
      db,
      s3 ?? new LocalDiskStorage(path.join(config.dataDir, 'uploads')),
      config.uploads,
      processor,
    );
    const done = await localizeStoredPosts(db, uploads, (postId, n) =>
      console.log(`post ${postId}: ${n} image${n > 1 ? 's' : ''}`),
    );
    console.log(`${done.images} external image(s) in ${done.posts} post(s) made ours (or links).`);
    return 0;
  } finally {
    await processor.close();
    s3?.close();
  }
}

async function searchReindex(config: Config, db: Db): Promise<number> {
  if (!config.meili) {
    console.log(
      'Search uses PostgreSQL full-text (no MEILI_URL): its documents are kept by the database itself, nothing to rebuild.',
    );
    return 0;
  }
  const meili = new MeiliSearchAdapter(db, config.meili);
  const bar = new SingleBar(
    {
      format: 'Indexing posts [{bar}] {percentage}% · {value}/{total} · {eta_formatted} left',
      hideCursor: true,
      etaBuffer: 20,
    },
    Presets.shades_classic,
  );
  const started = performance.now();
  let sent: number;
  try {
    sent = await rebuildIndex(db, meili, {
      onStart: (total) => bar.start(total, 0),
      onPage: (done) => bar.update(done),
    });
    // What was written meanwhile waited in the outbox: apply it now rather than at the server's next batch.
    await new SearchOutboxWorker(db, meili).drain();
  } catch (err) {
    bar.stop();
    console.error(`agora: the index was not rebuilt (the old one is untouched): ${(err as Error).message}`);
    return 1;
  }
  bar.stop();
  console.log(
    `Indexed ${sent} posts into "${config.meili.index}" on ${config.meili.url} in ${((performance.now() - started) / 1000).toFixed(1)} s.`,
  );
  return 0;
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof UsageError || err instanceof AppError) console.error(`agora: ${err.message}`);
    else console.error(err);
    process.exit(err instanceof UsageError || err instanceof AppError ? 2 : 1);
  },
);
