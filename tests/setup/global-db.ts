import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../server/db/embedded.ts';
import { createDb } from '../../server/db/kysely.ts';
import { migrateToLatest } from '../../server/db/migrator.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplate: string;
  }
}

/**
 * One PostgreSQL server for the whole run (embedded, or TEST_DATABASE_URL), migrations applied once to a
 * template database; each test file then clones the template (tests/setup/db.ts).
 */
export default async function setup(project: TestProject) {
  let adminUrl = process.env.TEST_DATABASE_URL;
  let stop = async () => {};
  if (!adminUrl) {
    // Not mkdtemp: its 0700 folder would keep out the `postgres` user the server runs as under root.
    const dir = path.join(os.tmpdir(), `agora-test-pg-${process.pid}-${Date.now()}`);
    await fs.mkdir(dir, { recursive: true, mode: 0o755 });
    const server = await startEmbeddedPostgres({ dir, ephemeral: true });
    adminUrl = server.url('postgres');
    stop = async () => {
      await server.stop();
      await fs.rm(dir, { recursive: true, force: true });
    };
  }
  const template = `agora_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.query(`CREATE DATABASE ${template}`);
  const url = new URL(adminUrl);
  url.pathname = `/${template}`;
  const { db } = createDb(url.toString(), 2);
  await migrateToLatest(db);
  await db.destroy();

  project.provide('pgAdminUrl', adminUrl);
  project.provide('pgTemplate', template);

  return async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`).catch(() => {});
    await admin.end();
    await stop();
  };
}
