import { sql } from 'kysely';
import type { Executor } from '../../db/kysely.ts';

/** A message ready to go: what the worker hands the transport, as written in the causing transaction. */
export interface OutgoingMail {
  memberId: number | null;
  kind: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers?: Record<string, string>;
  /** Digest or newsletter: never sent to a suspended or banned member (checked again at send time). */
  bulk?: boolean;
  newsletterId?: number;
}

/** Sent, or with no SMTP server configured, written to the log instead ("logged"). */
export type Delivery = 'sent' | 'logged';

export class MailOutboxRepository {
  constructor(private readonly db: Executor) {}

  /** Writes messages to the outbox (call it with the transaction of their cause). */
  async enqueue(...mails: OutgoingMail[]): Promise<void> {
    if (mails.length === 0) return;
    await this.db
      .insertInto('mail_outbox')
      .values(
        mails.map((m) => ({
          member_id: m.memberId,
          kind: m.kind,
          to_address: m.to,
          subject: m.subject,
          text_body: m.text,
          html_body: m.html,
          message_id: m.messageId,
          headers: JSON.stringify(m.headers ?? {}),
          bulk: m.bulk ?? false,
          newsletter_id: m.newsletterId ?? null,
        })),
      )
      .execute();
  }

  /**
   * The next messages due, locked until the transaction ends (`SKIP LOCKED`: rows another transaction holds are
   * passed over, never waited for). Mail to a member anonymised since it was written, and bulk mail to one
   * suspended or banned since, is dropped here rather than sent.
   */
  async claimDue(limit: number) {
    await sql`
      UPDATE mail_outbox o SET status = 'failed', last_error = 'recipient suspended, banned or anonymised', updated_at = now()
        FROM members m
       WHERE o.status = 'pending' AND m.id = o.member_id AND o.next_attempt_at <= now()
         AND (m.anonymised_at IS NOT NULL OR (o.bulk AND (m.banned_at IS NOT NULL OR m.suspended_until > now())))`.execute(
      this.db,
    );
    return this.db
      .selectFrom('mail_outbox')
      .select(['id', 'to_address', 'subject', 'text_body', 'html_body', 'headers', 'message_id', 'attempts', 'kind'])
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', new Date())
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
  }

  async markDelivered(ids: number[], status: Delivery): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('mail_outbox')
      .set({ status, sent_at: new Date(), updated_at: new Date(), attempts: sql`attempts + 1`, last_error: null })
      .where('id', 'in', ids)
      .execute();
  }

  async markRetry(id: number, error: string, at: Date): Promise<void> {
    await this.db
      .updateTable('mail_outbox')
      .set({
        attempts: sql`attempts + 1`,
        last_error: error.slice(0, 1000),
        next_attempt_at: at,
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .execute();
  }

  async markFailed(id: number, error: string): Promise<void> {
    await this.db
      .updateTable('mail_outbox')
      .set({ status: 'failed', attempts: sql`attempts + 1`, last_error: error.slice(0, 1000), updated_at: new Date() })
      .where('id', '=', id)
      .execute();
  }

  /** The outgoing mail, newest first (the administrators' page). */
  list(options: { limit: number; before?: number; status?: 'pending' | 'sent' | 'logged' | 'failed' }) {
    return this.db
      .selectFrom('mail_outbox')
      .select([
        'id',
        'member_id',
        'kind',
        'to_address',
        'subject',
        'text_body',
        'status',
        'attempts',
        'last_error',
        'created_at',
        'sent_at',
      ])
      .$if(options.before !== undefined, (q) => q.where('id', '<', options.before!))
      .$if(options.status !== undefined, (q) => q.where('status', '=', options.status!))
      .orderBy('id', 'desc')
      .limit(options.limit)
      .execute();
  }

  getById(id: number) {
    return this.db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** What was sent to a member (GDPR export): the envelope, not the bodies' links, which may hold live tokens. */
  listForMember(memberId: number) {
    return this.db
      .selectFrom('mail_outbox')
      .select(['kind', 'to_address', 'subject', 'status', 'created_at', 'sent_at'])
      .where('member_id', '=', memberId)
      .orderBy('id')
      .execute();
  }

  /** Drops the messages dealt with (sent, logged, failed) before `before`: the outbox is not an archive. */
  async purge(before: Date): Promise<number> {
    const result = await this.db
      .deleteFrom('mail_outbox')
      .where('status', '<>', 'pending')
      .where('created_at', '<', before)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async counts(): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('mail_outbox')
      .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
      .groupBy('status')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }
}
