#!/usr/bin/env node
// `npm start`: build the web app when its sources changed since the last build, then run the server.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'web', 'dist', 'index.html');

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

const sources = Math.max(
  newest(path.join(root, 'web', 'src')),
  statSync(path.join(root, 'web', 'index.html')).mtimeMs,
  statSync(path.join(root, 'web', 'vite.config.ts')).mtimeMs,
);
if (!existsSync(dist) || statSync(dist).mtimeMs < sources) {
  const vite = path.join(root, 'node_modules', '.bin', 'vite');
  if (existsSync(vite)) {
    console.log('Building the web app…');
    const built = spawnSync(vite, ['build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
    if (built.status !== 0) process.exit(built.status ?? 1);
  } else if (!existsSync(dist)) {
    console.warn('web/dist is missing and vite is not installed (npm ci --omit=dev?): the API runs without the web app.');
  }
}

const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: root, stdio: 'inherit' });
// Ctrl-C reaches the server too (same process group); wait for it to close the database cleanly.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
