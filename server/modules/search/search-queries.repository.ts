import { sql } from 'kysely';
import type { Db } from '../../db/kysely.ts';

/** The anonymous count of searches (what was asked, and whether it found anything). */
export class SearchQueriesRepository {
  constructor(private readonly db: Db) {}

  async record(query: string, resultCount: number): Promise<void> {
    await this.db.insertInto('search_queries').values({ query, result_count: resultCount }).execute();
  }

  /** The searches that found nothing since then, most asked first, and the totals. */
  misses(since: Date) {
    return Promise.all([
      this.db
        .selectFrom('search_queries')
        .select((eb) => ['query', eb.fn.countAll<number>().as('count'), eb.fn.max('created_at').as('last')])
        .where('created_at', '>=', since)
        .where('result_count', '=', 0)
        .groupBy('query')
        .orderBy('count', 'desc')
        .orderBy('last', 'desc')
        .limit(50)
        .execute(),
      this.db
        .selectFrom('search_queries')
        .select((eb) => [
          eb.fn.countAll<number>().as('all'),
          sql<number>`count(*) FILTER (WHERE result_count = 0)`.as('empty'),
        ])
        .where('created_at', '>=', since)
        .executeTakeFirstOrThrow(),
    ]);
  }
}
