import os from 'node:os';
import { AppError } from '../lib/errors.ts';
import { type ImageTask, processImage } from '../modules/uploads/index.ts';

/**
 * The image pipeline's own process (server/modules/uploads/image-processor.ts starts it): sharp decodes and
 * encodes here, at a lower scheduling priority, so that on a busy node the CPU goes to requests first and images
 * take what is left. Tasks and answers cross as structured clones (buffers included) over the IPC channel.
 */
try {
  // Threads made from now on (libuv's, libvips's) inherit it.
  os.setPriority(19);
} catch {
  // not permitted here: the same work at the same priority
}

process.on('message', (message: ImageTask & { id: number }) => {
  const { id, bytes, options } = message;
  processImage(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), options).then(
    (value) => process.send?.({ id, value }),
    (error: unknown) =>
      process.send?.({
        id,
        refused:
          error instanceof AppError
            ? { status: error.status, code: error.code, message: error.message, details: error.details }
            : undefined,
        error: error instanceof Error ? error.message : String(error),
      }),
  );
});
process.on('disconnect', () => process.exit(0));
