/**
 * Addresses of our own image files (server/modules/uploads serves them): `/api/media/<key>/<variant>.<ext>`, the key
 * random (22 base64url characters). Pure, so that mappers and the Markdown sanitizer build and recognise them.
 */
export const MEDIA_PREFIX = '/api/media/';

/** One of our image files' addresses; the first group is the upload's key. */
export const OWN_IMAGE = /^\/api\/media\/([A-Za-z0-9_-]{22})\/[a-z0-9]{1,8}\.(?:webp|jpg|png)$/;

export function mediaUrl(key: string, variant: string, extension: string): string {
  return `${MEDIA_PREFIX}${key}/${variant}.${extension}`;
}

/** A member's avatar at 256 px (the web app shows it at every size up to that); null without one. */
export function avatarUrl(key: string | null | undefined): string | null {
  return key ? mediaUrl(key, 'a256', 'webp') : null;
}
