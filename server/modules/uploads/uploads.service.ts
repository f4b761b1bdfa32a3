import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { type Actor, assertMayWrite, authorize, can } from '../../access/access.ts';
import { canSeePost, type Viewer } from '../../access/visibility.ts';
import type { Config } from '../../config.ts';
import type { Db, Executor } from '../../db/kysely.ts';
import { NotFoundError, TooManyRequestsError } from '../../lib/errors.ts';
import { type ImageMap, type ImageRef, imageAddresses } from '../../lib/markdown.ts';
import { avatarUrl, mediaUrl, OWN_IMAGE } from '../../lib/media.ts';
import { fetchImage, FetchRefused } from './external-fetch.ts';
import { EXTENSION, MIME, type ProcessedImage, type Variant } from './image-pipeline.ts';
import type { ImageProcessor } from './image-processor.ts';
import { KEY_PATTERN, type UploadStorage } from './storage.ts';
import { limitsFor, type UploadLimits } from './uploads.rules.ts';
import { type NewUpload, UploadsRepository } from './uploads.repository.ts';

const DAY = 86_400_000;
/** Images of one post looked at when it is published (more are left as they are written). */
const MAX_IMAGES_PER_POST = 20;

type UploadRow = NonNullable<Awaited<ReturnType<UploadsRepository['getByKey']>>>;

/** An upload as the API shows it. */
export function toUpload(row: Pick<UploadRow, 'id' | 'key' | 'format' | 'width' | 'height' | 'variants'>) {
  const variants = row.variants as Variant[];
  const ext = EXTENSION[row.format];
  return {
    id: row.id,
    url: mediaUrl(row.key, variants[0]!.name, ext),
    thumbnail: mediaUrl(row.key, variants.find((v) => v.name === 'thumb')?.name ?? variants[0]!.name, ext),
    width: row.width,
    height: row.height,
  };
}

/** How a post shows an upload: the image, and the narrower variants for phones. */
function imageRef(row: UploadRow): ImageRef {
  const variants = (row.variants as Variant[]).filter((v) => v.name !== 'thumb');
  const ext = EXTENSION[row.format];
  return {
    src: mediaUrl(row.key, 'full', ext),
    srcset:
      variants.length > 1
        ? variants
            .map((v) => `${mediaUrl(row.key, v.name, ext)} ${v.width}w`)
            .reverse()
            .join(', ')
        : '',
    width: row.width,
    height: row.height,
  };
}

export class UploadsService {
  private readonly uploads: UploadsRepository;

  constructor(
    private readonly db: Db,
    private readonly storage: UploadStorage,
    private readonly config: Config['uploads'],
    private readonly images: ImageProcessor,
  ) {
    this.uploads = new UploadsRepository(db);
  }

  /** What this member may send (the route reads the file within the size). */
  limits(actorOrNull: Actor | null): UploadLimits {
    const actor = authorize(actorOrNull, 'upload.create');
    assertMayWrite(actor);
    return limitsFor(actor, this.config);
  }

  /** An image for a post: processed, stored, and kept as an orphan until a post shows it. */
  async create(actorOrNull: Actor | null, file: { bytes: Buffer; filename: string }) {
    const actor = authorize(actorOrNull, 'upload.create');
    assertMayWrite(actor);
    await this.assertDailyLimit(actor);
    const image = await this.images.process(file.bytes, { maxPixels: this.config.maxPixels });
    const row = await this.store(image, { member_id: actor.id, kind: 'post', original_name: file.filename });
    return toUpload(row);
  }

  /** The member's avatar: a square around the focus, replacing the previous one (collected as an orphan). */
  async setAvatar(
    actorOrNull: Actor | null,
    file: { bytes: Buffer; filename: string },
    focus: { x: number; y: number },
  ) {
    const actor = authorize(actorOrNull, 'upload.create');
    assertMayWrite(actor);
    await this.assertDailyLimit(actor);
    const image = await this.images.process(file.bytes, { maxPixels: this.config.maxPixels, avatar: focus });
    const row = await this.store(image, { member_id: actor.id, kind: 'avatar', original_name: file.filename });
    await this.uploads.setAvatar(actor.id, row.key);
    return { avatar: avatarUrl(row.key)! };
  }

  /**
   * The site's logo or favicon (administrators): processed by the same pipeline, stored as a public upload.
   * Returns its address: the logo's file, or the favicon's base (`…/f32.png`, `f180`, `f192` beside it).
   */
  async brandImage(
    actorOrNull: Actor | null,
    which: 'logo' | 'favicon',
    file: { bytes: Buffer; filename: string },
  ): Promise<string> {
    const actor = authorize(actorOrNull, 'site.manage');
    const image = await this.images.process(file.bytes, { maxPixels: this.config.maxPixels, brand: which });
    const row = await this.store(image, { member_id: actor.id, kind: 'brand', original_name: file.filename });
    return mediaUrl(row.key, image.variants[0]!.name, EXTENSION[image.format]);
  }

  async removeAvatar(actorOrNull: Actor | null): Promise<void> {
    const actor = authorize(actorOrNull, 'upload.create');
    await this.uploads.setAvatar(actor.id, null);
  }

  /**
   * One file, for this viewer. Avatars are public; a post's image is seen by whoever may see one of the posts that
   * show it (server/access/visibility.ts), by the member who sent it, and by staff. Anyone else: 404.
   */
  async open(viewer: Viewer, key: string, file: string) {
    const missing = () => new NotFoundError('upload.not_found', 'No such image.');
    const [name, ext] = file.split('.');
    if (!KEY_PATTERN.test(key) || !name || !ext) throw missing();
    const row = await this.uploads.getByKey(key);
    if (!row || EXTENSION[row.format] !== ext) throw missing();
    const variant = (row.variants as Variant[]).find((v) => v.name === name);
    if (!variant) throw missing();
    const audience = await this.audience(viewer, row);
    if (audience === 'none') throw missing();
    const stored = await this.storage.get(`${key}/${file}`);
    if (!stored) throw missing();
    return {
      body: stored.body as Readable,
      size: stored.size,
      contentType: MIME[row.format],
      filename: `${(row.original_name.replace(/\.[^.]*$/, '') || 'image').replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80)}-${name}.${ext}`,
      public: audience === 'everyone',
    };
  }

  private async audience(viewer: Viewer, row: UploadRow): Promise<'everyone' | 'some' | 'none'> {
    if (row.kind === 'avatar' || row.kind === 'brand') return 'everyone';
    const posts = await this.uploads.posts(row.id);
    const seen = (v: Viewer) =>
      posts.some((p) =>
        canSeePost(
          v,
          { state: p.post_state, author_id: p.post_author_id },
          { state: p.thread_state, author_id: p.thread_author_id, see_level: p.thread_see_level },
        ),
      );
    if (seen(null)) return 'everyone';
    if (seen(viewer) || (viewer && (viewer.id === row.member_id || can(viewer, 'post.view_hidden')))) return 'some';
    return 'none';
  }

  /**
   * For the publish pipeline (step 3): the images a post's Markdown names, as ours. Our own addresses are looked
   * up; external ones are downloaded (once per address) through the same pipeline. An image that cannot be had
   * stays a link (the Markdown renderer makes it one).
   */
  async resolve(actor: Actor, markdown: string): Promise<{ images: ImageMap; uploadIds: number[] }> {
    const addresses = imageAddresses(markdown).slice(0, MAX_IMAGES_PER_POST);
    const own = new Map<string, string>();
    for (const a of addresses) {
      const key = OWN_IMAGE.exec(a)?.[1];
      if (key) own.set(a, key);
    }
    const rows = new Map((await this.uploads.getByKeys([...new Set(own.values())])).map((r) => [r.key, r]));
    const images: Record<string, ImageRef> = {};
    const uploadIds = new Set<number>();
    for (const address of addresses) {
      const key = own.get(address);
      const row = key ? rows.get(key) : /^https?:\/\//i.test(address) ? await this.external(actor, address) : undefined;
      if (!row || row.kind === 'avatar') continue;
      images[address] = imageRef(row);
      uploadIds.add(row.id);
    }
    return { images, uploadIds: [...uploadIds] };
  }

  /** In the post's transaction: the post now shows these uploads. */
  async attach(trx: Executor, postId: number, uploadIds: readonly number[]): Promise<void> {
    await new UploadsRepository(trx).replaceLinks(postId, uploadIds);
  }

  /** Housekeeping: uploads no post shows and no member wears, a day after they were sent. */
  async collectOrphans(now = Date.now()): Promise<number> {
    const orphans = await this.uploads.orphans(new Date(now - DAY), 200);
    for (const orphan of orphans) {
      await this.storage.removeAll(orphan.key);
      await this.uploads.delete(orphan.id);
    }
    return orphans.length;
  }

  private async external(actor: Actor, address: string): Promise<UploadRow | undefined> {
    const known = await this.uploads.getExternal(address);
    if (known) return known;
    try {
      const bytes = await fetchImage(address, this.config.external);
      const image = await this.images.process(bytes, { maxPixels: this.config.maxPixels });
      return await this.store(image, { member_id: actor.id, kind: 'external', source_url: address });
    } catch (error) {
      // Not an image, too large, unreachable, or internal: the post keeps a plain link.
      if (error instanceof FetchRefused || (error as { status?: number }).status === 422) return undefined;
      throw error;
    }
  }

  private async assertDailyLimit(actor: Actor): Promise<void> {
    const { perDay } = limitsFor(actor, this.config);
    if (perDay === null) return;
    const sent = await this.uploads.countSince(actor.id, new Date(Date.now() - DAY));
    if (sent >= perDay) {
      throw new TooManyRequestsError('upload.daily_limit', `You can send ${perDay} images a day.`, { max: perDay });
    }
  }

  private async store(
    image: ProcessedImage,
    row: Pick<NewUpload, 'member_id' | 'kind'> & Partial<Pick<NewUpload, 'original_name' | 'source_url'>>,
  ) {
    const key = randomBytes(16).toString('base64url');
    for (const v of image.variants)
      await this.storage.put(`${key}/${v.name}.${EXTENSION[image.format]}`, v.data, MIME[image.format]);
    return this.uploads.create({
      key,
      format: image.format,
      width: image.width,
      height: image.height,
      bytes: image.variants.reduce((sum, v) => sum + v.bytes, 0),
      original_name: (row.original_name ?? '').slice(0, 200),
      source_url: row.source_url ?? null,
      member_id: row.member_id,
      kind: row.kind,
      variants: image.variants.map(({ name, width, height, bytes }) => ({ name, width, height, bytes })),
    });
  }
}
