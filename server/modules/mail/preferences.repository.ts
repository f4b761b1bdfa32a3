import { sql } from 'kysely';
import type { Db } from '../../db/kysely.ts';
import { UnprocessableError } from '../../lib/errors.ts';
import { EMAIL_KINDS } from '../notifications/index.ts';
import type { MailList } from './bulk.ts';

export class MailPreferencesRepository {
  constructor(private readonly db: Db) {}

  async get(memberId: number) {
    const [member, categories] = await Promise.all([
      this.db
        .selectFrom('members')
        .select(['digest', 'newsletter'])
        .where('id', '=', memberId)
        .executeTakeFirstOrThrow(),
      this.db
        .selectFrom('categories as c')
        .leftJoin('category_follows as f', (j) =>
          j.onRef('f.category_id', '=', 'c.id').on('f.member_id', '=', memberId),
        )
        .select(['c.id', 'c.name', sql<boolean>`f.member_id IS NOT NULL`.as('followed')])
        .orderBy('c.position')
        .orderBy('c.id')
        .execute(),
    ]);
    return { digest: member.digest, newsletter: member.newsletter, categories };
  }

  async set(
    memberId: number,
    input: { digest?: 'off' | 'daily' | 'weekly'; newsletter?: boolean; followedCategories?: number[] },
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      if (input.digest !== undefined || input.newsletter !== undefined) {
        await trx
          .updateTable('members')
          .set({ digest: input.digest, newsletter: input.newsletter, updated_at: new Date() })
          .where('id', '=', memberId)
          .execute();
      }
      if (input.followedCategories) {
        const ids = [...new Set(input.followedCategories)];
        const known = ids.length
          ? await trx.selectFrom('categories').select('id').where('id', 'in', ids).execute()
          : [];
        if (known.length !== ids.length)
          throw new UnprocessableError('category.not_found', 'No such category.', { field: 'followedCategories' });
        await trx.deleteFrom('category_follows').where('member_id', '=', memberId).execute();
        if (ids.length)
          await trx
            .insertInto('category_follows')
            .values(ids.map((id) => ({ category_id: id, member_id: memberId })))
            .execute();
      }
    });
  }

  /** Whether the member of this key receives the list; undefined for a key that names nobody. */
  async subscribed(key: string, list: MailList): Promise<boolean | undefined> {
    const row = await this.db
      .selectFrom('members')
      .select(['digest', 'newsletter', 'notification_email_mutes'])
      .where('mail_key', '=', key)
      .where('anonymised_at', 'is', null)
      .executeTakeFirst();
    if (!row) return undefined;
    if (list === 'digest') return row.digest !== 'off';
    if (list === 'newsletter') return row.newsletter;
    return EMAIL_KINDS.some((k) => !row.notification_email_mutes.includes(k));
  }

  /** Leaves the list; false for a key that names nobody. Notifications: every kind that can be turned off. */
  async unsubscribe(key: string, list: MailList): Promise<boolean> {
    const values =
      list === 'digest'
        ? { digest: 'off' as const }
        : list === 'newsletter'
          ? { newsletter: false }
          : { notification_email_mutes: [...EMAIL_KINDS] };
    const result = await this.db
      .updateTable('members')
      .set({ ...values, updated_at: new Date() })
      .where('mail_key', '=', key)
      .where('anonymised_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
