import type { SearchVisibility } from '../../access/visibility.ts';
import type { Segment } from './query.ts';

export type ThreadKind = 'discussion' | 'question' | 'tip' | 'idea' | 'announcement';

export interface SearchFilters {
  category?: string;
  author?: string;
  kind?: ThreadKind;
  from?: Date;
  to?: Date;
  /** Only threads with an accepted answer. */
  answered?: boolean;
}

export interface SearchRequest extends SearchFilters {
  q: string;
  /** Moderators also find pending and hidden posts, marked with their state. */
  includeHidden: boolean;
  /** The categories the searcher may not see (access/visibility.ts): never found. */
  hiddenCategoryIds: readonly number[];
  offset: number;
  limit: number;
}

export interface SearchHit {
  postId: number;
  number: number;
  state: string;
  createdAt: string;
  thread: {
    id: number;
    title: Segment[];
    kind: ThreadKind;
    state: string;
    answered: boolean;
    /** When the thread last moved: with the member's read position, its unread/new marks. */
    lastPostAt: string;
    tags: string[];
  };
  category: { id: number; slug: string; name: string; nameEn?: string | null; color: string };
  author: { username: string; displayName: string };
  snippet: Segment[];
}

export interface TitleHit {
  threadId: number;
  title: string;
  kind: ThreadKind;
  replyCount: number;
  answered: boolean;
}

/**
 * What the routes and the UI ask of search, whatever answers it. Adapters: PostgreSQL full-text (default,
 * pg.adapter.ts); Meilisearch when configured.
 */
export interface SearchPort {
  readonly name: string;
  search(req: SearchRequest): Promise<{ hits: SearchHit[]; more: boolean }>;
  /** Thread titles for the header's suggestions (prefix on the last word) and "similar threads" (any word). */
  titles(
    q: string,
    opts: { match: 'all' | 'any'; limit: number; includeHidden: boolean; hiddenCategoryIds: readonly number[] },
  ): Promise<TitleHit[]>;
}

/** A post as an external index stores it: text to search and fields to filter on (no display data). */
export interface SearchDocument {
  id: number;
  threadId: number;
  number: number;
  /** The thread's title on its first post, empty on replies. */
  title: string;
  /** The Markdown read as plain text. */
  body: string;
  categoryId: number;
  authorId: number;
  kind: ThreadKind;
  visibility: SearchVisibility;
  answered: boolean;
  /** Unix seconds. */
  createdAt: number;
}

/**
 * What the outbox worker asks of an index kept outside PostgreSQL. The PostgreSQL adapter has none: its
 * documents are written by triggers in the posts' own transaction.
 */
export interface SearchIndexer {
  /** Creates the index and applies its settings; idempotent, called before the first batch. */
  prepare(): Promise<void>;
  /** Writes and removes documents; resolves once the index has applied them, throws otherwise. */
  apply(upserts: SearchDocument[], deletes: number[]): Promise<void>;
  /** Rebuilds the whole index from pages of documents, replacing the old one only when the new one is complete. */
  rebuild(pages: AsyncIterable<SearchDocument[]>): Promise<void>;
  /** How many documents the index holds. */
  count(): Promise<number>;
}
