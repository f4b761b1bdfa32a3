import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../../db/kysely.ts';
import { HIT_END, HIT_START, parseQuery, realign, segments } from './query.ts';
import type { SearchHit, SearchPort, SearchRequest, ThreadKind, TitleHit } from './search.port.ts';

/** Recency halves a post's weight over this many days (relevance still decides between close ages). */
const RECENCY_DAYS = 90;
const HEADLINE = `StartSel=${HIT_START}, StopSel=${HIT_END}, MaxWords=32, MinWords=14, MaxFragments=2, FragmentDelimiter=" … "`;

interface Row {
  post_id: number;
  number: number;
  state: string;
  created_at: Date;
  thread_id: number;
  thread_state: string;
  kind: ThreadKind;
  answered: boolean;
  category_id: number;
  slug: string;
  category_name: string;
  color: string;
  username: string;
  display_name: string;
  title: string;
  title_hl: string;
  body_hl: string;
}

/**
 * PostgreSQL full-text search over `post_search` (migration 0006). The documents are written by triggers in the
 * same transaction as the posts, so results are never out of step with the forum.
 */
export class PgSearchAdapter implements SearchPort {
  readonly name = 'postgres';
  constructor(private readonly db: Db) {}

  async search(req: SearchRequest): Promise<{ hits: SearchHit[]; more: boolean }> {
    const { tsquery } = parseQuery(req.q, { prefix: true });
    if (!tsquery) return { hits: [], more: false };
    const states = req.includeHidden ? ['published', 'pending', 'hidden'] : ['published'];
    const where: RawBuilder<unknown>[] = [
      sql`s.doc @@ qq.q`,
      sql`p.state = ANY(${states})`,
      sql`t.state = ANY(${states})`,
    ];
    if (req.category) where.push(sql`c.slug = ${req.category}`);
    if (req.author) where.push(sql`m.username = ${req.author}`);
    if (req.kind) where.push(sql`t.kind = ${req.kind}`);
    if (req.from) where.push(sql`p.created_at >= ${req.from}`);
    if (req.to) where.push(sql`p.created_at < ${req.to}`);
    if (req.answered) where.push(sql`t.accepted_post_id IS NOT NULL`);

    // The page is chosen first; headlines (the costly part) are computed for its rows only.
    const { rows } = await sql<Row>`
      WITH qq AS (SELECT to_tsquery('agora_fr', ${tsquery}) || to_tsquery('agora_en', ${tsquery}) AS q),
      page AS (
        SELECT p.id AS post_id, p.number, p.state, p.created_at, p.body_md,
               t.id AS thread_id, t.title, t.state AS thread_state, t.kind, t.accepted_post_id IS NOT NULL AS answered,
               c.id AS category_id, c.slug, c.name AS category_name, c.color, m.username, m.display_name,
               ts_rank(s.doc, qq.q)
                 * (0.5 + 0.5 / (1 + extract(epoch FROM now() - p.created_at) / ${RECENCY_DAYS * 86400})) AS score
          FROM qq, post_search s
          JOIN posts p ON p.id = s.post_id
          JOIN threads t ON t.id = p.thread_id
          JOIN categories c ON c.id = t.category_id
          JOIN members m ON m.id = p.author_id
         WHERE ${sql.join(where, sql` AND `)}
         ORDER BY score DESC, p.id DESC
         LIMIT ${req.limit + 1} OFFSET ${req.offset}
      )
      SELECT page.*,
             ts_headline('agora_fr', translate(page.title, ${HIT_START + HIT_END}, ''), qq.q, ${`${HEADLINE}, HighlightAll=true`}) AS title_hl,
             ts_headline('agora_fr', ${plainMarkdown(sql.ref('page.body_md'))}, qq.q, ${HEADLINE}) AS body_hl
        FROM page, qq
       ORDER BY page.score DESC, page.post_id DESC`.execute(this.db);

    const more = rows.length > req.limit;
    return {
      more,
      hits: rows.slice(0, req.limit).map((r) => ({
        postId: r.post_id,
        number: r.number,
        state: r.state,
        createdAt: new Date(r.created_at).toISOString(),
        thread: { id: r.thread_id, title: realign(r.title, segments(r.title_hl)), kind: r.kind, state: r.thread_state, answered: r.answered },
        category: { id: r.category_id, slug: r.slug, name: r.category_name, color: r.color },
        author: { username: r.username, displayName: r.display_name },
        snippet: segments(r.body_hl),
      })),
    };
  }

  async titles(q: string, opts: { match: 'all' | 'any'; limit: number; includeHidden: boolean }): Promise<TitleHit[]> {
    const { tsquery } = parseQuery(q, { match: opts.match, prefix: opts.match === 'all' });
    if (!tsquery) return [];
    const states = opts.includeHidden ? ['published', 'pending', 'hidden'] : ['published'];
    const { rows } = await sql<{ thread_id: number; title: string; kind: ThreadKind; reply_count: number; answered: boolean }>`
      WITH qq AS (SELECT to_tsquery('agora_fr', ${tsquery}) || to_tsquery('agora_en', ${tsquery}) AS q)
      SELECT t.id AS thread_id, t.title, t.kind, t.reply_count, t.accepted_post_id IS NOT NULL AS answered
        FROM qq, post_search s
        JOIN posts p ON p.id = s.post_id AND p.number = 1
        JOIN threads t ON t.id = p.thread_id
       WHERE s.doc @@ qq.q AND t.state = ANY(${states})
       ORDER BY ts_rank(s.doc, qq.q, 1) DESC, t.reply_count DESC, t.id DESC
       LIMIT ${opts.limit}`.execute(this.db);
    return rows.map((r) => ({ threadId: r.thread_id, title: r.title, kind: r.kind, replyCount: r.reply_count, answered: r.answered }));
  }
}

/** Markdown read as text: HTML tags, link targets, images and markup characters go; the sentinels cannot be forged. */
function plainMarkdown(column: RawBuilder<unknown> | ReturnType<typeof sql.ref>) {
  return sql`regexp_replace(regexp_replace(regexp_replace(regexp_replace(translate(${column}, ${HIT_START + HIT_END}, ''),
    '<[a-zA-Z/!][^>]*>', ' ', 'g'), '!\\[[^\\]]*\\]\\([^)]*\\)', ' ', 'g'), '\\]\\([^)]*\\)', ']', 'g'), '[#*_>\`~\\[\\]|]+', ' ', 'g')`;
}
