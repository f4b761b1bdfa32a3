import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Password strength, scored by zxcvbn-ts with its common, English and French dictionaries (0 = guessed at
 * once … 4 = very unlikely). The dictionaries cost ~1 s to load and ~70 MB, and a check up to ~100 ms of CPU,
 * for a rare event (an account created, a password reset): so they live in a worker thread, started at the
 * first check and ended after a minute without one. The server's idle memory and its event loop never carry
 * them (budget, docs/ARCHITECTURE.md: RSS at idle ≤ 150 MB).
 */

export interface Strength {
  score: 0 | 1 | 2 | 3 | 4;
  feedback: { warning: string | null; suggestions: string[] };
}

const IDLE_MS = 60_000;

// Resolved here, so that the worker finds the packages wherever the process was started from.
const resolve = createRequire(import.meta.url).resolve;
const MODULES = ['@zxcvbn-ts/core', '@zxcvbn-ts/language-common', '@zxcvbn-ts/language-en', '@zxcvbn-ts/language-fr'];

// Plain CommonJS evaluated by the worker: the same code runs under tsx, vitest and the esbuild bundle, with
// no second entry point to build. `l33tMaxSubstitutions` 10 (default 100) keeps a check in milliseconds and
// still sees "p@ssw0rd"; past 64 characters a password is long enough, and the rest is not scored.
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const [core, common, en, fr] = workerData.modules.map((path) => require(path));
const zxcvbn = new core.ZxcvbnFactory({
  graphs: common.adjacencyGraphs,
  dictionary: { ...common.dictionary, ...en.dictionary, ...fr.dictionary },
  translations: en.translations,
  l33tMaxSubstitutions: 10,
  maxLength: 64,
});
parentPort.on('message', ({ id, password, userInputs }) => {
  try {
    const { score, feedback } = zxcvbn.check(password, userInputs);
    parentPort.postMessage({ id, score, feedback });
  } catch (err) {
    parentPort.postMessage({ id, error: String(err && err.message || err) });
  }
});`;

type Reply = { id: number; error?: string } & Partial<Strength>;

let worker: Worker | null = null;
let idle: NodeJS.Timeout | undefined;
let nextId = 0;
const pending = new Map<number, { by: Worker; resolve: (s: Strength) => void; reject: (e: Error) => void }>();

/** The checks a worker had not answered when it failed or ended (a new worker takes the next ones). */
function failAll(by: Worker, err: Error): void {
  for (const [id, waiting] of pending) {
    if (waiting.by !== by) continue;
    pending.delete(id);
    waiting.reject(err);
  }
}

function start(): Worker {
  const started = new Worker(SOURCE, { eval: true, workerData: { modules: MODULES.map((m) => resolve(m)) } });
  started.unref(); // never what keeps a process (a CLI command, a test run) alive
  started.on('message', (reply: Reply) => {
    const waiting = pending.get(reply.id);
    if (!waiting) return;
    pending.delete(reply.id);
    if (reply.error !== undefined) waiting.reject(new Error(`password scoring failed: ${reply.error}`));
    else waiting.resolve({ score: reply.score!, feedback: reply.feedback! });
    if (pending.size === 0) {
      clearTimeout(idle);
      idle = setTimeout(() => void stopPasswordScorer(), IDLE_MS).unref();
    }
  });
  started.on('error', (err) => failAll(started, err));
  started.on('exit', () => {
    if (worker === started) worker = null;
    failAll(started, new Error('password scoring stopped'));
  });
  return started;
}

/** How guessable a password is; `userInputs` (the username, the e-mail address) count as known words. */
export function scorePassword(password: string, userInputs: string[]): Promise<Strength> {
  clearTimeout(idle);
  const by = (worker ??= start());
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { by, resolve, reject });
    by.postMessage({ id, password, userInputs });
  });
}

/** Ends the worker now (it is started again by the next check). */
export async function stopPasswordScorer(): Promise<void> {
  clearTimeout(idle);
  const running = worker;
  worker = null;
  await running?.terminate();
}
