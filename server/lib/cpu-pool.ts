import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { type ImageMap, renderMarkdown } from './markdown.ts';
import { AppError, ServiceUnavailableError, UnprocessableError } from './errors.ts';

/**
 * Texts past this size are rendered and checked in a worker thread: below it, both cost well under a
 * millisecond whatever the text (measured: a 2 KB post evaluates in ~0.1 ms), and the round trip to a worker
 * would cost more than the work. Above it a hostile text can cost hundreds of milliseconds, which on the main
 * thread would stall every other request of the node.
 */
export const OFFLOAD_CHARS = 4096;
/** A task that runs longer is abandoned (its worker is replaced) and the text refused as too complex. */
const TASK_TIMEOUT_MS = 5_000;

const here = fileURLToPath(import.meta.url);
// Bundled (dist/*.mjs): the worker was built beside it; from the sources, a loader runs the TypeScript.
const workerFile = here.endsWith('.mjs')
  ? path.join(path.dirname(here), 'workers', 'cpu.worker.mjs')
  : path.join(path.dirname(here), '..', 'workers', 'cpu.worker.boot.mjs');

let pool: Piscina | undefined;

/**
 * One pool per process, started on first use, leaving a core to the event loop (one worker on two cores); idle
 * workers exit after a minute, so an idle node holds none. A full queue answers 503: the node is busy, not broken.
 */
function shared(): Piscina {
  pool ??= new Piscina({
    filename: workerFile,
    minThreads: 0,
    maxThreads: Math.max(1, os.availableParallelism() - 1),
    idleTimeout: 60_000,
    maxQueue: 256,
  });
  return pool;
}

/** A task for server/workers/cpu.worker.ts, which dispatches on `kind` (each kind's shape is declared by its owner). */
export interface CpuTask {
  kind: string;
  [field: string]: unknown;
}

/** Rendering, the one kind this layer owns. */
export interface RenderTask extends CpuTask {
  kind: 'render';
  markdown: string;
  mentions: string[];
  images?: ImageMap;
}

/** What the worker answers: the result, or the refusal the work ended in (an AppError, as data). */
export type CpuOutcome<T> =
  { value: T } | { refused: { status: number; code: string; message: string; details?: unknown } };

export async function runCpuTask<T>(task: CpuTask): Promise<T> {
  const signal = AbortSignal.timeout(TASK_TIMEOUT_MS);
  let outcome: CpuOutcome<T>;
  try {
    outcome = (await shared().run(task, { signal })) as CpuOutcome<T>;
  } catch (error) {
    if (signal.aborted) {
      throw new UnprocessableError('text.too_complex', 'This text is too complex to process. Simplify its formatting.');
    }
    if (error instanceof Error && /queue is at limit/i.test(error.message)) {
      throw new ServiceUnavailableError('server.busy', 'The server is busy. Try again in a few seconds.');
    }
    throw error;
  }
  if ('refused' in outcome) {
    const { status, code, message, details } = outcome.refused;
    throw new AppError(status, code, message, details);
  }
  return outcome.value;
}

/** Markdown to sanitized HTML: on this thread for an ordinary text, in a worker for a long one. */
export async function renderOffLoop(
  markdown: string,
  mentions: ReadonlySet<string> = new Set(),
  images: ImageMap = {},
): Promise<string> {
  if (markdown.length <= OFFLOAD_CHARS) return renderMarkdown(markdown, mentions, images);
  return runCpuTask<string>({ kind: 'render', markdown, mentions: [...mentions], images } satisfies RenderTask);
}

/** Stops the workers (tests, shutdown). */
export async function closeCpuPool(): Promise<void> {
  const current = pool;
  pool = undefined;
  await current?.destroy();
}
