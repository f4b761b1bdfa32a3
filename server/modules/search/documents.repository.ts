import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../../db/kysely.ts';
import { HIT_COLUMNS, HIT_JOINS, type HitRow } from './hits.ts';
import { HIT_END, HIT_START } from './query.ts';
import type { SearchDocument } from './search.port.ts';

/** Markdown read as text: HTML tags, link targets, images and markup characters go; the sentinels cannot be forged. */
export function plainMarkdown(column: RawBuilder<unknown> | ReturnType<typeof sql.ref>) {
  return sql`regexp_replace(regexp_replace(regexp_replace(regexp_replace(translate(${column}, ${HIT_START + HIT_END}, ''),
    '<[a-zA-Z/!][^>]*>', ' ', 'g'), '!\\[[^\\]]*\\]\\([^)]*\\)', ' ', 'g'), '\\]\\([^)]*\\)', ']', 'g'), '[#*_>\`~\\[\\]|]+', ' ', 'g')`;
}

interface DocumentRow {
  post_id: number;
  thread_id: number;
  number: number;
  title: string;
  body: string;
  category_id: number;
  author_id: number;
  kind: SearchDocument['kind'];
  visibility: SearchDocument['visibility'] | 'gone';
  answered: boolean;
  created_at: Date;
}

/**
 * Search documents as an external index stores them, read from `post_search` (kept in step by triggers) and
 * the posts. Text only: the title (first posts), the body's Markdown read as text, and the filter fields.
 */
export class SearchDocumentsRepository {
  constructor(private readonly db: Db) {}

  private select() {
    return this.db
      .selectFrom('post_search as s')
      .innerJoin('posts as p', 'p.id', 's.post_id')
      .innerJoin('threads as t', 't.id', 'p.thread_id')
      .select([
        's.post_id',
        't.id as thread_id',
        'p.number',
        sql<string>`CASE WHEN p.number = 1 THEN translate(t.title, ${HIT_START + HIT_END}, '') ELSE '' END`.as('title'),
        plainMarkdown(sql.ref('p.body_md')).$castTo<string>().as('body'),
        's.category_id',
        's.author_id',
        sql<SearchDocument['kind']>`s.kind`.as('kind'),
        sql<DocumentRow['visibility']>`s.visibility`.as('visibility'),
        's.answered',
        's.created_at',
      ]);
  }

  /** The posts' documents as they are now; a post that search must no longer find is in `gone`. */
  async load(postIds: readonly number[]): Promise<{ documents: SearchDocument[]; gone: number[] }> {
    if (postIds.length === 0) return { documents: [], gone: [] };
    const rows = (await this.select().where('s.post_id', 'in', postIds).execute()) as DocumentRow[];
    const documents = rows.filter((r) => r.visibility !== 'gone').map(toDocument);
    const kept = new Set(documents.map((d) => d.id));
    return { documents, gone: postIds.filter((id) => !kept.has(id)) };
  }

  /** Every findable document, in pages by post id (for a rebuild). */
  async page(afterId: number, limit: number): Promise<SearchDocument[]> {
    const rows = (await this.select()
      .where('s.post_id', '>', afterId)
      .where('s.visibility', '<>', 'gone')
      .orderBy('s.post_id')
      .limit(limit)
      .execute()) as DocumentRow[];
    return rows.map(toDocument);
  }

  /** What search results show of these posts, read now, with their current visibility. */
  async hits(postIds: number[]): Promise<(HitRow & { visibility: string })[]> {
    const { rows } = await sql<HitRow & { visibility: string }>`
      SELECT ${HIT_COLUMNS}, agora_search_visibility(p.state, t.state) AS visibility
        FROM posts p
        ${HIT_JOINS}
       WHERE p.id = ANY(${postIds}::bigint[])`.execute(this.db);
    return rows;
  }

  async countFindable(): Promise<number> {
    const row = await this.db
      .selectFrom('post_search')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('visibility', '<>', 'gone')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

function toDocument(r: DocumentRow): SearchDocument {
  return {
    id: r.post_id,
    threadId: r.thread_id,
    number: r.number,
    title: r.title,
    body: r.body,
    categoryId: r.category_id,
    authorId: r.author_id,
    kind: r.kind,
    visibility: r.visibility as SearchDocument['visibility'],
    answered: r.answered,
    createdAt: Math.floor(new Date(r.created_at).getTime() / 1000),
  };
}
