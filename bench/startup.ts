import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../server/db/embedded.ts';
import { machine, record } from './lib/harness.ts';

/**
 * budget, docs/ARCHITECTURE.md: `npm start` with the database already initialised listens within 3 s; the server's RSS at
 * idle stays ≤ 150 MB. Measured on the process `npm start` runs (the web build check happens before it).
 */
async function startOnce(
  dataDir: string,
  port: number,
): Promise<{ ms: number; pid: number; stop: () => Promise<void> }> {
  const started = performance.now();
  const child = spawn(process.execPath, ['dist/main.mjs'], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('is listening') && resolve());
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  const ms = performance.now() - started;
  return {
    ms,
    pid: child.pid!,
    stop: () =>
      new Promise((resolve) => {
        child.on('exit', () => resolve());
        child.kill('SIGINT');
      }),
  };
}

async function rssMb(pid: number): Promise<number> {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

export async function startup(): Promise<void> {
  // @ts-expect-error: a plain .mjs script without types
  const { ensureBuilt } = await import('../scripts/build.mjs');
  ensureBuilt();
  const dataDir = path.join(os.tmpdir(), `agora-startup-${process.pid}`);
  await fs.mkdir(dataDir, { recursive: true, mode: 0o755 });
  try {
    const port = await freePort();
    console.log('first start (initdb, migrations, demo seed)…');
    const first = await startOnce(dataDir, port);
    await first.stop();
    const warm = [];
    let rss = 0;
    let settled = 0;
    for (let i = 0; i < 3; i++) {
      console.log(`start ${i + 2} (database initialised)…`);
      const run = await startOnce(dataDir, port);
      warm.push(run.ms);
      if (i === 2) {
        await fetch(`http://127.0.0.1:${port}/api/threads/1`); // touch the main routes once
        await fetch(`http://127.0.0.1:${port}/`);
        await sleep(5000);
        rss = await rssMb(run.pid);
        // A node left idle: V8's memory reducer runs a compacting collection once the allocation rate has fallen
        // (about 30 s after the last work here) and gives the young generation's and the old space's spare pages
        // back to the system. What a node holds while nothing happens is measured after it.
        console.log('idle for a minute…');
        await sleep(55_000);
        settled = await rssMb(run.pid);
      }
      await run.stop();
    }
    const median = warm.sort((a, b) => a - b)[1]!;
    const text = `## Start-up and idle memory (budget, docs/ARCHITECTURE.md)

Measured ${new Date().toISOString().slice(0, 10)} on ${machine('17 (embedded)')}.
Command: \`npm run bench -- startup\` (spawns \`node dist/main.mjs\`, the process \`npm start\` runs once the build is current, until it prints that it listens).

| what | measured | budget |
| --- | ---: | ---: |
| first start: initdb, migrations, admin, demo seed | ${(first.ms / 1000).toFixed(2)} s | — |
| start with the database initialised (median of 3) | ${(median / 1000).toFixed(2)} s | ≤ 3 s |
| server RSS at idle (60 s after serving a thread and the app) | ${settled.toFixed(0)} MB | ≤ 150 MB |
| the same 5 s after serving them (before V8's memory reducer has run) | ${rss.toFixed(0)} MB | — |

Idle is a node with nothing to do: about 30 s after its last work, V8's memory reducer (a compacting collection
it starts once the allocation rate has fallen, \`--trace-gc\` shows it as \`Mark-Compact (reduce)\`) gives back the
young generation grown during the start and the old space's spare pages; before it, the RSS holds them.`;
    await record('startup', text);
    console.log(text);
  } finally {
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}
