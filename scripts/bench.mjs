#!/usr/bin/env node
// `npm run bench [-- scenario…]`: the benchmarks run the code as production runs it, compiled by esbuild
// (no TypeScript loader in the measured process), then rewrite their sections of BENCHMARKS.md.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { ensureBuilt, root } from './build.mjs';

ensureBuilt();
const esbuild = path.join(root, 'node_modules', '.bin', 'esbuild');
const built = spawnSync(
  esbuild,
  [
    'bench/run.ts',
    '--bundle',
    '--platform=node',
    '--format=esm',
    '--target=node20',
    '--packages=external',
    '--outfile=dist/bench.mjs',
    '--log-level=warning',
  ],
  { cwd: root, stdio: 'inherit' },
);
if (built.status !== 0) process.exit(built.status ?? 1);
const child = spawn(process.execPath, ['dist/bench.mjs', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 1));
