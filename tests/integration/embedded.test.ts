import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../server/db/embedded.ts';

describe('embedded PostgreSQL', () => {
  it('starts again after the process that ran it was killed (stale postmaster.pid, orphaned server)', async () => {
    const dir = path.join(os.tmpdir(), `agora-crash-${process.pid}-${Date.now()}`);
    await fs.mkdir(dir, { recursive: true, mode: 0o755 });
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'tests/setup/start-embedded.ts', dir], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
        child.on('exit', (code) => reject(new Error(`child exited with ${code}`)));
      });
      child.kill('SIGKILL');
      await new Promise((resolve) => child.on('exit', resolve));
      const pidFile = await fs.readFile(path.join(dir, 'db', 'pg', 'postmaster.pid'), 'utf8').catch(() => '');
      expect(pidFile).not.toBe(''); // the crash left the lock file behind

      const server = await startEmbeddedPostgres({ dir: path.join(dir, 'db') });
      try {
        const client = new pg.Client({ connectionString: server.url() });
        await client.connect();
        const { rows } = await client.query(
          "SELECT current_setting('server_encoding') AS encoding, inet_server_addr() AS address",
        );
        await client.end();
        expect(rows[0].encoding).toBe('UTF8');
        // Through the Unix socket (no TCP address on the server's side), as the node connects to it.
        expect(server.url()).toContain('?host=');
        expect(rows[0].address).toBeNull();
      } finally {
        await server.stop();
      }
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it("keeps a failing process's exit code (its exit hook used to end every process with 0)", async () => {
    // What vitest does when a test fails: set the code, let the event loop empty.
    const exitCode = (script: string) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
          stdio: 'ignore',
        });
        child.on('exit', resolve);
      });
    const load = "await import('./server/db/embedded.ts');";
    expect(await exitCode(`${load} process.exitCode = 3;`)).toBe(3);
    expect(await exitCode(`${load} setTimeout(() => { process.exitCode = 1; }, 20);`)).toBe(1);
    expect(await exitCode(load)).toBe(0);
  }, 30_000);
});
