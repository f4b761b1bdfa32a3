import { type EnqueuedTaskPromise, type IndexSwap, Meilisearch, type Settings } from 'meilisearch';
import { eng, fra } from 'stopword';
import { searchVisibilities } from '../../access/visibility.ts';
import type { Db } from '../../db/kysely.ts';
import { ServiceUnavailableError } from '../../lib/errors.ts';
import { CategoriesRepository, MembersRepository } from '../../content/index.ts';
import { SearchDocumentsRepository } from './documents.repository.ts';
import { type HitRow, toHit } from './hits.ts';
import { HIT_END, HIT_START, segments, words } from './query.ts';
import type {
  SearchDocument,
  SearchHit,
  SearchIndexer,
  SearchPort,
  SearchRequest,
  ThreadKind,
  TitleHit,
} from './search.port.ts';

/** « été » is a stop word as a form of « être », and the season in an outdoor community: it stays searchable. */
const KEPT = new Set(['été', 'étée', 'étées', 'étés']);
/** PostgreSQL's French and English stop lists (Snowball), elided letters (« l' », « qu' ») included. */
export const STOP_WORDS = [...new Set([...fra, ...eng])].filter((w) => !KEPT.has(w));

/** The index settings the app applies at start: the same for a new index and for a rebuild. */
export const INDEX_SETTINGS: Settings = {
  // The order ranks a match in the title above one in the body.
  searchableAttributes: ['title', 'body'],
  filterableAttributes: ['visibility', 'categoryId', 'authorId', 'kind', 'answered', 'createdAt', 'number', 'threadId'],
  sortableAttributes: ['createdAt'],
  // Relevance first; between equally relevant posts, the newest.
  rankingRules: ['words', 'typo', 'proximity', 'attribute', 'sort', 'exactness', 'createdAt:desc'],
  stopWords: STOP_WORDS,
  typoTolerance: { enabled: true, minWordSizeForTypos: { oneTypo: 5, twoTypos: 9 } },
  pagination: { maxTotalHits: 1200 },
};

type MeiliHit = { id: number; _formatted?: { title?: string; body?: string } };

/**
 * Meilisearch behind the search port (`MEILI_URL`). The index holds text and filter fields only; what a result
 * shows (thread, category, author) is read from PostgreSQL for the page's posts, so a renamed member or category
 * is right at once, and a post hidden since it was indexed is left out even before the outbox delivers the change.
 * Documents reach the index through the outbox worker (outbox.worker.ts), never from the request path.
 */
export class MeiliSearchAdapter implements SearchPort, SearchIndexer {
  readonly name = 'meilisearch';
  private readonly client: Meilisearch;
  private readonly categories: CategoriesRepository;
  private readonly members: MembersRepository;
  private readonly documents: SearchDocumentsRepository;

  constructor(
    db: Db,
    options: { url: string; key?: string; index: string; taskTimeoutMs?: number },
    private readonly candidates = 1000,
  ) {
    this.client = new Meilisearch({ host: options.url, apiKey: options.key, timeout: 10_000 });
    this.uid = options.index;
    this.taskTimeoutMs = options.taskTimeoutMs ?? 60_000;
    this.categories = new CategoriesRepository(db);
    this.members = new MembersRepository(db);
    this.documents = new SearchDocumentsRepository(db);
  }

  private readonly uid: string;
  private readonly taskTimeoutMs: number;

  /** Waits for a task and fails when Meilisearch could not apply it. */
  private async done(task: EnqueuedTaskPromise, tolerate?: string): Promise<void> {
    const result = await task.waitTask({ timeout: this.taskTimeoutMs });
    if (result.status === 'succeeded' || (tolerate && result.error?.code === tolerate)) return;
    throw new Error(`Meilisearch task ${result.uid} ${result.status}: ${result.error?.message ?? 'no reason given'}`);
  }

  async prepare(): Promise<void> {
    await this.setUp(this.uid);
  }

  private async setUp(uid: string) {
    await this.done(this.client.createIndex(uid, { primaryKey: 'id' }), 'index_already_exists');
    await this.done(this.client.index(uid).updateSettings(INDEX_SETTINGS));
  }

  async apply(upserts: SearchDocument[], deletes: number[]): Promise<void> {
    const index = this.client.index<SearchDocument>(this.uid);
    if (upserts.length) await this.done(index.addDocuments(upserts, { primaryKey: 'id' }));
    if (deletes.length) await this.done(index.deleteDocuments(deletes));
  }

  async rebuild(pages: AsyncIterable<SearchDocument[]>): Promise<void> {
    const next = `${this.uid}_rebuild`;
    await this.done(this.client.deleteIndex(next), 'index_not_found');
    await this.setUp(next);
    const index = this.client.index<SearchDocument>(next);
    for await (const page of pages) if (page.length) await this.done(index.addDocuments(page, { primaryKey: 'id' }));
    await this.prepare();
    // The complete new index takes the old one's name in one step: searches never see a half-built index.
    // Without `rename` (a swap is its default, and servers before 1.18 do not know the field).
    await this.done(this.client.swapIndexes([{ indexes: [this.uid, next] } as IndexSwap]));
    await this.done(this.client.deleteIndex(next));
  }

  async count(): Promise<number> {
    try {
      return (await this.client.index(this.uid).getStats()).numberOfDocuments;
    } catch (err) {
      if ((err as { cause?: { code?: string } }).cause?.code === 'index_not_found') return 0;
      throw err;
    }
  }

  /** Meilisearch's filter expression for a request; only numbers and fixed words reach it. */
  static filter(opts: {
    includeHidden: boolean;
    hiddenCategoryIds?: readonly number[];
    categoryId?: number;
    authorId?: number;
    kind?: ThreadKind;
    from?: Date;
    to?: Date;
    answered?: boolean;
    titles?: boolean;
  }): string {
    const visible = searchVisibilities(opts.includeHidden);
    const parts = [visible.length === 1 ? `visibility = ${visible[0]}` : `visibility IN [${visible.join(', ')}]`];
    if (opts.categoryId !== undefined) parts.push(`categoryId = ${Math.trunc(opts.categoryId)}`);
    if (opts.hiddenCategoryIds?.length)
      parts.push(`categoryId NOT IN [${opts.hiddenCategoryIds.map((id) => Math.trunc(id)).join(', ')}]`);
    if (opts.authorId !== undefined) parts.push(`authorId = ${Math.trunc(opts.authorId)}`);
    if (opts.kind) parts.push(`kind = ${opts.kind.replace(/[^a-z]/g, '')}`);
    if (opts.from) parts.push(`createdAt >= ${Math.floor(opts.from.getTime() / 1000)}`);
    if (opts.to) parts.push(`createdAt < ${Math.floor(opts.to.getTime() / 1000)}`);
    if (opts.answered) parts.push('answered = true');
    if (opts.titles) parts.push('number = 1');
    return parts.join(' AND ');
  }

  private async query<H>(q: string, params: Record<string, unknown>) {
    try {
      return await this.client.index(this.uid).search<MeiliHit & H>(q, params);
    } catch (err) {
      // The server's address and the client's words stay in the log, not in the answer.
      throw new ServiceUnavailableError(
        'search.unavailable',
        'Search is unavailable for a moment; try again shortly.',
        undefined,
        err,
      );
    }
  }

  async search(req: SearchRequest): Promise<{ hits: SearchHit[]; more: boolean }> {
    // Only letters and digits are sent, as to PostgreSQL: quotes and minus signs are not operators here either.
    const q = words(req.q).join(' ');
    if (!q) return { hits: [], more: false };
    const [category, author] = await Promise.all([
      req.category ? this.categories.getBySlug(req.category) : null,
      req.author ? this.members.getByUsername(req.author) : null,
    ]);
    if ((req.category && !category) || (req.author && !author)) return { hits: [], more: false };
    const res = await this.query<object>(q, {
      filter: MeiliSearchAdapter.filter({ ...req, categoryId: category?.id, authorId: author?.id }),
      offset: req.offset,
      limit: req.limit + 1,
      matchingStrategy: 'all',
      // `_formatted` only carries retrieved attributes.
      attributesToRetrieve: ['id', 'title', 'body'],
      attributesToHighlight: ['title'],
      attributesToCrop: ['body'],
      cropLength: 32,
      cropMarker: '…',
      highlightPreTag: HIT_START,
      highlightPostTag: HIT_END,
    });
    const page = res.hits.slice(0, req.limit);
    const rows = await this.hydrate(
      page.map((h) => h.id),
      req.includeHidden,
    );
    const hits: SearchHit[] = [];
    for (const h of page) {
      const r = rows.get(h.id);
      if (!r) continue;
      const title =
        r.number === 1 && h._formatted?.title ? segments(h._formatted.title) : [{ text: r.title, hit: false }];
      hits.push(toHit(r, title, segments(h._formatted?.body ?? '')));
    }
    return { hits, more: res.hits.length > req.limit && req.offset + req.limit < this.candidates };
  }

  async titles(
    q: string,
    opts: { match: 'all' | 'any'; limit: number; includeHidden: boolean; hiddenCategoryIds: readonly number[] },
  ): Promise<TitleHit[]> {
    const text = words(q).join(' ');
    if (!text) return [];
    const res = await this.query<object>(text, {
      filter: MeiliSearchAdapter.filter({
        includeHidden: opts.includeHidden,
        hiddenCategoryIds: opts.hiddenCategoryIds,
        titles: true,
      }),
      attributesToSearchOn: ['title'],
      attributesToRetrieve: ['id'],
      matchingStrategy: opts.match === 'all' ? 'all' : 'last',
      limit: opts.limit,
    });
    const rows = await this.hydrate(
      res.hits.map((h) => h.id),
      opts.includeHidden,
    );
    return res.hits.flatMap((h) => {
      const r = rows.get(h.id);
      return r
        ? [{ threadId: r.thread_id, title: r.title, kind: r.kind, replyCount: r.reply_count, answered: r.answered }]
        : [];
    });
  }

  /** What the results show, read now from PostgreSQL; posts that may no longer be found are left out. */
  private async hydrate(ids: number[], includeHidden: boolean): Promise<Map<number, HitRow & { visibility: string }>> {
    if (ids.length === 0) return new Map();
    const allowed: string[] = searchVisibilities(includeHidden);
    const rows = await this.documents.hits(ids);
    return new Map(rows.filter((r) => allowed.includes(r.visibility)).map((r) => [Number(r.post_id), r]));
  }
}
