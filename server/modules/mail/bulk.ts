import { sql } from 'kysely';
import type { Locale } from '../../db/types.ts';

/** The lists a member leaves with one click (no login): digests, the newsletter, notifications by e-mail. */
export const MAIL_LISTS = ['digest', 'newsletter', 'notifications'] as const;
export type MailList = (typeof MAIL_LISTS)[number];

/**
 * The unsubscribe addresses of a message: the web page a person opens from the footer link (it asks before
 * acting, so that a mail scanner following links unsubscribes nobody), and the API address that mail clients
 * POST to for RFC 8058 one-click unsubscribing. Both carry the member's `mail_key`, which can do nothing else.
 */
export function unsubscribeLinks(base: string, key: string, list: MailList) {
  const query = `key=${encodeURIComponent(key)}&list=${list}`;
  return { page: `${base}/unsubscribe?${query}`, oneClick: `${base}/api/mail/unsubscribe?${query}` };
}

/** `List-Unsubscribe` and `List-Unsubscribe-Post` (RFC 2369, RFC 8058). */
export function listHeaders(links: { oneClick: string }): Record<string, string> {
  return { 'List-Unsubscribe': `<${links.oneClick}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

export const UNSUBSCRIBE_LABEL: Record<Locale, Record<MailList, string>> = {
  fr: {
    digest: 'Ne plus recevoir ce résumé',
    newsletter: 'Se désabonner de la lettre d’information',
    notifications: 'Ne plus recevoir les notifications par e-mail',
  },
  en: {
    digest: 'Stop these summaries',
    newsletter: 'Unsubscribe from the newsletter',
    notifications: 'Stop notifications by e-mail',
  },
};

/** Bulk mail goes to members who may receive it: confirmed address, not anonymised, banned or suspended. */
export const bulkRecipient = (m: string) =>
  sql.raw(
    `${m}.email_verified_at IS NOT NULL AND ${m}.anonymised_at IS NULL AND ${m}.banned_at IS NULL ` +
      `AND (${m}.suspended_until IS NULL OR ${m}.suspended_until <= now())`,
  );
