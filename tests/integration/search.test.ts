import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Category, Member } from '../../server/db/types.ts';
import { sql } from 'kysely';
import { PgSearchAdapter } from '../../server/modules/search/pg.adapter.ts';
import type { Segment } from '../../server/modules/search/query.ts';
import { createCategory, createMember, createReply, createThread } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

/**
 * The search contract, run against every adapter: PostgreSQL full-text always, Meilisearch too when MEILI_URL
 * (and MEILI_MASTER_KEY if the server has one) is set: each run uses an index of its own, deleted at the end.
 * French cases from the issue, permissions, filters, and edits/moderation reaching the index: before each search
 * the outbox is drained, as the server's worker does within a second.
 */
const ADAPTERS = process.env.MEILI_URL ? (['postgres', 'meilisearch'] as const) : (['postgres'] as const);

let t: TestApp;
let gear: Category;
let care: Category;
let author: Member;
let other: Member;
let moderator: Member;
let manager: Member;
let visitorMember: Member;

interface Result {
  postId: number;
  state: string;
  thread: { id: number; title: Segment[]; kind: string; answered: boolean };
  category: { slug: string };
  author: { username: string };
  snippet: Segment[];
}
/** A search request once the index holds every change made so far. */
const ask = async (url: string, as?: Member) => {
  await t.app.searchOutbox.drain();
  return t.api('GET', url, { as });
};
const find = async (query: string, as?: Member) => {
  const res = await ask(`/api/search?${query}`, as);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { adapter: string; results: Result[]; nextCursor: string | null };
};
const text = (s: Segment[]) => s.map((x) => x.text).join('');
const hits = (s: Segment[]) => s.filter((x) => x.hit).map((x) => x.text.toLowerCase());

describe.each(ADAPTERS)('search contract (%s)', (adapter) => {
  beforeAll(async () => {
    t = await createTestApp(
      adapter === 'meilisearch'
        ? {
            MEILI_URL: process.env.MEILI_URL!,
            MEILI_MASTER_KEY: process.env.MEILI_MASTER_KEY ?? '',
            MEILI_INDEX: `agora_test_${process.pid}_${Date.now()}`,
          }
        : {},
    );
    gear = await createCategory(t.db, { slug: 'materiel', name: 'Matériel' });
    care = await createCategory(t.db, { slug: 'entretien', name: 'Entretien' });
    author = await createMember(t.db, { trustLevel: 2 });
    other = await createMember(t.db, { trustLevel: 2 });
    moderator = await createMember(t.db, { role: 'moderator' });
    manager = await createMember(t.db, { role: 'community_manager' });
    visitorMember = await createMember(t.db, { trustLevel: 1 });
    await createThread(t.db, author, gear.id, {
      title: 'Quelle chaussure pour la randonnée en montagne ?',
      body: 'Je cherche une chaussure légère et imperméable pour marcher tout l’été dans les Alpes.',
      kind: 'question',
    });
    await createThread(t.db, other, care.id, {
      title: 'Astuce : nourrir le cuir une fois par saison',
      body: "Pour l'entretien du cuir, une cire naturelle suffit. Laissez sécher loin du radiateur.",
      kind: 'tip',
    });
    await createThread(t.db, other, gear.id, {
      title: 'Waterproof boots for winter hiking',
      body: 'Which boots keep your feet dry when hiking through snow? Gore-Tex or leather?',
    });
  });
  afterAll(async () => {
    if (t.config.meili) {
      const { Meilisearch } = await import('meilisearch');
      await new Meilisearch({ host: t.config.meili.url, apiKey: t.config.meili.key })
        .deleteIndex(t.config.meili.index)
        .waitTask();
    }
    await t.close();
  });

  it('finds « chaussure » for « chaussures », and marks the matched words', async () => {
    const page = await find('q=chaussures');
    expect(page.adapter).toBe(adapter);
    expect(page.results).toHaveLength(1);
    const [r] = page.results;
    expect(text(r!.thread.title)).toBe('Quelle chaussure pour la randonnée en montagne ?');
    expect(hits(r!.thread.title)).toContain('chaussure');
    expect(hits(r!.snippet)).toContain('chaussure');
    expect(r!.thread.kind).toBe('question');
  });

  it('ignores accents: « ete » finds « été », « randonnee » finds « randonnée »', async () => {
    expect((await find('q=ete')).results.map((r) => text(r.thread.title))).toEqual([
      'Quelle chaussure pour la randonnée en montagne ?',
    ]);
    expect((await find('q=randonnee')).results).toHaveLength(1);
  });

  it("handles elisions: « l'entretien » and « l’entretien » find « entretien »", async () => {
    for (const q of ["l'entretien", 'l’entretien', 'entretien']) {
      const page = await find(`q=${encodeURIComponent(q)}`);
      expect(
        page.results.map((r) => r.category.slug),
        q,
      ).toEqual(['entretien']);
    }
  });

  it('matches the last word as a prefix while typing', async () => {
    if (adapter === 'postgres') {
      // PostgreSQL's English stemmer; Meilisearch does not stem (it forgives typos instead).
      expect((await find('q=hike')).results.map((r) => text(r.thread.title))).toEqual([
        'Waterproof boots for winter hiking',
      ]);
    }
    expect((await find('q=hikin')).results.map((r) => text(r.thread.title))).toEqual([
      'Waterproof boots for winter hiking',
    ]);
    expect((await find('q=imperm')).results).toHaveLength(1);
    expect((await find('q=cuir%20sais')).results).toHaveLength(1);
  });

  it('needs every word, and weighs the title above the body', async () => {
    expect((await find('q=chaussure%20cuir')).results).toHaveLength(0);
    const { thread } = await createThread(t.db, author, gear.id, {
      title: 'Mes bottes de pluie',
      body: 'Je parle de cuir ici, une fois.',
    });
    const page = await find('q=cuir');
    expect(page.results.map((r) => r.thread.id).at(-1)).toBe(thread.id);
  });

  it('filters by category, author, kind, accepted answer and dates', async () => {
    expect((await find('q=cuir&category=entretien')).results.every((r) => r.category.slug === 'entretien')).toBe(true);
    expect(
      (await find(`q=cuir&author=${other.username}`)).results.every((r) => r.author.username === other.username),
    ).toBe(true);
    expect((await find('q=cuir&kind=tip')).results.map((r) => r.thread.kind)).toEqual(['tip']);
    expect((await find('q=chaussure&answered=true')).results).toHaveLength(0);
    expect((await find('q=chaussure&from=2000-01-01&to=2000-12-31')).results).toHaveLength(0);
    const today = new Date().toISOString().slice(0, 10);
    expect((await find(`q=chaussure&from=${today}&to=${today}`)).results).toHaveLength(1);
  });

  it('refuses bad input with a 4xx and treats operators as plain words', async () => {
    expect((await t.api('GET', '/api/search?q=x&kind=poem')).statusCode).toBe(400);
    expect((await t.api('GET', '/api/search?q=x&from=yesterday')).statusCode).toBe(400);
    expect((await t.api('GET', '/api/search?q=x&from=2024-02-01&to=2024-01-01')).statusCode).toBe(400);
    expect((await t.api('GET', '/api/search?q=x&cursor=!!')).statusCode).toBe(400);
    expect((await t.api('GET', `/api/search?q=${'a'.repeat(201)}`)).statusCode).toBe(400);
    expect((await t.api('GET', '/api/search')).statusCode).toBe(400);
    expect((await t.api('GET', '/api/search?q=x&answered=peut-etre')).statusCode).toBe(400);
    expect((await t.api('GET', '/api/search/titles')).statusCode).toBe(400);
    expect((await t.api('GET', '/api/search/titles?q=x&match=some')).statusCode).toBe(400);
    expect((await t.api('GET', '/api/search/titles?q=x&limit=0')).statusCode).toBe(400);
    expect((await t.api('GET', '/api/search/titles?q=x&limit=11')).statusCode).toBe(400);
    for (const days of ['0', '366', 'abc']) {
      expect((await t.api('GET', `/api/search/misses?days=${days}`, { as: manager })).statusCode, days).toBe(400);
    }
    // Unknown category or author: nothing found, not an error.
    expect((await find('q=chaussure&category=nulle-part')).results).toEqual([]);
    expect((await find('q=chaussure&author=personne_ici')).results).toEqual([]);
    for (const q of ["chaussure & !( | ':*", '<script>', '\\', '   ', "'"]) {
      expect((await t.api('GET', `/api/search?q=${encodeURIComponent(q)}`)).statusCode, q).toBe(200);
    }
  });

  it('never returns the HTML a member wrote: snippets are plain text', async () => {
    await createThread(t.db, author, gear.id, {
      title: 'Guêtres et crampons',
      body: 'Les guêtres <img src=x onerror=alert(1)> sont utiles, voir [le guide](https://example.com/guetres).',
    });
    const [r] = (await find('q=guetres')).results;
    expect(text(r!.snippet)).not.toContain('example.com');
    expect(text(r!.snippet)).toContain('le guide');
    expect(text(r!.snippet)).not.toContain('onerror');
    await createThread(t.db, author, gear.id, {
      title: 'Prix des guêtres',
      body: 'Des guêtres à prix < 50 € et légères.',
    });
    const cheap = (await find('q=guetres%20legeres')).results[0]!;
    expect(text(cheap.snippet)).toContain('< 50 € et légères');
    // The text stays text; the page renders segments with text nodes, so the tag is inert.
    expect(r!.snippet.every((s) => typeof s.text === 'string')).toBe(true);
  });

  it('follows edits, title changes and deletions', async () => {
    const { thread, post } = await createThread(t.db, author, care.id, {
      title: 'Sac à dos troué',
      body: 'Une couture a lâché sur mon sac.',
    });
    expect((await find('q=couture')).results).toHaveLength(1);
    const edit = await t.api('PATCH', `/api/posts/${post.id}`, {
      as: author,
      body: { body: 'Une fermeture éclair a lâché sur mon sac.', title: 'Fermeture éclair cassée' },
    });
    expect(edit.statusCode, edit.body).toBe(200);
    expect((await find('q=couture')).results).toHaveLength(0);
    expect((await find('q=fermeture')).results.map((r) => r.thread.id)).toEqual([thread.id]);
    expect((await find('q=troue')).results).toHaveLength(0);
    const reply = await createReply(t.db, other, thread.id, 'Un cordonnier peut la remplacer pour dix euros.');
    expect((await find('q=cordonnier')).results.map((r) => r.postId)).toEqual([reply.id]);
    expect((await t.api('DELETE', `/api/posts/${reply.id}`, { as: other })).statusCode).toBe(200);
    expect((await find('q=cordonnier')).results).toHaveLength(0);
    expect((await find('q=cordonnier', moderator)).results).toHaveLength(0);
  });

  it('shows members published posts only; moderators also find hidden and pending ones, marked', async () => {
    const { thread, post } = await createThread(t.db, author, gear.id, {
      title: 'Lampe frontale qui clignote',
      body: 'Ma lampe frontale clignote.',
    });
    await t.db.updateTable('posts').set({ state: 'hidden' }).where('id', '=', post.id).execute();
    await t.db.updateTable('threads').set({ state: 'hidden' }).where('id', '=', thread.id).execute();
    expect((await find('q=frontale')).results).toHaveLength(0);
    expect((await find('q=frontale', visitorMember)).results).toHaveLength(0);
    const seen = (await find('q=frontale', moderator)).results;
    expect(seen.map((r) => r.state)).toEqual(['hidden']);
  });

  it('follows thread moves, moderation of a whole thread and accepted answers', async () => {
    const { thread } = await createThread(t.db, author, gear.id, {
      title: 'Réchaud à gaz qui fuit',
      body: 'Mon réchaud fuit au raccord.',
      kind: 'question',
    });
    const answer = await createReply(t.db, other, thread.id, 'Changez le joint du raccord du réchaud.');
    expect((await find('q=rechaud&category=entretien')).results).toHaveLength(0);
    await t.db.updateTable('threads').set({ category_id: care.id }).where('id', '=', thread.id).execute();
    expect((await find('q=rechaud&category=entretien')).results).toHaveLength(2);
    expect((await find('q=rechaud&answered=true')).results).toHaveLength(0);
    const accepted = await t.api('POST', `/api/threads/${thread.id}/accept`, {
      as: author,
      body: { postId: answer.id },
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect((await find('q=rechaud&answered=true')).results).toHaveLength(2);
    await t.db.updateTable('threads').set({ state: 'hidden' }).where('id', '=', thread.id).execute();
    expect((await find('q=rechaud')).results).toHaveLength(0);
    expect((await find('q=rechaud', moderator)).results.map((r) => r.state)).toEqual(['published', 'published']);
    await t.db.updateTable('threads').set({ state: 'deleted' }).where('id', '=', thread.id).execute();
    expect((await find('q=rechaud', moderator)).results).toHaveLength(0);
  });

  it('pages with an opaque cursor', async () => {
    for (let i = 0; i < 25; i++)
      await createThread(t.db, other, gear.id, { title: `Bâtons de marche, modèle ${i}`, body: 'Des bâtons pliants.' });
    const first = await find('q=batons');
    expect(first.results).toHaveLength(20);
    expect(first.nextCursor).toBeTruthy();
    const second = await find(`q=batons&cursor=${first.nextCursor}`);
    expect(second.results).toHaveLength(5);
    expect(second.nextCursor).toBeNull();
    const ids = new Set([...first.results, ...second.results].map((r) => r.postId));
    expect(ids.size).toBe(25);
  });

  if (adapter === 'postgres')
    it('gives the same answers when statistics make it walk the newest posts instead of using the index', async () => {
      const before = (await find('q=batons')).results.map((r) => r.postId);
      await sql`ANALYZE post_search`.execute(t.db);
      const stats = await sql<{
        e: string[];
      }>`SELECT most_common_elems::text::text[] AS e FROM pg_stats WHERE tablename = 'post_search' AND attname = 'doc'`.execute(
        t.db,
      );
      expect(stats.rows[0]?.e).toContain('baton'); // so the walk is really taken below
      // A new adapter reads the fresh statistics (the app's re-reads them every few minutes).
      const walked = await new PgSearchAdapter(t.db).search({
        q: 'batons',
        includeHidden: false,
        hiddenCategoryIds: [],
        offset: 0,
        limit: 20,
      });
      expect(walked.hits.map((h) => h.postId)).toEqual(before);
    });

  it('suggests thread titles as one types, and similar threads for a new title', async () => {
    const typed = await ask('/api/search/titles?q=chauss');
    expect(typed.json().threads.map((x: { title: string }) => x.title)).toEqual([
      'Quelle chaussure pour la randonnée en montagne ?',
    ]);
    const similar = await ask(
      `/api/search/titles?match=any&q=${encodeURIComponent('Chaussures imperméables pour la neige ?')}`,
    );
    expect(similar.json().threads.map((x: { title: string }) => x.title)).toContain(
      'Quelle chaussure pour la randonnée en montagne ?',
    );
  });

  it('counts queries without the member and shows managers the ones that found nothing', async () => {
    await find('q=guêtres%20velcro');
    await find('q=Guêtres%20Velcro', author);
    await find('q=chaussure');
    const refused = await t.api('GET', '/api/search/misses', { as: moderator });
    expect(refused.statusCode).toBe(403);
    expect((await t.api('GET', '/api/search/misses')).statusCode).toBe(401);
    const res = await t.api('GET', '/api/search/misses', { as: manager });
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      searches: number;
      withoutResults: number;
      queries: { query: string; count: number }[];
    };
    expect(body.queries).toContainEqual(expect.objectContaining({ query: 'guêtres velcro', count: 2 }));
    expect(body.queries.map((q) => q.query)).not.toContain('chaussure');
    expect(body.withoutResults).toBeLessThan(body.searches);
    const columns = await t.db.selectFrom('search_queries').selectAll().limit(1).execute();
    expect(Object.keys(columns[0]!).sort()).toEqual(['created_at', 'id', 'query', 'result_count']);
  });

  it('limits how often one client may search (429)', async () => {
    const limited = await createTestApp({ RATE_LIMIT_SEARCH: '2' });
    try {
      const codes = [];
      for (let i = 0; i < 3; i++) codes.push((await limited.api('GET', '/api/search/titles?q=chauss')).statusCode);
      expect(codes).toEqual([200, 200, 429]);
    } finally {
      await limited.close();
    }
  });
});
