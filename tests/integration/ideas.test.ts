import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Category, Member } from '../../server/db/types.ts';
import { createCategory, createMember, createThread } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

/** The ideas loop (issue 7): votes, follows, statuses that reach voters and followers, the board, the export. */
let t: TestApp;
let category: Category;
let manager: Member;
let moderator: Member;
let author: Member;
let fans: Member[];

const idea = async (title: string) =>
  (await createThread(t.db, author, category.id, { title, body: `L’idée : ${title}.`, kind: 'idea' })).thread;
const notified = async (member: Member) =>
  (
    await t.db
      .selectFrom('notifications')
      .select(['kind', 'data'])
      .where('member_id', '=', member.id)
      .where('kind', '=', 'idea.status')
      .execute()
  ).map((n) => n.data as { threadId: number; status: string; note: string });

beforeAll(async () => {
  t = await createTestApp({ PUBLIC_URL: 'https://forum.example' });
  category = await createCategory(t.db, { slug: 'idees', name: 'Idées' });
  manager = await createMember(t.db, { role: 'community_manager' });
  moderator = await createMember(t.db, { role: 'moderator' });
  author = await createMember(t.db, { trustLevel: 2 });
  fans = await Promise.all(Array.from({ length: 4 }, () => createMember(t.db, { trustLevel: 1 })));
});
afterAll(() => t.close());

describe('ideas', () => {
  it('counts one vote per member, idempotently, and only on ideas', async () => {
    const thread = await idea('Un mode hors-ligne pour l’appli');
    for (const fan of [fans[0]!, fans[0]!, fans[1]!])
      expect((await t.api('POST', `/api/threads/${thread.id}/vote`, { as: fan })).statusCode).toBe(200);
    const panel = (await t.api('GET', `/api/threads/${thread.id}/idea`, { as: fans[0]! })).json();
    expect(panel).toMatchObject({ status: 'new', votes: 2, voted: true });
    expect((await t.api('DELETE', `/api/threads/${thread.id}/vote`, { as: fans[0]! })).json()).toMatchObject({
      votes: 1,
      voted: false,
    });
    expect((await t.api('DELETE', `/api/threads/${thread.id}/vote`, { as: fans[0]! })).json()).toMatchObject({
      votes: 1,
    });
    expect((await t.api('POST', `/api/threads/${thread.id}/vote`)).statusCode).toBe(401);
    const { thread: question } = await createThread(t.db, author, category.id, {
      title: 'Une question',
      kind: 'question',
    });
    expect((await t.api('POST', `/api/threads/${question.id}/vote`, { as: fans[0]! })).statusCode).toBe(422);
    expect((await t.api('POST', '/api/threads/999999/vote', { as: fans[0]! })).statusCode).toBe(404);
  });

  it('tells voters, followers and the author of a status change, not the manager, and respects mutes', async () => {
    const thread = await idea('Des lacets de rechange en magasin');
    await t.api('POST', `/api/threads/${thread.id}/vote`, { as: fans[0]! });
    await t.api('POST', `/api/threads/${thread.id}/vote`, { as: fans[1]! });
    await t.api('POST', `/api/threads/${thread.id}/follow`, { as: fans[2]! });
    await t.api('PUT', '/api/notifications/preferences', { as: fans[1]!, body: { muted: ['idea.status'] } });
    await t.api('POST', `/api/threads/${thread.id}/vote`, { as: manager });
    const res = await t.api('PUT', `/api/threads/${thread.id}/idea-status`, {
      as: manager,
      body: { status: 'planned', note: 'Prévu pour le printemps.' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'planned', note: 'Prévu pour le printemps.' });
    for (const m of [fans[0]!, fans[2]!, author]) {
      expect(await notified(m)).toContainEqual(
        expect.objectContaining({ threadId: thread.id, status: 'planned', note: 'Prévu pour le printemps.' }),
      );
    }
    expect((await notified(fans[1]!)).filter((n) => n.threadId === thread.id)).toEqual([]); // muted
    expect((await notified(fans[3]!)).filter((n) => n.threadId === thread.id)).toEqual([]); // not involved
    expect((await notified(manager)).filter((n) => n.threadId === thread.id)).toEqual([]); // set it
    const events = await t.db
      .selectFrom('live_events')
      .selectAll()
      .where('topic', '=', `thread:${thread.id}`)
      .where('type', '=', 'idea.updated')
      .execute();
    expect(events.at(-1)?.data).toMatchObject({ status: 'planned' });
  });

  it('lets only community managers set a status or export', async () => {
    const thread = await idea('Une couleur sable');
    for (const as of [fans[0]!, moderator]) {
      expect(
        (await t.api('PUT', `/api/threads/${thread.id}/idea-status`, { as, body: { status: 'shipped' } })).statusCode,
      ).toBe(403);
      expect((await t.api('GET', '/api/ideas/export.csv', { as })).statusCode).toBe(403);
    }
    expect(
      (await t.api('PUT', `/api/threads/${thread.id}/idea-status`, { body: { status: 'shipped' } })).statusCode,
    ).toBe(401);
    expect((await t.api('GET', '/api/ideas/export.csv')).statusCode).toBe(401);
    expect(
      (await t.api('PUT', `/api/threads/${thread.id}/idea-status`, { as: manager, body: { status: 'maybe' } }))
        .statusCode,
    ).toBe(422);
  });

  it('ranks the board by votes and filters it by status', async () => {
    const top = await idea('Une gourde pliable');
    for (const fan of fans) await t.api('POST', `/api/threads/${top.id}/vote`, { as: fan });
    const board = (await t.api('GET', '/api/ideas', { as: fans[0]! })).json().ideas;
    expect(board[0]).toMatchObject({ id: top.id, votes: 4, voted: true, status: 'new' });
    const votes = board.map((i: { votes: number }) => i.votes);
    expect(votes).toEqual([...votes].sort((a, b) => b - a));
    const planned = (await t.api('GET', '/api/ideas?status=planned')).json().ideas;
    expect(planned.length).toBeGreaterThan(0);
    expect(planned.every((i: { status: string }) => i.status === 'planned')).toBe(true);
    expect((await t.api('GET', '/api/ideas?status=someday')).statusCode).toBe(400);
  });

  it('exports ideas as CSV with votes and links, safe for spreadsheets', async () => {
    const tricky = await idea('=HYPERLINK("http://evil") ; des "guillemets", et des virgules');
    await t.api('POST', `/api/threads/${tricky.id}/vote`, { as: fans[3]! });
    const res = await t.api('GET', '/api/ideas/export.csv?locale=fr', { as: manager });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="idees-\d{4}-\d{2}-\d{2}\.csv"/);
    const lines = res.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    // A French spreadsheet: French headers and values, `;` between cells, dates it reads as dates.
    expect(lines[0]).toBe(
      'N°;Type;Titre;Statut;Votes ou j’aime;Réponses;Catégorie;Auteur;Créé le (UTC);Statut changé le (UTC);Note de statut;Lien',
    );
    const row = lines.find((l) => l.startsWith(`${tricky.id};Idée;`))!;
    expect(row).toContain(`"'=HYPERLINK(""http://evil"") ; des ""guillemets"", et des virgules"`);
    expect(row).toContain(`;Nouvelle;1;0;Idées;${author.username};`);
    expect(row).toMatch(/;\d{2}\/\d{2}\/\d{4} \d{2}:\d{2};/);
    expect(row.endsWith(`;https://forum.example/t/${tricky.id}`)).toBe(true);

    const english = await t.api('GET', '/api/ideas/export.csv?locale=en', { as: manager });
    const header = english.body.replace(/^\uFEFF/, '').split('\n')[0];
    expect(header).toBe(
      'No.,Type,Title,Status,Votes or likes,Replies,Category,Author,Created (UTC),Status changed (UTC),Status note,Link',
    );
    expect(english.body).toMatch(
      new RegExp(`\\n${tricky.id},Idea,.*,New,1,0,Idées,${author.username},\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2},`),
    );
    expect((await t.api('GET', '/api/ideas/export.csv?locale=de', { as: manager })).statusCode).toBe(400);
  });

  it('tags questions and discussions as bug reports (author or moderator) and exports them with the ideas', async () => {
    const created = await t.api('POST', '/api/threads', {
      as: author,
      body: {
        categoryId: category.id,
        title: 'La fermeture du sac 30 L casse',
        body: 'Le curseur a lâché au bout de deux sorties.',
        kind: 'question',
        bugReport: true,
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().thread.id as number;
    expect((await t.api('GET', `/api/threads/${id}`)).json().thread.bugReport).toBe(true);
    expect(
      (await t.api('PUT', `/api/threads/${id}/bug-report`, { as: fans[0]!, body: { bugReport: false } })).statusCode,
    ).toBe(403);
    expect(
      (await t.api('PUT', `/api/threads/${id}/bug-report`, { as: moderator, body: { bugReport: false } })).json(),
    ).toEqual({ bugReport: false });
    expect(
      (await t.api('PUT', `/api/threads/${id}/bug-report`, { as: author, body: { bugReport: true } })).json(),
    ).toEqual({ bugReport: true });
    const ideaThread = await idea('Une idée, pas un bug');
    expect(
      (await t.api('PUT', `/api/threads/${ideaThread.id}/bug-report`, { as: author, body: { bugReport: true } }))
        .statusCode,
    ).toBe(422);
    expect((await t.api('PUT', `/api/threads/${id}/bug-report`, { body: { bugReport: true } })).statusCode).toBe(401);
    const csv = (await t.api('GET', '/api/ideas/export.csv?locale=en', { as: manager })).body;
    expect(csv).toContain(`${id},Product problem,La fermeture du sac 30 L casse,,0,0,Idées,${author.username},`);
  });
});
