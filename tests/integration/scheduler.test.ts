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
