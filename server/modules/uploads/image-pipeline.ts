import { fileTypeFromBuffer } from 'file-type';
import type { Metadata, Sharp, SharpOptions } from 'sharp';
import { AppError, UnprocessableError } from '../../lib/errors.ts';
import { onFirstUse } from '../../lib/on-first-use.ts';

/**
 * Bytes in, clean images out. The type is read from the bytes (never from the name or the declared type), then
 * sharp decodes and re-encodes: orientation applied, every metadata block dropped (EXIF and its GPS position,
 * XMP, IPTC, comments; colours converted to sRGB), sized down, WebP unless the original format is smaller. What
 * is served is always our own re-encoding, so a polyglot (an image that is also HTML or a ZIP) loses its payload.
 *
 * It runs in the image worker's process (image-processor.ts), one libvips thread per image.
 */

/** What may come in: raster formats phones and cameras produce. No SVG (scripts), no PDF, no HEIC (no decoder). */
const ACCEPTED = new Map([
  ['image/jpeg', 'jpeg'],
  ['image/png', 'png'],
  ['image/webp', 'webp'],
  ['image/gif', 'gif'],
  ['image/avif', 'heif'],
]);

export type ImageFormat = 'webp' | 'jpeg' | 'png';
export const EXTENSION: Record<ImageFormat, string> = { webp: 'webp', jpeg: 'jpg', png: 'png' };
export const MIME: Record<ImageFormat, string> = { webp: 'image/webp', jpeg: 'image/jpeg', png: 'image/png' };

export interface Variant {
  name: string;
  width: number;
  height: number;
  bytes: number;
}
export interface ProcessedImage {
  format: ImageFormat;
  width: number;
  height: number;
  variants: (Variant & { data: Buffer })[];
}

/** A post image's files: the image itself (at most MAX_SIDE), two narrower ones for phones, a square thumbnail. */
export const MAX_SIDE = 2048;
const WIDTHS = [1280, 640];
const THUMB = 320;
const AVATAR_SIZES = [256, 64];
/** The favicon's sizes, largest first (the first is the upload's own size). */
export const FAVICON_SIZES = [192, 180, 32];

/** sharp and its native libraries (28 MB of a node's memory), at the first image a node processes. */
const loadSharp = onFirstUse(async () => {
  const { default: sharp } = await import('sharp');
  sharp.concurrency(1);
  sharp.cache(false);
  return sharp;
});

const notImage = (detected?: string) =>
  new UnprocessableError('upload.not_image', 'This file is not an image we take (JPEG, PNG, WebP, GIF or AVIF).', {
    detected: detected ?? null,
  });

/** The format read from the bytes, refusing anything that is not an accepted raster image. */
export async function sniff(bytes: Buffer): Promise<string> {
  const type = await fileTypeFromBuffer(bytes);
  const format = type && ACCEPTED.get(type.mime);
  if (!format) throw notImage(type?.mime);
  return format;
}

export interface ProcessOptions {
  maxPixels: number;
  /** An avatar: a square around the focus (0–1 across and down, the centre by default). */
  avatar?: { x: number; y: number };
  /** The site's logo (at most 800×200, kept whole) or favicon (a centred square, PNG at 32, 180 and 192 px). */
  brand?: 'logo' | 'favicon';
}

export async function processImage(bytes: Buffer, options: ProcessOptions): Promise<ProcessedImage> {
  const sharp = await loadSharp();
  const sniffed = await sniff(bytes);
  const input = { limitInputPixels: options.maxPixels, failOn: 'error' as const, animated: false };
  let meta: Metadata;
  try {
    meta = await sharp(bytes, input).metadata();
  } catch (error) {
    throw decodeFailure(error, options.maxPixels);
  }
  // The decoder must agree with the sniffer: a file that starts like one format and decodes as another is refused.
  if (meta.format !== sniffed) throw notImage(meta.format);
  if (!meta.width || !meta.height) throw notImage(meta.format);
  // Orientations 5–8 turn the picture a quarter: its displayed width is the stored height.
  const turned = (meta.orientation ?? 1) >= 5;
  const width = turned ? meta.height : meta.width;
  const height = turned ? meta.width : meta.height;
  if (width * height > options.maxPixels) throw tooManyPixels(options.maxPixels);
  try {
    if (options.brand === 'favicon') return await favicon(bytes, input, { width, height });
    if (options.brand === 'logo') return await logo(bytes, input);
    return options.avatar
      ? await avatar(bytes, input, { width, height }, options.avatar)
      : await postImage(bytes, input, sniffed);
  } catch (error) {
    throw decodeFailure(error, options.maxPixels);
  }
}

type Input = SharpOptions;

function encode(image: Sharp, format: ImageFormat): Sharp {
  if (format === 'webp') return image.webp({ quality: 80, effort: 3 });
  if (format === 'jpeg') return image.jpeg({ quality: 82, mozjpeg: false });
  return image.png({ compressionLevel: 9, effort: 4 });
}

async function render(image: Sharp, format: ImageFormat, name: string) {
  const { data, info } = await encode(image, format).toBuffer({ resolveWithObject: true });
  return { name, data, width: info.width, height: info.height, bytes: data.length };
}

async function postImage(bytes: Buffer, input: Input, original: string) {
  const sharp = await loadSharp();
  // Decoded once (turned upright, at most MAX_SIDE): every file is then made from these pixels, not from the
  // original again (a 12-megapixel JPEG decoded five times cost most of the time).
  const { data, info } = await sharp(bytes, input)
    .rotate()
    .resize({ width: MAX_SIDE, height: MAX_SIDE, fit: 'inside', withoutEnlargement: true })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const pixels = () => sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
  let best = await render(pixels(), 'webp', 'full');
  let format: ImageFormat = 'webp';
  // JPEG and PNG stay themselves when that is smaller (photos at high quality, flat drawings).
  if (original === 'jpeg' || original === 'png') {
    const same = await render(pixels(), original, 'full');
    if (same.bytes < best.bytes) [best, format] = [same, original];
  }
  const variants = [best];
  for (const width of WIDTHS) {
    if (best.width > width) variants.push(await render(pixels().resize({ width }), format, `w${width}`));
  }
  variants.push(
    await render(
      pixels().resize({ width: THUMB, height: THUMB, fit: 'cover', position: 'attention' }),
      format,
      'thumb',
    ),
  );
  return { format, width: best.width, height: best.height, variants };
}

async function avatar(
  bytes: Buffer,
  input: Input,
  size: { width: number; height: number },
  focus: { x: number; y: number },
) {
  const sharp = await loadSharp();
  // The largest square that fits, placed so that the focus is as near its centre as the edges allow.
  const side = Math.min(size.width, size.height);
  const clamp = (v: number, max: number) => Math.max(0, Math.min(max, Math.round(v)));
  const left = clamp(focus.x * size.width - side / 2, size.width - side);
  const top = clamp(focus.y * size.height - side / 2, size.height - side);
  const variants = [];
  for (const px of AVATAR_SIZES) {
    const square = sharp(bytes, input).rotate().extract({ left, top, width: side, height: side });
    variants.push(await render(square.resize({ width: px, height: px }), 'webp', `a${px}`));
  }
  return { format: 'webp' as const, width: variants[0]!.width, height: variants[0]!.height, variants };
}

/** The header's logo: one file, small enough to load first, sharp on a 2× screen at 40 px high. */
async function logo(bytes: Buffer, input: Input) {
  const sharp = await loadSharp();
  const image = sharp(bytes, input)
    .rotate()
    .resize({ width: 800, height: 200, fit: 'inside', withoutEnlargement: true });
  const full = await render(image, 'webp', 'full');
  return { format: 'webp' as const, width: full.width, height: full.height, variants: [full] };
}

/** The browser tab's icon, the home screen's (apple-touch-icon, 180) and the web manifest's (192): PNG squares. */
async function favicon(bytes: Buffer, input: Input, size: { width: number; height: number }) {
  const sharp = await loadSharp();
  const side = Math.min(size.width, size.height);
  const left = Math.floor((size.width - side) / 2);
  const top = Math.floor((size.height - side) / 2);
  const variants = [];
  for (const px of FAVICON_SIZES) {
    const square = sharp(bytes, input).rotate().extract({ left, top, width: side, height: side });
    variants.push(await render(square.resize({ width: px, height: px }), 'png', `f${px}`));
  }
  return { format: 'png' as const, width: variants[0]!.width, height: variants[0]!.height, variants };
}

const tooManyPixels = (max: number) =>
  new UnprocessableError('upload.too_many_pixels', `This image has more than ${max} pixels.`, { max });

function decodeFailure(error: unknown, maxPixels = 0): Error {
  if (error instanceof AppError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(message)) return tooManyPixels(maxPixels);
  return new UnprocessableError('upload.unreadable', 'This image could not be read: it may be damaged.');
}
