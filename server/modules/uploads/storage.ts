import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';

/**
 * Where image files live: the port, and its default adapter on the local disk. Keys are `<upload key>/<file>`,
 * made by the uploads service only (a random key, a variant name and an extension), never from a request as is.
 */
export interface UploadStorage {
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** The file, or null when there is none. */
  get(key: string): Promise<{ body: Readable; size: number } | null>;
  /** Removes the files of one upload (every key under `<upload key>/`). */
  removeAll(uploadKey: string): Promise<void>;
}

export const KEY_PATTERN = /^[A-Za-z0-9_-]{22}$/;
const FILE_PATTERN = /^[A-Za-z0-9_-]{22}\/[a-z0-9]{1,8}\.(?:webp|jpg|png)$/;

/** The files under `<dataDir>/uploads/<first two characters>/<key>/` (two levels keep directories small). */
export class LocalDiskStorage implements UploadStorage {
  constructor(private readonly root: string) {}

  private where(key: string): string {
    if (!FILE_PATTERN.test(key)) throw new Error(`Not a storage key: ${key}`);
    return path.join(this.root, key.slice(0, 2), key);
  }

  async put(key: string, body: Buffer): Promise<void> {
    const file = this.where(key);
    await mkdir(path.dirname(file), { recursive: true });
    // Written aside then renamed: a reader never sees half a file.
    const partial = `${file}.${process.pid}.part`;
    await writeFile(partial, body);
    await rename(partial, file);
  }

  async get(key: string): Promise<{ body: Readable; size: number } | null> {
    const file = this.where(key);
    try {
      const info = await stat(file);
      return { body: createReadStream(file), size: info.size };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async removeAll(uploadKey: string): Promise<void> {
    if (!KEY_PATTERN.test(uploadKey)) throw new Error(`Not an upload key: ${uploadKey}`);
    await rm(path.join(this.root, uploadKey.slice(0, 2), uploadKey), { recursive: true, force: true });
  }
}
