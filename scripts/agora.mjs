#!/usr/bin/env node
// `npm run agora -- <command>`: the operator CLI (server/cli.ts), built like the server.
import { spawn } from 'node:child_process';
import { ensureBuilt, root } from './build.mjs';

ensureBuilt({ web: false });
const child = spawn(process.execPath, ['dist/cli.mjs', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 1));
