import type { frUploads } from './fr.uploads.ts';

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : { one: string; other: string } };

/** English strings of images (the same keys as fr.uploads.ts). */
export const enUploads: Shape<typeof frUploads> = {
  'uploads.add': 'Add an image',
  'uploads.hint': 'Drag, paste or choose images (JPEG, PNG, WebP, GIF, AVIF).',
  'uploads.sending': 'Sending {name}…',
  'uploads.alt': 'Describe the image (for those who cannot see it)',
  'uploads.altPlaceholder': 'E.g. the torn seam of the bag, close up',
  'uploads.done': 'Image added',
  'uploads.dismiss': 'Close',
  'uploads.failed': '{name}: {reason}',
  'uploads.defaultAlt': 'image',
  'lightbox.close': 'Close the image',
  'lightbox.open': 'Enlarge the image',
  'lightbox.original': 'Open full size',
  'avatar.title': 'Avatar',
  'avatar.help': 'A square picture: choose the part to keep, then save.',
  'avatar.choose': 'Choose a picture',
  'avatar.horizontal': 'Horizontal position',
  'avatar.vertical': 'Vertical position',
  'avatar.save': 'Save the avatar',
  'avatar.remove': 'Remove the avatar',
  'avatar.saved': 'Avatar saved.',
  'avatar.removed': 'Avatar removed: your initials show.',
  'avatar.of': 'Avatar of {name}',
  'error.upload.not_image': 'This file is not an image we take (JPEG, PNG, WebP, GIF or AVIF).',
  'error.upload.unreadable': 'This image cannot be read: it may be damaged.',
  'error.upload.too_large': 'This image is too large for your trust level.',
  'error.upload.too_many_pixels': 'This image has too many pixels. Make it smaller before sending it.',
  'error.upload.daily_limit': 'You have sent all the images allowed today. Try again tomorrow.',
  'error.upload.missing': 'No image was received.',
  'error.upload.malformed': 'The upload was interrupted. Try again.',
  'error.upload.not_multipart': 'The upload was interrupted. Try again.',
};
