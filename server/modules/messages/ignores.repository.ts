import type { Executor } from '../../db/kysely.ts';

/** member_ignores (migration 0033): whom a member ignores. */
export class IgnoresRepository {
  constructor(private readonly db: Executor) {}

  list(memberId: number) {
    return this.db
      .selectFrom('member_ignores as i')
      .innerJoin('members as m', 'm.id', 'i.ignored_id')
      .select(['m.id', 'm.username', 'm.display_name', 'i.created_at'])
      .where('i.member_id', '=', memberId)
      .orderBy('m.username')
      .execute();
  }

  async set(memberId: number, ignoredId: number, on: boolean): Promise<void> {
    if (on) {
      await this.db
        .insertInto('member_ignores')
        .values({ member_id: memberId, ignored_id: ignoredId })
        .onConflict((oc) => oc.columns(['member_id', 'ignored_id']).doNothing())
        .execute();
    } else {
      await this.db
        .deleteFrom('member_ignores')
        .where('member_id', '=', memberId)
        .where('ignored_id', '=', ignoredId)
        .execute();
    }
  }
}
