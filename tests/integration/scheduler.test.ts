import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CategoriesRepository } from '../../server/content/index.ts';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import type { Category, Member } from '../../server/db/types.ts';
import { createCategory, createMember } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

/** Scheduled threads (issue 7): hidden until due, then published exactly once, by any node, also after downtime. */
let t: TestApp;
let category: Category;
let manager: Member;
let moderator: Member;
let member: Member;

const inOneHour = () => new Date(Date.now() + 3_600_000).toISOString();
const schedule = (title: string, as: Member = manager, publishAt: string = inOneHour()) =>
  t.api('POST', '/api/threads', {
    as,
    body: { categoryId: category.id, title, body: `Le programme : ${title}.`, kind: 'announcement', publishAt },
  });
const makeDue = (id: number) =>
  t.db
    .updateTable('threads')
    .set({ publish_at: sql`now() - interval '1 minute'` })
    .where('id', '=', id)
    .execute();
const threadCount = async () => (await new CategoriesRepository(t.db).getById(category.id))!.thread_count;

beforeAll(async () => {
  t = await createTestApp();
  category = await createCategory(t.db);
  manager = await createMember(t.db, { role: 'community_manager' });
  moderator = await createMember(t.db, { role: 'moderator' });
  member = await createMember(t.db, { trustLevel: 2 });
});
afterAll(() => t.close());

describe('scheduled threads', () => {
  it('stay out of sight until their time; managers see them in the calendar', async () => {
    const res = await schedule('Question de la semaine : votre plus beau bivouac');
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().thread.id as number;
    expect(
      (await t.db.selectFrom('threads').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state,
    ).toBe('scheduled');
    const latest = (await t.api('GET', '/api/threads')).json().threads.map((x: { id: number }) => x.id);
    expect(latest).not.toContain(id);
    expect((await t.api('GET', `/api/threads/${id}`, { as: member })).statusCode).toBe(404);
    expect((await t.api('GET', `/api/threads/${id}`, { as: manager })).statusCode).toBe(200);
    const calendar = await t.api('GET', '/api/threads/scheduled', { as: manager });
    expect(calendar.json().threads).toContainEqual(
      expect.objectContaining({ id, title: 'Question de la semaine : votre plus beau bivouac' }),
    );
    for (const as of [member, moderator])
      expect((await t.api('GET', '/api/threads/scheduled', { as })).statusCode).toBe(403);
    expect((await t.api('GET', '/api/threads/scheduled')).statusCode).toBe(401);
  });

  it('refuses scheduling to members, and times that are not times or too far', async () => {
    expect((await schedule('Mon sujet programmé', member)).statusCode).toBe(403);
    const far = new Date(Date.now() + 2 * 366 * 86_400_000).toISOString();
    const tooFar = await schedule('Dans deux ans', manager, far);
    expect(tooFar.statusCode).toBe(422);
    expect(tooFar.json().error.code).toBe('thread.publish_at_invalid');
    expect((await schedule('Pas une date', manager, 'demain matin')).statusCode).toBe(422);
  });

  it('publishes a due thread exactly once when two nodes run at the same moment, and announces it live', async () => {
    const id = (await schedule('Concours photo : vos sommets')).json().thread.id as number;
    await makeDue(id);
    const before = await threadCount();
    const other = await buildApp({
      config: loadConfig({ WEB_DIST: '/nonexistent', SEARCH_WORKER: '0', SCHEDULER_INTERVAL_MS: '0' }),
      db: t.db,
    });
    try {
      const runs = await Promise.all([t.app.scheduler.runDue(), other.scheduler.runDue(), t.app.scheduler.runDue()]);
      expect(runs.flat()).toEqual([id]);
    } finally {
      await other.close();
    }
    expect(await threadCount()).toBe(before + 1);
    expect((await t.api('GET', `/api/threads/${id}`, { as: member })).statusCode).toBe(200);
    expect((await t.api('GET', '/api/threads')).json().threads[0].id).toBe(id);
    const announced = await t.db.selectFrom('live_events').selectAll().where('type', '=', 'thread.created').execute();
    expect(announced.filter((e) => (e.data as { threadId: number }).threadId === id)).toHaveLength(1);
    expect(await t.app.scheduler.runDue()).toEqual([]);
  });

  it('publishes at the next start what fell due while no server was running', async () => {
    const id = (await schedule('Retour sur la sortie raquettes')).json().thread.id as number;
    await makeDue(id);
    const restarted = await buildApp({
      config: loadConfig({ WEB_DIST: '/nonexistent', SEARCH_WORKER: '0', SCHEDULER_INTERVAL_MS: '60000' }),
      db: t.db,
    });
    try {
      await restarted.ready();
      const end = Date.now() + 10_000;
      let state = 'scheduled';
      while (state !== 'published' && Date.now() < end) {
        state = (await t.db.selectFrom('threads').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(state).toBe('published');
    } finally {
      await restarted.close();
    }
  });
});

describe('the calendar: reschedule and withdraw', () => {
  it('moves a scheduled thread to another time, audited; members and moderators are refused', async () => {
    const id = (await schedule('Concours de printemps')).json().thread.id as number;
    const later = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const move = (as?: Member, publishAt = later) =>
      t.api('PATCH', `/api/threads/${id}/schedule`, { as, body: { publishAt } });
    expect((await move()).statusCode).toBe(401);
    expect((await move(member)).statusCode).toBe(403);
    expect((await move(moderator)).statusCode).toBe(403);
    expect((await move(manager, new Date(Date.now() - 60_000).toISOString())).statusCode).toBe(422);
    expect((await move(manager, new Date(Date.now() + 400 * 86_400_000).toISOString())).statusCode).toBe(422);
    const res = await move(manager);
    expect(res.statusCode).toBe(200);
    expect(res.json().publishAt).toBe(later);
    const row = await t.db.selectFrom('threads').select('publish_at').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.publish_at?.toISOString()).toBe(later);
    const audit = await t.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'thread.rescheduled')
      .where('subject_id', '=', String(id))
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor_id: manager.id, data: { to: later } });
    // The thread page says when it comes out.
    const page = await t.api('GET', `/api/threads/${id}`, { as: manager });
    expect(page.json().thread).toMatchObject({ state: 'scheduled', publishAt: later });
    expect(page.json().viewer.canReply).toBe(false);
  });

  it('withdraws a scheduled thread: it never comes out, and a published one is not the calendar’s (404)', async () => {
    const id = (await schedule('Atelier réparation')).json().thread.id as number;
    expect((await t.api('DELETE', `/api/threads/${id}/schedule`, { as: member })).statusCode).toBe(403);
    const res = await t.api('DELETE', `/api/threads/${id}/schedule`, { as: manager });
    expect(res.statusCode).toBe(200);
    await makeDue(id);
    const state = await t.db.selectFrom('threads').select('state').where('id', '=', id).executeTakeFirstOrThrow();
    expect(state.state).toBe('deleted');
    const calendar = await t.api('GET', '/api/threads/scheduled', { as: manager });
    expect(calendar.json().threads.map((th: { id: number }) => th.id)).not.toContain(id);
    expect((await t.api('DELETE', `/api/threads/${id}/schedule`, { as: manager })).statusCode).toBe(404);
    const published = await t.api('POST', '/api/threads', {
      as: manager,
      body: { categoryId: category.id, title: 'Déjà en ligne', body: 'Publié tout de suite.', kind: 'discussion' },
    });
    const publishedId = published.json().thread.id as number;
    const move = await t.api('PATCH', `/api/threads/${publishedId}/schedule`, {
      as: manager,
      body: { publishAt: inOneHour() },
    });
    expect(move.statusCode).toBe(404);
    expect(move.json().error.code).toBe('thread.not_scheduled');
  });
});

describe('threads started from a template', () => {
  const fromTemplate = async (title: string, body: string) => {
    const templates = (await t.api('GET', '/api/topic-templates?locale=fr', { as: manager })).json().templates;
    const contest = templates.find((tpl: { name: string }) => tpl.name === 'Concours');
    return t.api('POST', '/api/threads', {
      as: manager,
      body: {
        categoryId: category.id,
        title,
        body,
        kind: 'discussion',
        publishAt: inOneHour(),
        templateId: contest.id,
      },
    });
  };

  it('refuses its blanks left as the template wrote them, naming the field, and gives the text back', async () => {
    const titleLeft = await fromTemplate('Concours : …', 'À gagner : une tente.');
    expect(titleLeft.statusCode).toBe(422);
    expect(titleLeft.json().error).toMatchObject({
      code: 'thread.template_unfilled',
      details: { field: 'title', title: 'Concours : …' },
    });
    const bodyLeft = await fromTemplate('Concours : une tente à gagner', '**À gagner :** …\n\nÀ vous de jouer !');
    expect(bodyLeft.statusCode).toBe(422);
    expect(bodyLeft.json().error.details).toMatchObject({ field: 'body', lines: ['**À gagner :** …'] });
    expect(bodyLeft.json().error.details.body).toContain('À vous de jouer');
  });

  it('accepts it once filled in, an ellipsis of the author’s own included', async () => {
    const res = await fromTemplate(
      'Concours : une tente à gagner',
      '**À gagner :** une tente deux places… et un duvet.\n\n**Pour participer :** répondez avant le 30.',
    );
    expect(res.statusCode).toBe(201);
  });
});
