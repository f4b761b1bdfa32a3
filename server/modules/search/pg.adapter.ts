import { type RawBuilder, sql } from 'kysely';
import { searchVisibilities } from '../../access/visibility.ts';
import type { Db } from '../../db/kysely.ts';
import { plainMarkdown } from './documents.repository.ts';
import { HIT_COLUMNS, HIT_JOINS, type HitRow, toHit } from './hits.ts';
import { CategoriesRepository, MembersRepository } from '../../content/index.ts';
import { HIT_END, HIT_START, isCommonQuery, parseQuery, realign, segments } from './query.ts';
import type { SearchHit, SearchPort, SearchRequest, ThreadKind, TitleHit } from './search.port.ts';

/** Recency halves a post's weight over this many days (relevance still decides between close ages). */
const RECENCY_DAYS = 90;
const HEADLINE = `StartSel=${HIT_START}, StopSel=${HIT_END}, MaxWords=32, MinWords=14, MaxFragments=2, FragmentDelimiter=" … "`;

interface Row extends HitRow {
  title_hl: string;
  body_hl: string;
}

/**
 * PostgreSQL full-text search over `post_search` (migrations 0006–0007). The documents are written by triggers
 * in the same transaction as the posts, so results are never out of step with the forum.
 *
 * How it stays fast on a million posts: the newest `candidates` matching posts (filters applied inside the
 * GIN index) are ranked by relevance and recency; ranking every match of a common word would read hundreds of
 * thousands of documents. The tsquery is written inline, not in a CTE, so the planner sees how common the words
 * are and picks a backward walk of the primary key (common words) or the GIN index (rare ones).
 */
export class PgSearchAdapter implements SearchPort {
  readonly name = 'postgres';
  private stats: { at: number; set: Set<string>; list: string[] } | null = null;
  private readonly categories: CategoriesRepository;
  private readonly members: MembersRepository;

  constructor(
    private readonly db: Db,
    private readonly candidates = 200,
    private readonly statsSeconds = 600,
  ) {
    this.categories = new CategoriesRepository(db);
    this.members = new MembersRepository(db);
  }

  /** The most common lexemes per PostgreSQL's statistics (ANALYZE), re-read every few minutes. */
  private async commonLexemes() {
    if (this.stats && Date.now() - this.stats.at < this.statsSeconds * 1000) return this.stats;
    const { rows } = await sql<{ elems: string[] | null }>`
      SELECT most_common_elems::text::text[] AS elems FROM pg_stats
       WHERE schemaname = current_schema() AND tablename = 'post_search' AND attname = 'doc'`.execute(this.db);
    const list = rows[0]?.elems ?? [];
    this.stats = { at: Date.now(), set: new Set(list), list };
    return this.stats;
  }

  /** Common words: walk the newest posts and keep the first matches. Rare ones: let the GIN index find them. */
  private async plan(tsquery: string, match: 'all' | 'any' = 'all') {
    const [{ set, list }, { rows }] = await Promise.all([
      this.commonLexemes(),
      sql<{
        fr: string;
        en: string;
      }>`SELECT to_tsquery('agora_fr', ${tsquery})::text AS fr, to_tsquery('agora_en', ${tsquery})::text AS en`.execute(
        this.db,
      ),
    ]);
    const common = isCommonQuery([rows[0]!.fr, rows[0]!.en], set, list, match);
    // Calling the operator's function (not `@@`) hides the condition from the GIN index: the planner then walks
    // the primary key, or the author/category B-tree, newest first. Words that often go together ("sleeping bag")
    // would otherwise look rare to it and send it through the index to fetch every match.
    return common
      ? { match: (q: RawBuilder<unknown>) => sql`ts_match_vq(s.doc, ${q})`, order: sql`s.post_id DESC` }
      : { match: (q: RawBuilder<unknown>) => sql`s.doc @@ ${q}`, order: sql`s.post_id + 0 DESC` };
  }

  async search(req: SearchRequest): Promise<{ hits: SearchHit[]; more: boolean }> {
    const { tsquery } = parseQuery(req.q, { prefix: true });
    if (!tsquery) return { hits: [], more: false };
    // Independent look-ups, sent together: the strategy, and the ids behind the category and author filters.
    const [plan, category, author] = await Promise.all([
      this.plan(tsquery),
      req.category ? this.categories.getBySlug(req.category) : null,
      req.author ? this.members.getByUsername(req.author) : null,
    ]);
    if ((req.category && !category) || (req.author && !author)) return { hits: [], more: false };
    const where = [plan.match(tsq(tsquery)), sql`s.visibility = ANY(${searchVisibilities(req.includeHidden)})`];
    if (category) where.push(sql`s.category_id = ${category.id}`);
    if (req.hiddenCategoryIds.length) where.push(sql`s.category_id <> ALL(${[...req.hiddenCategoryIds]}::int[])`);
    if (author) where.push(sql`s.author_id = ${author.id}`);
    if (req.kind) where.push(sql`s.kind = ${req.kind}`);
    if (req.from) where.push(sql`s.created_at >= ${req.from}`);
    if (req.to) where.push(sql`s.created_at < ${req.to}`);
    if (req.answered) where.push(sql`s.answered`);

    // Candidates, then the page ranked among them, then headlines (the costly part) for the page's rows only.
    const { rows } = await sql<Row>`
      WITH candidates AS (
        SELECT s.post_id, s.doc, s.created_at FROM post_search s
         WHERE ${sql.join(where, sql` AND `)}
         ORDER BY ${plan.order}
         LIMIT ${this.candidates}
      ),
      page AS (
        SELECT c.post_id, c.doc,
               ts_rank(c.doc, ${tsq(tsquery)})
                 * (0.5 + 0.5 / (1 + extract(epoch FROM now() - c.created_at) / ${RECENCY_DAYS * 86400})) AS score
          FROM candidates c
         ORDER BY score DESC, c.post_id DESC
         LIMIT ${req.limit + 1} OFFSET ${req.offset}
      )
      SELECT ${HIT_COLUMNS},
             ts_headline('agora_fr', translate(t.title, ${HIT_START + HIT_END}, ''), ${tsq(tsquery)}, ${`${HEADLINE}, HighlightAll=true`}) AS title_hl,
             ts_headline('agora_fr', ${plainMarkdown(sql.ref('p.body_md'))}, ${tsq(tsquery)}, ${HEADLINE}) AS body_hl
        FROM page
        JOIN posts p ON p.id = page.post_id
        ${HIT_JOINS}
       ORDER BY page.score DESC, page.post_id DESC`.execute(this.db);

    const more = rows.length > req.limit && req.offset + req.limit < this.candidates;
    return {
      more,
      hits: rows.slice(0, req.limit).map((r) => toHit(r, realign(r.title, segments(r.title_hl)), segments(r.body_hl))),
    };
  }

  async titles(
    q: string,
    opts: { match: 'all' | 'any'; limit: number; includeHidden: boolean; hiddenCategoryIds: readonly number[] },
  ): Promise<TitleHit[]> {
    const { tsquery } = parseQuery(q, { match: opts.match, prefix: opts.match === 'all', titleOnly: true });
    if (!tsquery) return [];
    // Weight A: only the words of titles, which only first posts carry.
    const plan = await this.plan(tsquery, opts.match);
    const { rows } = await sql<{
      thread_id: number;
      title: string;
      kind: ThreadKind;
      reply_count: number;
      answered: boolean;
    }>`
      WITH candidates AS (
        SELECT s.post_id, s.doc FROM post_search s
         WHERE ${plan.match(tsq(tsquery))} AND s.visibility = ANY(${searchVisibilities(opts.includeHidden)})
           AND s.category_id <> ALL(${[...opts.hiddenCategoryIds]}::int[])
         ORDER BY ${plan.order}
         LIMIT ${this.candidates}
      )
      SELECT t.id AS thread_id, t.title, t.kind, t.reply_count, t.accepted_post_id IS NOT NULL AS answered
        FROM candidates c
        JOIN posts p ON p.id = c.post_id AND p.number = 1
        JOIN threads t ON t.id = p.thread_id
       ORDER BY ts_rank(c.doc, ${tsq(tsquery)}) DESC, t.reply_count DESC, t.id DESC
       LIMIT ${opts.limit}`.execute(this.db);
    return rows.map((r) => ({
      threadId: r.thread_id,
      title: r.title,
      kind: r.kind,
      replyCount: r.reply_count,
      answered: r.answered,
    }));
  }
}

/** The query in both languages' configurations (a parameter, planned with its value: pg's unnamed statements). */
const tsq = (tsquery: string): RawBuilder<unknown> =>
  sql`(to_tsquery('agora_fr', ${tsquery}) || to_tsquery('agora_en', ${tsquery}))`;
