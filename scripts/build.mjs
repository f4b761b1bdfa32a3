#!/usr/bin/env node
// Builds what `npm start` runs: the web app (Vite → web/dist, and its server renderer → web/dist-server) and the server (esbuild → dist/*.mjs, plain
// JavaScript, so production runs on `node` alone: faster start, about half the memory of a TypeScript loader).
// Each part is rebuilt only when its sources are newer than its output, or always with --force.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

function newest(...entries) {
  let latest = 0;
  for (const entry of entries) {
    const full = path.join(root, entry);
    if (!existsSync(full)) continue;
    const stat = statSync(full);
    latest = Math.max(
      latest,
      stat.isDirectory() ? newest(...readdirSync(full).map((n) => path.join(entry, n))) : stat.mtimeMs,
    );
  }
  return latest;
}

const stale = (output, ...sources) =>
  !existsSync(path.join(root, output)) || statSync(path.join(root, output)).mtimeMs < newest(...sources);

function run(tool, args, what) {
  if (!existsSync(bin(tool))) {
    console.warn(`${what} needs a rebuild but ${tool} is not installed (npm ci --omit=dev?): using what is there.`);
    return;
  }
  const result = spawnSync(bin(tool), args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

export function ensureBuilt({ web = true, server = true, force = false } = {}) {
  if (web && (force || stale('web/dist/index.html', 'web/src', 'web/index.html', 'web/public', 'web/vite.config.ts'))) {
    console.log('Building the web app…');
    run('vite', ['build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], 'The web app');
    // The same components built for the server, which renders the public pages with them (web/dist-server).
    run(
      'vite',
      ['build', '--config', 'web/vite.config.ts', '--ssr', 'src/entry-server.ts', '--logLevel', 'warn'],
      'The web app',
    );
  }
  if (server && (force || stale('dist/main.mjs', 'server', 'migrations', 'package-lock.json'))) {
    run(
      'esbuild',
      [
        'server/main.ts',
        'server/cli.ts',
        'server/workers/cpu.worker.ts',
        'server/workers/image.worker.ts',
        '--outbase=server',
        '--bundle',
        '--platform=node',
        '--format=esm',
        '--target=node20',
        '--packages=external',
        '--outdir=dist',
        '--out-extension:.js=.mjs',
        '--log-level=warning',
      ],
      'The server',
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  ensureBuilt({ force: process.argv.includes('--force') });
}
