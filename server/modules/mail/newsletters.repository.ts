import { sql } from 'kysely';
import type { Executor } from '../../db/kysely.ts';
import type { Locale } from '../../db/types.ts';
import { bulkRecipient } from './bulk.ts';

export type Audience = 'all' | 'trust_level' | 'category';

export interface NewsletterDraft {
  subject: string;
  body_md: string;
  body_html: string;
  audience: Audience;
  trust_level: number | null;
  category_id: number | null;
}

export interface NewsletterRecipient {
  id: number;
  email: string;
  locale: Locale;
  mail_key: string;
}

export class NewslettersRepository {
  constructor(private readonly db: Executor) {}

  create(authorId: number, draft: NewsletterDraft) {
    return this.db
      .insertInto('newsletters')
      .values({ author_id: authorId, ...draft })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  update(id: number, values: Partial<NewsletterDraft> & { state?: 'draft' | 'scheduled'; send_at?: Date | null }) {
    return this.db
      .updateTable('newsletters')
      .set({ ...values, updated_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  getById(id: number) {
    return this.db.selectFrom('newsletters').selectAll().where('id', '=', id).executeTakeFirst();
  }

  getForUpdate(id: number) {
    return this.db.selectFrom('newsletters').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  }

  list(limit: number) {
    return this.db.selectFrom('newsletters').selectAll().orderBy('id', 'desc').limit(limit).execute();
  }

  /** How each newsletter's messages stand in the outbox (its send progress), by newsletter and status. */
  async progress(ids: number[]): Promise<Map<number, Record<string, number>>> {
    const map = new Map<number, Record<string, number>>();
    if (ids.length === 0) return map;
    const rows = await this.db
      .selectFrom('mail_outbox')
      .select(['newsletter_id', 'status', (eb) => eb.fn.countAll<string>().as('n')])
      .where('newsletter_id', 'in', ids)
      .groupBy(['newsletter_id', 'status'])
      .execute();
    for (const r of rows) {
      const counts = map.get(r.newsletter_id!) ?? {};
      counts[r.status] = Number(r.n);
      map.set(r.newsletter_id!, counts);
    }
    return map;
  }

  /** The next newsletter due, locked (`SKIP LOCKED`: two nodes never queue one twice). */
  claimDue(now: Date) {
    return this.db
      .selectFrom('newsletters')
      .selectAll()
      .where('state', '=', 'scheduled')
      .where('send_at', '<=', now)
      .orderBy('send_at')
      .limit(1)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
  }

  /** Queued: delivery goes on in the outbox. */
  markQueued(id: number, recipients: number) {
    return this.db
      .updateTable('newsletters')
      .set({ state: 'sending', recipients, queued_at: new Date(), updated_at: new Date() })
      .where('id', '=', id)
      .execute();
  }

  /** Newsletters whose every message has left the outbox are sent. */
  async settle(): Promise<void> {
    await sql`
      UPDATE newsletters n SET state = 'sent', updated_at = now()
       WHERE n.state = 'sending'
         AND NOT EXISTS (SELECT 1 FROM mail_outbox o WHERE o.newsletter_id = n.id AND o.status = 'pending')`.execute(
      this.db,
    );
  }

  private audienceWhere(audience: Audience, trustLevel: number | null, categoryId: number | null) {
    if (audience === 'trust_level') return sql`AND m.trust_level >= ${trustLevel ?? 0}`;
    if (audience === 'category')
      return sql`AND EXISTS (SELECT 1 FROM category_follows f WHERE f.member_id = m.id AND f.category_id = ${categoryId ?? 0})`;
    return sql``;
  }

  /** Who gets it: opted in, and may get bulk mail (confirmed, not anonymised, banned or suspended). */
  async recipients(
    n: Pick<NewsletterDraft, 'audience' | 'trust_level' | 'category_id'>,
  ): Promise<NewsletterRecipient[]> {
    const { rows } = await sql<NewsletterRecipient>`
      SELECT m.id, m.email, m.locale, m.mail_key FROM members m
       WHERE m.newsletter AND ${bulkRecipient('m')}
         ${this.audienceWhere(n.audience, n.trust_level, n.category_id)}
       ORDER BY m.id`.execute(this.db);
    return rows;
  }

  async countRecipients(n: Pick<NewsletterDraft, 'audience' | 'trust_level' | 'category_id'>): Promise<number> {
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM members m
       WHERE m.newsletter AND ${bulkRecipient('m')}
         ${this.audienceWhere(n.audience, n.trust_level, n.category_id)}`.execute(this.db);
    return rows[0]!.n;
  }
}
