import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Category, Member } from '../../server/db/types.ts';
import { createCategory, createMember, createThread } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

/** Seeding (issue 7): official, pinned and featured threads, and announcements each member may dismiss. */
let t: TestApp;
let category: Category;
let manager: Member;
let member: Member;

const post = (as: Member, body: object) =>
  t.api('POST', '/api/threads', { as, body: { categoryId: category.id, body: 'Le détail, pour tous.', ...body } });

beforeAll(async () => {
  t = await createTestApp();
  category = await createCategory(t.db);
  manager = await createMember(t.db, { role: 'community_manager' });
  member = await createMember(t.db, { trustLevel: 2 });
});
afterAll(() => t.close());

describe('the home page’s featured threads and announcement', () => {
  it('shows what managers featured, and the latest announcement until a member dismisses it', async () => {
    const featured = await post(manager, {
      title: 'Le guide des tailles',
      kind: 'tip',
      featured: true,
      official: true,
      pinned: true,
    });
    expect(featured.statusCode, featured.body).toBe(201);
    await createThread(t.db, member, category.id, { title: 'Un sujet ordinaire' });
    const old = await post(manager, { title: 'Ancienne annonce', kind: 'announcement' });
    await t.db
      .updateTable('threads')
      .set({ created_at: sql`now() - interval '40 days'` } as never)
      .where('id', '=', old.json().thread.id)
      .execute();
    const news = await post(manager, { title: 'Nouvelle collection printemps', kind: 'announcement' });

    const home = (await t.api('GET', '/api/home', { as: member })).json();
    expect(home.featured.map((x: { title: string; official: boolean }) => [x.title, x.official])).toEqual([
      ['Le guide des tailles', true],
    ]);
    expect(home.announcement).toMatchObject({ id: news.json().thread.id, title: 'Nouvelle collection printemps' });
    expect((await t.api('POST', `/api/threads/${news.json().thread.id}/dismiss`, { as: member })).statusCode).toBe(200);
    expect((await t.api('GET', '/api/home', { as: member })).json().announcement).toBeNull(); // the older one is past 30 days
    expect((await t.api('GET', '/api/home')).json().announcement).toMatchObject({
      title: 'Nouvelle collection printemps',
    });
  });

  it('keeps featuring, pinning, official marks and announcements to managers', async () => {
    for (const extra of [{ featured: true }, { pinned: true }, { official: true }, { kind: 'announcement' }]) {
      expect(
        (await post(member, { title: 'Essai de membre', kind: 'discussion', ...extra })).statusCode,
        JSON.stringify(extra),
      ).toBe(403);
    }
    const { thread } = await createThread(t.db, member, category.id, { title: 'Pas une annonce' });
    expect((await t.api('POST', `/api/threads/${thread.id}/dismiss`, { as: member })).statusCode).toBe(404);
    expect((await t.api('POST', `/api/threads/${thread.id}/dismiss`)).statusCode).toBe(401);
  });

  it('pins a thread everywhere: first on the home page’s list and in every category', async () => {
    const other = await createCategory(t.db);
    const everywhere = await post(manager, {
      title: 'Règles de la communauté',
      kind: 'announcement',
      pinnedGlobal: true,
    });
    expect(everywhere.statusCode, everywhere.body).toBe(201);
    const id = everywhere.json().thread.id;
    await createThread(t.db, member, other.id, { title: 'Plus récent que l’épinglé' });
    const home = (await t.api('GET', '/api/threads')).json();
    expect(home.pinned.map((x: { id: number }) => x.id)).toEqual([id]);
    expect(home.threads.map((x: { id: number }) => x.id)).not.toContain(id);
    const elsewhere = (await t.api('GET', `/api/categories/${other.slug}/threads`)).json();
    expect(elsewhere.pinned.map((x: { id: number }) => x.id)).toContain(id);
    expect((await post(member, { title: 'Essai', kind: 'discussion', pinnedGlobal: true })).statusCode).toBe(403);
  });
});
