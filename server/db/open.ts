import path from 'node:path';
import pg from 'pg';
import type { Config } from '../config.ts';
import { startEmbeddedPostgres, type EmbeddedServer } from './embedded.ts';
import { createDb, type Db } from './kysely.ts';

export interface OpenDatabase {
  db: Db;
  pool: pg.Pool;
  url: string;
  embedded: boolean;
  close(): Promise<void>;
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

/** DATABASE_URL when given; otherwise an embedded PostgreSQL whose files live under DATA_DIR. */
export async function openDatabase(
  config: Config,
  log: (line: string) => void = () => {},
  options: { attach?: boolean } = {},
): Promise<OpenDatabase> {
  let server: EmbeddedServer | undefined;
  let url = config.databaseUrl;
  if (!url) {
    server = await startEmbeddedPostgres({ dir: path.join(config.dataDir, 'db'), log, attach: options.attach });
    await ensureDatabase(server.url(), 'agora');
    url = server.url('agora');
  }
  const { db, pool } = createDb(url, config.dbPoolSize, undefined, config.dbPrepare);
  return {
    db,
    pool,
    url,
    embedded: server !== undefined,
    async close() {
      await db.destroy();
      await server?.stop();
    },
  };
}
