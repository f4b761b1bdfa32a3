#!/usr/bin/env node
// `npm start`: rebuild what changed (web app, server), then run the server on plain Node.
import { spawn } from 'node:child_process';
import { ensureBuilt, root } from './build.mjs';

ensureBuilt();
const child = spawn(process.execPath, ['dist/main.mjs'], { cwd: root, stdio: 'inherit' });
// Ctrl-C reaches the server too (same process group); wait for it to close the database cleanly.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
