import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Category, Member } from '../../server/db/types.ts';
import { normaliseTag } from '../../server/modules/social/index.ts';
import { createCategory, createMember, createReply, createThread } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

/** Issue 19: polls (single/multiple, close date, results visibility, closing) and tags (create, attach, filter, manage). */
let t: TestApp;
let category: Category;
let author: Member;
let voter: Member;
let voter2: Member;
let newcomer: Member;
let trusted: Member;
let moderator: Member;

beforeAll(async () => {
  t = await createTestApp();
  category = await createCategory(t.db, { slug: 'velo', name: 'Vélo' });
  author = await createMember(t.db, { trustLevel: 1 });
  voter = await createMember(t.db, { trustLevel: 1 });
  voter2 = await createMember(t.db, { trustLevel: 1 });
  newcomer = await createMember(t.db, { trustLevel: 0 });
  trusted = await createMember(t.db, { trustLevel: 2 });
  moderator = await createMember(t.db, { role: 'moderator' });
});
afterAll(() => t.close());

const poll = async (body: Record<string, unknown> = {}) => {
  const { thread, post } = await createThread(t.db, author, category.id);
  const res = await t.api('POST', `/api/posts/${post.id}/poll`, {
    as: author,
    body: { question: 'Quel jour pour la sortie ?', options: ['Samedi', 'Dimanche', 'Lundi'], ...body },
  });
  expect(res.statusCode).toBe(201);
  return { thread, post, poll: res.json() };
};
const vote = (pollId: number, as: Member, optionIds: number[]) =>
  t.api('PUT', `/api/polls/${pollId}/vote`, { as, body: { optionIds } });

describe('polls', () => {
  it('counts one ballot per member, which can change, and shows in the thread’s social read', async () => {
    const { thread, poll: p } = await poll();
    const [sat, sun] = p.options;
    expect((await vote(p.id, voter, [sat.id])).json()).toMatchObject({ voters: 1, voted: true });
    await vote(p.id, voter2, [sat.id]);
    const changed = (await vote(p.id, voter, [sun.id])).json();
    expect(changed.voters).toBe(2);
    expect(changed.options.map((o: { votes: number; mine: boolean }) => [o.votes, o.mine])).toEqual([
      [1, false],
      [1, true],
      [0, false],
    ]);
    const social = (await t.api('GET', `/api/threads/${thread.id}/social`)).json();
    expect(social.polls).toHaveLength(1);
    expect(social.polls[0]).toMatchObject({ question: 'Quel jour pour la sortie ?', voters: 2, voted: false });
    const withdrawn = (await vote(p.id, voter, [])).json();
    expect(withdrawn).toMatchObject({ voters: 1, voted: false });
  });

  it('refuses two choices in a single-choice poll and options of another poll (422), allows them in a multiple one', async () => {
    const { poll: single } = await poll();
    const { poll: multi } = await poll({ multiple: true });
    const bad = await vote(single.id, voter, [single.options[0].id, single.options[1].id]);
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.code).toBe('poll.single_choice');
    expect((await vote(single.id, voter, [multi.options[0].id])).statusCode).toBe(422);
    const both = (await vote(multi.id, voter, [multi.options[0].id, multi.options[2].id])).json();
    expect(both.options.filter((o: { mine: boolean }) => o.mine)).toHaveLength(2);
    expect(both.voters).toBe(1);
  });

  it('hides results until the reader voted, or until closing, as the author chose', async () => {
    const { poll: afterVote } = await poll({ results: 'voted' });
    expect((await t.api('GET', `/api/polls/${afterVote.id}`, { as: voter })).json().options[0].votes).toBeNull();
    expect((await t.api('GET', `/api/polls/${afterVote.id}`)).json().voters).toBeNull();
    expect((await vote(afterVote.id, voter, [afterVote.options[0].id])).json().options[0].votes).toBe(1);
    const { poll: atClose } = await poll({ results: 'closed' });
    expect((await vote(atClose.id, voter, [atClose.options[0].id])).json().options[0].votes).toBeNull();
    const closed = (await t.api('POST', `/api/polls/${atClose.id}/close`, { as: author })).json();
    expect(closed).toMatchObject({ closed: true, voters: 1 });
    expect(closed.options[0].votes).toBe(1);
  });

  it('refuses a vote on a closed poll (409), whether closed by hand or by its date', async () => {
    const { poll: p } = await poll({ closesAt: new Date(Date.now() + 3600_000).toISOString() });
    await t.db
      .updateTable('polls')
      .set({ closes_at: new Date(Date.now() - 1000) })
      .where('id', '=', p.id)
      .execute();
    const late = await vote(p.id, voter, [p.options[0].id]);
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('poll.closed');
    const { poll: q } = await poll();
    expect((await t.api('POST', `/api/polls/${q.id}/close`, { as: voter })).statusCode).toBe(403);
    expect((await t.api('POST', `/api/polls/${q.id}/close`, { as: moderator })).statusCode).toBe(200);
    expect((await vote(q.id, voter, [q.options[0].id])).statusCode).toBe(409);
    expect((await t.api('POST', `/api/polls/${q.id}/close`, { as: moderator })).statusCode).toBe(409);
    const audit = await t.db.selectFrom('audit_log').select('actor_id').where('action', '=', 'poll.closed').execute();
    expect(audit).toEqual([{ actor_id: moderator.id }]);
  });

  it('lets only the post’s author add one poll, with sane options and a future closing date', async () => {
    const { post } = await createThread(t.db, author, category.id);
    const body = { question: 'Oui ou non ?', options: ['Oui', 'Non'] };
    expect((await t.api('POST', `/api/posts/${post.id}/poll`, { body })).statusCode).toBe(401);
    expect((await t.api('POST', `/api/posts/${post.id}/poll`, { as: voter, body })).statusCode).toBe(403);
    const dup = { ...body, options: ['Oui', ' oui '] };
    expect((await t.api('POST', `/api/posts/${post.id}/poll`, { as: author, body: dup })).statusCode).toBe(422);
    const past = { ...body, closesAt: '2020-01-01T00:00:00Z' };
    expect((await t.api('POST', `/api/posts/${post.id}/poll`, { as: author, body: past })).statusCode).toBe(422);
    const one = { ...body, options: ['Oui'] };
    expect((await t.api('POST', `/api/posts/${post.id}/poll`, { as: author, body: one })).statusCode).toBe(422);
    expect((await t.api('POST', `/api/posts/${post.id}/poll`, { as: author, body })).statusCode).toBe(201);
    expect((await t.api('POST', `/api/posts/${post.id}/poll`, { as: author, body })).statusCode).toBe(409);
    const p = (await t.db.selectFrom('polls').select('id').where('post_id', '=', post.id).executeTakeFirstOrThrow()).id;
    expect((await t.api('PUT', `/api/polls/${p}/vote`, { body: { optionIds: [] } })).statusCode).toBe(401);
    expect((await t.api('GET', '/api/polls/999999')).statusCode).toBe(404);
  });
});

describe('tags', () => {
  it('normalises names: NFC, lower case, hyphens, accents kept; refuses the rest', () => {
    expect(normaliseTag('  Sorties  Vélo ')).toBe('sorties-vélo');
    expect(normaliseTag('E\u0301te\u0301')).toBe('été');
    expect(normaliseTag('#Entretien_Chaîne')).toBe('entretien-chaîne');
    for (const bad of ['a', 'x'.repeat(31), 'vélo!', '<b>', '--'])
      expect(() => normaliseTag(bad), bad).toThrow(/2 to 30/);
  });

  it('lets staff and trusted members create tags, not a TL0 member (403); names are unique (409)', async () => {
    expect((await t.api('POST', '/api/tags', { as: newcomer, body: { name: 'Réparation' } })).statusCode).toBe(403);
    expect((await t.api('POST', '/api/tags', { body: { name: 'Réparation' } })).statusCode).toBe(401);
    const made = await t.api('POST', '/api/tags', { as: trusted, body: { name: 'Réparation' } });
    expect(made.statusCode).toBe(201);
    expect(made.json()).toEqual({ name: 'réparation', description: '', threads: 0 });
    expect((await t.api('POST', '/api/tags', { as: moderator, body: { name: 'RÉPARATION' } })).statusCode).toBe(409);
    expect((await t.api('POST', '/api/tags', { as: moderator, body: { name: '!!' } })).statusCode).toBe(422);
  });

  it('puts tags on a thread (author or moderator), within the limit, and filters thread lists by tag', async () => {
    await t.api('POST', '/api/tags', { as: moderator, body: { name: 'entretien' } });
    const { thread } = await createThread(t.db, author, category.id, { title: 'Graisser sa chaîne' });
    const { thread: untagged } = await createThread(t.db, author, category.id, { title: 'Autre chose' });
    const set = await t.api('PUT', `/api/threads/${thread.id}/tags`, { as: author, body: { tags: ['Entretien'] } });
    expect(set.json()).toEqual({ tags: ['entretien'] });
    const unknown = await t.api('PUT', `/api/threads/${thread.id}/tags`, { as: author, body: { tags: ['inventé'] } });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error.code).toBe('tag.unknown');
    expect(
      (await t.api('PUT', `/api/threads/${thread.id}/tags`, { as: voter, body: { tags: ['entretien'] } })).statusCode,
    ).toBe(403);
    const many = ['aa', 'bb', 'cc', 'dd', 'ee', 'ff'];
    expect(
      (await t.api('PUT', `/api/threads/${thread.id}/tags`, { as: moderator, body: { tags: many } })).statusCode,
    ).toBe(422);
    const list = (await t.api('GET', '/api/categories/velo/threads?tag=entretien')).json();
    expect(list.threads.map((x: { id: number }) => x.id)).toEqual([thread.id]);
    const home = (await t.api('GET', '/api/threads?tag=entretien')).json();
    expect(home.threads.map((x: { id: number }) => x.id)).toEqual([thread.id]);
    expect(home.threads.map((x: { id: number }) => x.id)).not.toContain(untagged.id);
    expect((await t.api('GET', '/api/tags/entretien')).json()).toMatchObject({ threads: 1 });
    expect((await t.api('GET', '/api/tags')).json().tags.map((x: { name: string }) => x.name)).toContain('entretien');
    expect((await t.api('GET', `/api/threads/${thread.id}/social`)).json().tags).toEqual(['entretien']);
  });

  it('shows each thread’s tags in every list and in search results', async () => {
    await t.api('POST', '/api/tags', { as: moderator, body: { name: 'pneus' } });
    await t.api('POST', '/api/tags', { as: moderator, body: { name: 'hiver' } });
    const { thread } = await createThread(t.db, author, category.id, { title: 'Crampons à vis pour le verglas' });
    const { thread: bare } = await createThread(t.db, author, category.id, { title: 'Crampons sans étiquette' });
    const set = await t.api('PUT', `/api/threads/${thread.id}/tags`, {
      as: author,
      body: { tags: ['pneus', 'hiver'] },
    });
    expect(set.statusCode).toBe(200);
    const tagsOf = (threads: { id: number; tags: string[] }[], id: number) => threads.find((x) => x.id === id)?.tags;
    const home = (await t.api('GET', '/api/threads')).json();
    expect(tagsOf(home.threads, thread.id)).toEqual(['hiver', 'pneus']);
    expect(tagsOf(home.threads, bare.id)).toEqual([]);
    const inCategory = (await t.api('GET', '/api/categories/velo/threads')).json();
    expect(tagsOf(inCategory.threads, thread.id)).toEqual(['hiver', 'pneus']);
    const onTagPage = (await t.api('GET', '/api/threads?tag=hiver')).json();
    expect(tagsOf(onTagPage.threads, thread.id)).toEqual(['hiver', 'pneus']);
    const found = (await t.api('GET', `/api/search?q=${encodeURIComponent('crampons verglas')}`)).json();
    const hit = found.results.find((r: { thread: { id: number } }) => r.thread.id === thread.id);
    expect(hit.thread.tags).toEqual(['hiver', 'pneus']);
    expect(hit.thread.lastPostAt).toEqual(expect.stringMatching(/^\d{4}-/));
  });

  it('lets moderators rename, merge and delete tags (audited); members get 403', async () => {
    await t.api('POST', '/api/tags', { as: moderator, body: { name: 'velo-route' } });
    await t.api('POST', '/api/tags', { as: moderator, body: { name: 'route' } });
    const { thread } = await createThread(t.db, author, category.id);
    await createReply(t.db, voter, thread.id);
    await t.api('PUT', `/api/threads/${thread.id}/tags`, { as: author, body: { tags: ['velo-route'] } });
    expect((await t.api('PATCH', '/api/tags/velo-route', { as: trusted, body: { name: 'x1' } })).statusCode).toBe(403);
    expect((await t.api('PATCH', '/api/tags/velo-route', { as: moderator, body: { name: 'route' } })).statusCode).toBe(
      409,
    );
    const renamed = await t.api('PATCH', '/api/tags/velo-route', { as: moderator, body: { name: 'Vélo de route' } });
    expect(renamed.json()).toMatchObject({ name: 'vélo-de-route', threads: 1 });
    expect(
      (await t.api('POST', '/api/tags/vélo-de-route/merge', { as: trusted, body: { into: 'route' } })).statusCode,
    ).toBe(403);
    const merged = await t.api('POST', `/api/tags/${encodeURIComponent('vélo-de-route')}/merge`, {
      as: moderator,
      body: { into: 'route' },
    });
    expect(merged.json()).toMatchObject({ name: 'route', threads: 1 });
    expect((await t.api('GET', `/api/threads/${thread.id}/social`)).json().tags).toEqual(['route']);
    expect((await t.api('DELETE', '/api/tags/route', { as: voter })).statusCode).toBe(403);
    expect((await t.api('DELETE', '/api/tags/route', { as: moderator })).statusCode).toBe(200);
    expect((await t.api('GET', '/api/tags/route')).statusCode).toBe(404);
    const actions = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('subject_type', '=', 'tag')
      .orderBy('id')
      .execute();
    expect(actions.map((a) => a.action)).toEqual(['tag.updated', 'tag.merged', 'tag.deleted']);
  });
});
