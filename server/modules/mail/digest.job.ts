import { sql } from 'kysely';
import { LISTED_THREAD_STATE } from '../../access/visibility.ts';
import type { Db, Executor } from '../../db/kysely.ts';
import type { Locale } from '../../db/types.ts';
import { bulkRecipient, listHeaders, UNSUBSCRIBE_LABEL, unsubscribeLinks } from './bulk.ts';
import { type DigestPeriod, digestMail } from './digest-mail.ts';
import type { Mailer } from './mailer.ts';
import { MailOutboxRepository, type OutgoingMail } from './outbox.repository.ts';

const PERIOD_MS: Record<DigestPeriod, number> = { daily: 86_400_000, weekly: 7 * 86_400_000 };
/** Held by the node writing digests (another finds it taken and leaves the work to it). */
const DIGEST_LOCK = 0x64696765; // "dige"
const BATCH = 500;
/** Threads in one digest, and candidates read once per run for every member's selection. */
const PER_DIGEST = 8;
const CANDIDATES = 60;

interface Recipient {
  id: number;
  email: string;
  locale: Locale;
  username: string;
  display_name: string;
  mail_key: string;
}

/**
 * The activity summary members opt into (daily or weekly). Due to a member who asked for it, has not visited
 * during the period (`last_seen_at`), and was not sent one during it; it lists the period's most active threads
 * that every visitor may see (the shared visibility rule: listed threads), in the categories the member follows
 * (all of them when they follow none). Written in batches, each with the members' `digest_sent_at`, so a
 * crash mid-run never sends a digest twice. A period without activity sends nothing (and counts as sent).
 */
export class DigestJob {
  constructor(
    private readonly db: Db,
    private readonly mailer: Mailer,
  ) {}

  async run(now = new Date()): Promise<number> {
    let written = 0;
    for (const period of ['daily', 'weekly'] as const) written += await this.runPeriod(period, now);
    return written;
  }

  private async runPeriod(period: DigestPeriod, now: Date): Promise<number> {
    const since = new Date(now.getTime() - PERIOD_MS[period]);
    let popular: Awaited<ReturnType<DigestJob['popular']>> | undefined;
    let written = 0;
    for (;;) {
      const round = await this.db.transaction().execute(async (trx) => {
        const { rows: lock } = await sql<{
          locked: boolean;
        }>`SELECT pg_try_advisory_xact_lock(${DIGEST_LOCK}) AS locked`.execute(trx);
        if (!lock[0]!.locked) return null;
        const { rows: members } = await sql<Recipient>`
          SELECT id, email, locale, username, display_name, mail_key FROM members
           WHERE digest = ${period} AND ${bulkRecipient('members')}
             AND (last_seen_at IS NULL OR last_seen_at < ${since})
             AND (digest_sent_at IS NULL OR digest_sent_at <= ${since})
           ORDER BY id LIMIT ${BATCH}`.execute(trx);
        if (members.length === 0) return null;
        popular ??= await this.popular(trx, since);
        const follows = await trx
          .selectFrom('category_follows')
          .select(['member_id', 'category_id'])
          .where(
            'member_id',
            'in',
            members.map((m) => m.id),
          )
          .execute();
        const followed = new Map<number, Set<number>>();
        for (const f of follows) followed.set(f.member_id, (followed.get(f.member_id) ?? new Set()).add(f.category_id));
        const community = await this.mailer.community(trx);
        const base = this.mailer.base();
        const ids = this.mailer.ids();
        const mails: OutgoingMail[] = [];
        for (const member of members) {
          const mine = followed.get(member.id);
          const threads = popular.filter((t) => !mine || mine.has(t.category_id)).slice(0, PER_DIGEST);
          if (threads.length === 0) continue;
          const links = unsubscribeLinks(base, member.mail_key, 'digest');
          const content = digestMail({
            locale: member.locale,
            community,
            base,
            period,
            name: member.display_name || member.username,
            threads,
            unsubscribe: { label: UNSUBSCRIBE_LABEL[member.locale].digest, url: links.page },
          });
          mails.push({
            memberId: member.id,
            kind: `digest.${period}`,
            to: member.email,
            ...content,
            messageId: ids.fresh('digest'),
            headers: listHeaders(links),
            bulk: true,
          });
        }
        await new MailOutboxRepository(trx).enqueue(...mails);
        await trx
          .updateTable('members')
          .set({ digest_sent_at: now })
          .where(
            'id',
            'in',
            members.map((m) => m.id),
          )
          .execute();
        return mails.length;
      });
      if (round === null) return written;
      written += round;
    }
  }

  /** The period's most active threads that are listed (visible to everyone), with their category. */
  private async popular(db: Executor, since: Date) {
    const { rows } = await sql<{ id: number; title: string; category_id: number; category: string; posts: number }>`
      SELECT t.id, t.title, t.category_id, c.name AS category, count(p.id)::int AS posts
        FROM threads t
        JOIN posts p ON p.thread_id = t.id AND p.state = 'published' AND p.created_at > ${since}
        JOIN categories c ON c.id = t.category_id
       WHERE t.state = ${LISTED_THREAD_STATE} AND c.see_level = 'visitor'
       GROUP BY t.id, c.name
       ORDER BY count(p.id) DESC, max(p.created_at) DESC
       LIMIT ${CANDIDATES}`.execute(db);
    return rows;
  }
}
