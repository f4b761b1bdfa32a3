import { sql } from 'kysely';
import type { Segment } from './query.ts';
import type { SearchHit, ThreadKind } from './search.port.ts';

/** What a result shows besides its highlights, read from PostgreSQL by either adapter. */
export interface HitRow {
  post_id: number;
  number: number;
  state: string;
  created_at: Date;
  thread_id: number;
  thread_state: string;
  title: string;
  kind: ThreadKind;
  answered: boolean;
  reply_count: number;
  last_post_at: Date;
  tags: string[];
  category_id: number;
  slug: string;
  category_name: string;
  category_name_en: string | null;
  color: string;
  username: string;
  display_name: string;
}

/** The columns of HitRow, over `posts p JOIN threads t JOIN categories c JOIN members m` (HIT_JOINS). */
export const HIT_COLUMNS = sql`p.id AS post_id, p.number, p.state, p.created_at,
  t.id AS thread_id, t.title, t.state AS thread_state, t.kind, t.accepted_post_id IS NOT NULL AS answered, t.reply_count,
  t.last_post_at, ARRAY(SELECT tg.name FROM thread_tags tt JOIN tags tg ON tg.id = tt.tag_id
    WHERE tt.thread_id = t.id ORDER BY tg.name) AS tags,
  c.id AS category_id, c.slug, c.name AS category_name, c.name_en AS category_name_en, c.color, m.username, m.display_name`;
export const HIT_JOINS = sql`JOIN threads t ON t.id = p.thread_id
  JOIN categories c ON c.id = t.category_id
  JOIN members m ON m.id = p.author_id`;

export function toHit(r: HitRow, title: Segment[], snippet: Segment[]): SearchHit {
  return {
    postId: r.post_id,
    number: r.number,
    state: r.state,
    createdAt: new Date(r.created_at).toISOString(),
    thread: {
      id: r.thread_id,
      title,
      kind: r.kind,
      state: r.thread_state,
      answered: r.answered,
      lastPostAt: new Date(r.last_post_at).toISOString(),
      tags: r.tags,
    },
    category: { id: r.category_id, slug: r.slug, name: r.category_name, nameEn: r.category_name_en, color: r.color },
    author: { username: r.username, displayName: r.display_name },
    snippet,
  };
}
