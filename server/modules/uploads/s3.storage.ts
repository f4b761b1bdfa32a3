import type { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../../config.ts';
import { onFirstUse } from '../../lib/on-first-use.ts';
import { KEY_PATTERN, type UploadStorage } from './storage.ts';

const sdk = onFirstUse(() => import('@aws-sdk/client-s3'));

/**
 * S3-compatible object storage (AWS, MinIO, Garage, Scaleway, OVH…), when S3_BUCKET is set. Path-style
 * addressing, which every compatible server takes. Files are still served through our own route (visibility is
 * checked on every request), so the bucket stays private.
 */
export class S3Storage implements UploadStorage {
  /** The SDK and its client, at the first file stored or read (the SDK is 22 MB of a node's memory). */
  private readonly s3 = onFirstUse(async () => {
    const { S3Client, ...commands } = await sdk();
    const { region, endpoint, accessKeyId, secretAccessKey } = this.options;
    const client = new S3Client({
      region,
      endpoint,
      forcePathStyle: true,
      ...(accessKeyId && secretAccessKey && { credentials: { accessKeyId, secretAccessKey } }),
    });
    this.client = client;
    return { client, ...commands };
  });
  private client: S3Client | undefined;

  constructor(private readonly options: NonNullable<Config['uploads']['s3']>) {}

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    const { client, PutObjectCommand } = await this.s3();
    await client.send(
      new PutObjectCommand({ Bucket: this.options.bucket, Key: key, Body: body, ContentType: contentType }),
    );
  }

  async get(key: string): Promise<{ body: Readable; size: number } | null> {
    const { client, GetObjectCommand, NoSuchKey } = await this.s3();
    try {
      const answer = await client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
      return { body: answer.Body as Readable, size: answer.ContentLength ?? 0 };
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return null;
      throw error;
    }
  }

  async removeAll(uploadKey: string): Promise<void> {
    if (!KEY_PATTERN.test(uploadKey)) throw new Error(`Not an upload key: ${uploadKey}`);
    const { client, ListObjectsV2Command, DeleteObjectsCommand } = await this.s3();
    const listed = await client.send(
      new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: `${uploadKey}/` }),
    );
    const objects = (listed.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
    if (objects.length === 0) return;
    await client.send(new DeleteObjectsCommand({ Bucket: this.options.bucket, Delete: { Objects: objects } }));
  }

  close(): void {
    this.client?.destroy();
  }
}
