import type { Readable } from 'node:stream';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { Config } from '../../config.ts';
import { KEY_PATTERN, type UploadStorage } from './storage.ts';

/**
 * S3-compatible object storage (AWS, MinIO, Garage, Scaleway, OVH…), when S3_BUCKET is set. Path-style
 * addressing, which every compatible server takes. Files are still served through our own route (visibility is
 * checked on every request), so the bucket stays private.
 */
export class S3Storage implements UploadStorage {
  private readonly client: S3Client;

  constructor(private readonly options: NonNullable<Config['uploads']['s3']>) {
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: true,
      ...(options.accessKeyId &&
        options.secretAccessKey && {
          credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
        }),
    });
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.options.bucket, Key: key, Body: body, ContentType: contentType }),
    );
  }

  async get(key: string): Promise<{ body: Readable; size: number } | null> {
    try {
      const answer = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
      return { body: answer.Body as Readable, size: answer.ContentLength ?? 0 };
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return null;
      throw error;
    }
  }

  async removeAll(uploadKey: string): Promise<void> {
    if (!KEY_PATTERN.test(uploadKey)) throw new Error(`Not an upload key: ${uploadKey}`);
    const listed = await this.client.send(
      new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: `${uploadKey}/` }),
    );
    const objects = (listed.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
    if (objects.length === 0) return;
    await this.client.send(new DeleteObjectsCommand({ Bucket: this.options.bucket, Delete: { Objects: objects } }));
  }

  close(): void {
    this.client.destroy();
  }
}
