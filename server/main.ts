import { loadConfig } from './config.ts';
import { buildApp } from './app.ts';
import { migrateToLatest } from './db/migrator.ts';
import { openDatabase } from './db/open.ts';
import { seedDemo } from './demo/seed.ts';
import { ensureAdmin } from './modules/auth/index.ts';

/** loadConfig → openDatabase → migrate → admin + demo → buildApp → listen; a clean stop on Ctrl-C. */
async function main(): Promise<void> {
  const started = performance.now();
  const config = loadConfig();
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const database = await openDatabase(config, (line) => {
    // Ctrl-C reaches PostgreSQL too (same process group): its shutdown notices are expected, not errors.
    if (/FATAL|ERROR|PANIC/.test(line) && !/administrator command/.test(line))
      process.stderr.write(`[postgres] ${line}\n`);
  });
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    print(`\n${signal} received: stopping Agora…`);
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    try {
      await app?.close();
      await database.close();
      clearTimeout(force);
      process.exit(0);
    } catch (err) {
      console.error(err);
      process.exit(1);
    }
  };
  // Assigned once, but a signal before that assignment must find `undefined`, not a TDZ error: hence `let`.
  // eslint-disable-next-line prefer-const
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  await migrateToLatest(database.db);
  await ensureAdmin(database.db, config, print);
  if (config.demo) await seedDemo(database.db, config, print);

  app = await buildApp({
    config,
    db: database.db,
    databaseUrl: database.url,
    logger: { level: config.logLevel, transport: undefined },
  });
  await app.listen({ port: config.port, host: config.host });
  const where = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  print(
    `Agora is listening on http://${where}:${port} (${database.embedded ? `embedded PostgreSQL, data in ${config.dataDir}` : 'DATABASE_URL'}; ready in ${Math.round(performance.now() - started)} ms)`,
  );
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
