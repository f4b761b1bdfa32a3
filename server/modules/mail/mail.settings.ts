import type { Db } from '../../db/kysely.ts';
import { CachedSetting } from '../site/index.ts';

export interface MailSettings {
  /** Members must confirm their address before they post (staff never). */
  verificationRequired: boolean;
  /** A notification still unread after this many minutes is sent by e-mail. */
  notificationDelayMinutes: number;
}

export const MAIL_DEFAULTS: MailSettings = { verificationRequired: false, notificationDelayMinutes: 15 };

/** The community's mail settings (site_settings `mail`), read through a short cache. */
export class MailSettingsStore extends CachedSetting<MailSettings> {
  constructor(db: Db) {
    super(db, 'mail', MAIL_DEFAULTS);
  }
}
