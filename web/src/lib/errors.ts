import { ApiError } from './api/client.ts';
import type { Hit } from './api/types.ts';
import { i18n, type MessageKey, t } from './i18n/index.svelte.ts';

/**
 * What the web app makes of a failed API call: the one module that looks inside the client's errors, so that
 * pages and components only ask for a sentence, a status or the netiquette's hits.
 */

/**
 * The sentence to show for a failure: the translation of the API's stable code (`error.<code>` in the
 * dictionaries, the unreachable server included as `network`), else the server's own message, else a generic one.
 */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    const key = `error.${err.code}`;
    if (key in i18n.messages) return t(key as MessageKey);
    return err.message || t('common.error');
  }
  return t('common.error');
}

/** The HTTP status the API answered with (0 when it could not be reached), or null for any other failure. */
export function errorStatus(err: unknown): number | null {
  return err instanceof ApiError ? err.status : null;
}

/** The netiquette rules a refused text broke, for the composer to mark them; undefined when the refusal names none. */
export function errorHits(err: unknown): Hit[] | undefined {
  return err instanceof ApiError ? (err.details as { hits?: Hit[] } | undefined)?.hits : undefined;
}
