import { type Actor, authorize } from '../../access/access.ts';
import { findsUnpublished, seeLevelsOf } from '../../access/visibility.ts';
import { CategoriesRepository } from '../../content/index.ts';
import type { Db } from '../../db/kysely.ts';
import { decodeCursor, encodeCursor } from '../../lib/cursor.ts';
import { BadRequestError } from '../../lib/errors.ts';
import { words } from './query.ts';
import { SearchQueriesRepository } from './search-queries.repository.ts';
import type { SearchFilters, SearchPort } from './search.port.ts';

/** Deeper than this, a person refines the query; it also bounds what an OFFSET page can cost. */
const MAX_OFFSET = 1000;

/**
 * Search as the routes use it: permissions (who finds hidden posts), pagination, and the anonymous count of
 * queries that community managers read to find the topics nobody has written about yet.
 */
export class SearchService {
  private readonly queries: SearchQueriesRepository;
  private readonly categories: CategoriesRepository;

  constructor(
    db: Db,
    private readonly port: SearchPort,
    private readonly pageSize = 20,
  ) {
    this.queries = new SearchQueriesRepository(db);
    this.categories = new CategoriesRepository(db);
  }

  /** The categories this searcher may not see: their posts are never found. */
  private hidden(actor: Actor | null) {
    return this.categories.idsNotSeenAt(seeLevelsOf(actor));
  }

  get adapter() {
    return this.port.name;
  }

  async search(actor: Actor | null, q: string, filters: SearchFilters & { cursor?: string }) {
    if (filters.from && filters.to && filters.from > filters.to) {
      throw new BadRequestError('search.dates', 'The start date is after the end date.');
    }
    const offset = filters.cursor ? (decodeCursor(filters.cursor, ['number'])[0] as number) : 0;
    if (offset < 0 || offset > MAX_OFFSET)
      throw new BadRequestError('cursor.invalid', 'The pagination cursor is invalid or expired.');
    const { cursor: _, ...rest } = filters;
    const { hits, more } = await this.port.search({
      ...rest,
      q,
      includeHidden: findsUnpublished(actor),
      hiddenCategoryIds: await this.hidden(actor),
      offset,
      limit: this.pageSize,
    });
    const normalized = words(q).join(' ');
    const filtered = Object.values(rest).some((v) => v !== undefined);
    if (offset === 0 && normalized && !filtered) {
      // Counted without the member: the text and whether it found anything. Filtered searches are left out:
      // « nothing in this category this month » does not mean nobody wrote about it.
      await this.queries.record(normalized.slice(0, 200), hits.length);
    }
    const next = offset + hits.length;
    return { results: hits, nextCursor: more && next <= MAX_OFFSET ? encodeCursor([next]) : null };
  }

  async titles(actor: Actor | null, q: string, match: 'all' | 'any', limit: number) {
    const hiddenCategoryIds = await this.hidden(actor);
    return this.port.titles(q, { match, limit, includeHidden: findsUnpublished(actor), hiddenCategoryIds });
  }

  /** The searches that found nothing over the last `days`, most asked first. */
  async misses(actor: Actor | null, days: number) {
    authorize(actor, 'search.insights');
    const since = new Date(Date.now() - days * 86_400_000);
    const [rows, totals] = await this.queries.misses(since);
    return {
      days,
      searches: Number(totals.all),
      withoutResults: Number(totals.empty),
      queries: rows.map((r) => ({ query: r.query, count: Number(r.count), last: new Date(r.last).toISOString() })),
    };
  }
}
