import { sql } from 'kysely';
import { threadSeeLevel } from '../../content/index.ts';
import { canSeeThread, viewerOf } from '../../access/visibility.ts';
import type { Db, Executor } from '../../db/kysely.ts';
import type { Locale, Role } from '../../db/types.ts';
import { ALWAYS_EMAILED, EMAIL_KINDS } from '../notifications/index.ts';
import { listHeaders, unsubscribeLinks } from './bulk.ts';
import { mailDomain } from './compose.ts';
import type { MailSettingsStore } from './mail.settings.ts';
import type { Mailer } from './mailer.ts';
import { type MailedNotification, notificationMail } from './notification-mail.ts';
import { MailOutboxRepository, type OutgoingMail } from './outbox.repository.ts';

/** Members taken per round (each with all their pending notifications). */
const MEMBERS_PER_ROUND = 200;

interface Row {
  id: number;
  member_id: number;
  kind: string;
  count: number;
  data: MailedNotification['data'] & { threadId?: number; postId?: number; conversationId?: number; subject?: string };
  email: string;
  locale: Locale;
  role: Role;
  trust_level: number;
  verified: boolean;
  anonymised: boolean;
  email_mutes: string[];
  mail_key: string;
}

export function emailed(kind: string, mutes: readonly string[]): boolean {
  if ((ALWAYS_EMAILED as readonly string[]).includes(kind.split('.')[0]!)) return true;
  return (EMAIL_KINDS as readonly string[]).includes(kind) && !mutes.includes(kind);
}

/** A post's text for the mail: its cooked HTML without tags, on one line, cut. */
function excerpt(html: string, max = 240): string {
  const text = html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * Notifications by e-mail, for members who have not seen them in the app. A notification still unread after the
 * community's delay makes its member due; all of that member's unread, unmailed notifications then go out
 * together, one message per thread (a mail client threads them: a stable Message-ID per message, and
 * In-Reply-To/References pointing at the thread's own id), and one for decisions about the account. Each
 * notification is marked `mailed_at` in the transaction that writes the mail (sent, or skipped: read meanwhile,
 * a kind the member turned off by e-mail, an address not confirmed, an account anonymised, a thread no longer
 * visible to them), so none is looked at twice, and several nodes never mail one twice (`SKIP LOCKED`).
 */
export class NotificationMailer {
  constructor(
    private readonly db: Db,
    private readonly mailer: Mailer,
    private readonly settings: MailSettingsStore,
    private readonly pageSize: number,
  ) {}

  /** Writes the mails due now; returns how many. */
  async run(now = new Date()): Promise<number> {
    const { notificationDelayMinutes } = await this.settings.get();
    const cutoff = new Date(now.getTime() - notificationDelayMinutes * 60_000);
    let written = 0;
    for (;;) {
      const round = await this.db.transaction().execute(async (trx) => {
        const { rows } = await sql<Row>`
          SELECT n.id, n.member_id, n.kind, n.count, n.data, m.email, m.locale, m.role, m.trust_level,
                 m.email_verified_at IS NOT NULL AS verified, m.anonymised_at IS NOT NULL AS anonymised,
                 m.notification_email_mutes AS email_mutes, m.mail_key
            FROM notifications n JOIN members m ON m.id = n.member_id
           WHERE n.mailed_at IS NULL AND n.read_at IS NULL
             AND n.member_id IN (
               SELECT DISTINCT member_id FROM notifications
                WHERE mailed_at IS NULL AND read_at IS NULL AND created_at <= ${cutoff}
                LIMIT ${MEMBERS_PER_ROUND})
           ORDER BY n.member_id, n.id
           FOR UPDATE OF n SKIP LOCKED`.execute(trx);
        if (rows.length === 0) return null;
        await trx
          .updateTable('notifications')
          .set({ mailed_at: now })
          .where(
            'id',
            'in',
            rows.map((r) => r.id),
          )
          .execute();
        const wanted = rows.filter((r) => r.verified && !r.anonymised && emailed(r.kind, r.email_mutes));
        const mails = await this.compose(trx, wanted);
        await new MailOutboxRepository(trx).enqueue(...mails);
        return mails.length;
      });
      if (round === null) return written;
      written += round;
    }
  }

  private async compose(trx: Executor, rows: Row[]): Promise<OutgoingMail[]> {
    if (rows.length === 0) return [];
    const threadIds = [...new Set(rows.map((r) => r.data.threadId).filter((id): id is number => id !== undefined))];
    const postIds = [...new Set(rows.map((r) => r.data.postId).filter((id): id is number => id !== undefined))];
    const [threads, posts] = await Promise.all([
      threadIds.length
        ? trx
            .selectFrom('threads')
            .select(['id', 'title', 'state', 'author_id'])
            .select(threadSeeLevel().as('see_level'))
            .where('id', 'in', threadIds)
            .execute()
        : [],
      postIds.length
        ? trx.selectFrom('posts').select(['id', 'state', 'body_html']).where('id', 'in', postIds).execute()
        : [],
    ]);
    const threadById = new Map(threads.map((t) => [t.id, t]));
    const postById = new Map(posts.map((p) => [p.id, p]));
    const community = await this.mailer.community(trx);
    const base = this.mailer.base();
    const domain = mailDomain(this.mailer.from);
    const prefsUrl = `${base}/notifications`;

    // One group per member and thread (0: about the account), in the order met.
    const groups = new Map<
      string,
      { row: Row; threadId: number; conversationId?: number; items: MailedNotification[]; firstId: number }
    >();
    for (const row of rows) {
      const threadId = row.data.threadId ?? 0;
      let url = prefsUrl;
      let text: string | undefined;
      if (threadId) {
        const thread = threadById.get(threadId);
        if (
          !thread ||
          !canSeeThread(viewerOf({ id: row.member_id, role: row.role, trust_level: row.trust_level }), thread)
        )
          continue;
        const number = row.data.number;
        const page = number ? Math.ceil(number / this.pageSize) : 1;
        url = `${base}/t/${threadId}${page > 1 ? `?page=${page}` : ''}${number ? `#post-${number}` : ''}`;
        const post = row.data.postId ? postById.get(row.data.postId) : undefined;
        if (post?.state === 'published' && !row.kind.startsWith('moderation.')) text = excerpt(post.body_html);
        row.data.threadTitle = thread.title;
      }
      // A private conversation's notifications make their own message (its subject, a link to it).
      const conversationId = threadId ? undefined : row.data.conversationId;
      if (conversationId) {
        url = `${base}/messages/${conversationId}`;
        row.data.threadTitle = row.data.subject;
      }
      const key = conversationId ? `${row.member_id}:c${conversationId}` : `${row.member_id}:${threadId}`;
      const group = groups.get(key) ?? { row, threadId, conversationId, items: [], firstId: row.id };
      group.items.push({ kind: row.kind, count: row.count, data: row.data, url, excerpt: text });
      groups.set(key, group);
    }

    return [...groups.values()].map(({ row, threadId, conversationId, items, firstId }): OutgoingMail => {
      const content = notificationMail({
        locale: row.locale,
        community,
        base,
        threadTitle: threadId ? threadById.get(threadId)!.title : conversationId ? row.data.subject : undefined,
        items,
        prefsUrl,
      });
      const thread = threadId ? `thread-${threadId}` : conversationId ? `conversation-${conversationId}` : null;
      const root = `<${thread}@${domain}>`;
      return {
        memberId: row.member_id,
        kind: 'notification',
        to: row.email,
        ...content,
        // Derived from the first notification: the same message keeps the same id whatever retries it takes.
        messageId: thread ? `<${thread}.n${firstId}@${domain}>` : `<account.n${firstId}@${domain}>`,
        // One-click unsubscribing (RFC 8058) turns off every kind that can be: mail clients offer it on any list.
        headers: {
          ...listHeaders(unsubscribeLinks(base, row.mail_key, 'notifications')),
          ...(thread ? { 'In-Reply-To': root, References: root } : {}),
        },
      };
    });
  }
}
