import type { Config } from '../../config.ts';
import type { Executor } from '../../db/kysely.ts';
import type { Locale } from '../../db/types.ts';
import { SiteSettingsRepository } from '../site/index.ts';
import { type AccountMailKind, accountMail } from './account-mail.ts';
import { messageIds } from './compose.ts';
import { invitationMail } from './invitation-mail.ts';
import { MailOutboxRepository } from './outbox.repository.ts';

export interface Recipient {
  id: number;
  username: string;
  display_name: string;
  email: string;
  locale: Locale;
}

/** Writes messages to the outbox for the other modules (they never build a mail themselves). */
export class Mailer {
  constructor(private readonly config: Config) {}

  /**
   * Where links point: the request's `publicBase()` (PUBLIC_URL, else the address it came to); for mail written
   * by a job, with no request, PUBLIC_URL else this node.
   */
  base(requestBase?: string): string {
    return requestBase || (this.config.publicUrl?.replace(/\/+$/, '') ?? `http://localhost:${this.config.port}`);
  }

  get from(): string {
    return this.config.mail.from;
  }

  ids() {
    return messageIds(this.config.mail.from);
  }

  async community(db: Executor): Promise<string> {
    const name = await new SiteSettingsRepository(db).get<unknown>('name');
    return typeof name === 'string' && name ? name : 'Agora';
  }

  /** An account message (reset, verification…), written with `db`, the transaction of its cause. */
  async account(
    db: Executor,
    kind: AccountMailKind,
    member: Recipient,
    options: { url: string; base: string; to?: string; email?: string },
  ): Promise<void> {
    const content = accountMail(kind, {
      locale: member.locale,
      community: await this.community(db),
      base: options.base,
      url: options.url,
      member,
      email: options.email,
    });
    await new MailOutboxRepository(db).enqueue({
      memberId: member.id,
      kind,
      to: options.to ?? member.email,
      ...content,
      messageId: this.ids().fresh(kind),
    });
  }

  /** An invitation to join, to an address that has no account yet, in the inviter's language. */
  async invitation(
    db: Executor,
    inviter: Recipient,
    options: { to: string; url: string; base: string; days: number },
  ): Promise<void> {
    const content = invitationMail({
      locale: inviter.locale,
      community: await this.community(db),
      base: options.base,
      url: options.url,
      inviter: inviter.display_name || inviter.username,
      days: options.days,
    });
    await new MailOutboxRepository(db).enqueue({
      memberId: null,
      kind: 'invitation',
      to: options.to,
      ...content,
      messageId: this.ids().fresh('invitation'),
    });
  }
}
