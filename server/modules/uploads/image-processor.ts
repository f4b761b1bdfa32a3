import { type ChildProcess, fork } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError, ServiceUnavailableError } from '../../lib/errors.ts';
import type { ProcessedImage, ProcessOptions } from './image-pipeline.ts';

/** What the image worker is asked to do (server/workers/image.worker.ts). */
export interface ImageTask {
  bytes: Uint8Array;
  options: ProcessOptions;
}

type Answer =
  | { id: number; value: ProcessedImage }
  | { id: number; refused?: { status: number; code: string; message: string; details?: unknown }; error: string };

const here = fileURLToPath(import.meta.url);
// Bundled (dist/*.mjs): the worker was built beside it; from the sources, a loader runs the TypeScript.
const workerFile = here.endsWith('.mjs')
  ? path.join(path.dirname(here), 'workers', 'image.worker.mjs')
  : path.join(path.dirname(here), '..', '..', 'workers', 'image.worker.boot.mjs');

/**
 * Images are processed in a child process of lowest priority (`nice` 19): sharp runs off the event loop and,
 * on a node whose cores are busy, after the requests of readers. At most (cores − 1) images at a time, one
 * libvips thread each, each slot resting half as long as its image took; 64 more wait; past that the node is
 * busy (503). The child starts on first use, is
 * replaced if it dies, and goes with the app.
 */
export class ImageProcessor {
  private child: ChildProcess | undefined;
  private readonly pending = new Map<number, { resolve: (v: ProcessedImage) => void; reject: (e: Error) => void }>();
  private next = 0;
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly slots = Math.max(1, os.availableParallelism() - 1),
    private readonly maxWaiting = 64,
    private readonly rest = 0.5,
  ) {}

  async process(bytes: Buffer, options: ProcessOptions): Promise<ProcessedImage> {
    if (this.running >= this.slots) {
      if (this.waiting.length >= this.maxWaiting)
        throw new ServiceUnavailableError('server.busy', 'The server is busy. Try again in a few seconds.');
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else this.running++;
    const started = performance.now();
    try {
      return await this.send({ bytes, options });
    } finally {
      // The slot rests a while before the next image: even at the lowest priority, image work on a core's
      // sibling thread slows the requests beside it (shared caches and memory bandwidth), so a burst of uploads
      // takes at most two thirds of a core.
      await new Promise((resolve) => setTimeout(resolve, (performance.now() - started) * this.rest));
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  close(): void {
    this.child?.disconnect();
    this.child = undefined;
  }

  private send(task: ImageTask): Promise<ProcessedImage> {
    const child = this.worker();
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      child.send({ id, ...task });
    });
  }

  private worker(): ChildProcess {
    if (this.child?.connected) return this.child;
    const child = fork(workerFile, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', (answer: Answer) => {
      const waiter = this.pending.get(answer.id);
      if (!waiter) return;
      this.pending.delete(answer.id);
      if ('value' in answer) {
        // Buffers arrive as Uint8Arrays.
        for (const v of answer.value.variants)
          v.data = Buffer.from(v.data.buffer, v.data.byteOffset, v.data.byteLength);
        waiter.resolve(answer.value);
      } else if (answer.refused) {
        const { status, code, message, details } = answer.refused;
        waiter.reject(new AppError(status, code, message, details));
      } else waiter.reject(new Error(`Image worker: ${answer.error}`));
    });
    child.on('exit', () => {
      if (this.child === child) this.child = undefined;
      for (const [id, waiter] of this.pending) {
        this.pending.delete(id);
        waiter.reject(new Error('The image worker stopped'));
      }
    });
    // Neither the child nor its channel keeps the process alive (the app's close ends it anyway).
    child.unref();
    child.channel?.unref();
    this.child = child;
    return child;
  }
}
