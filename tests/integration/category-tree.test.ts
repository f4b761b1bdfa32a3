import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member } from '../../server/db/types.ts';
import { CATEGORY_ICONS } from '../../server/modules/forum/category-icons.ts';
import { createMember, createThread } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

/**
 * Categories in French and English, with an icon and one level of sub-categories (issue 18): what community
 * managers set from the console, what the API refuses (422 naming the field), what a parent's list shows.
 */
let t: TestApp;
let member: Member;
let manager: Member;

type CategoryView = {
  id: number;
  slug: string;
  name: string;
  nameEn: string | null;
  descriptionEn: string | null;
  icon: string | null;
  parentId: number | null;
};

const create = (body: Record<string, unknown>, as: Member = manager) =>
  t.api('POST', '/api/categories', {
    as,
    body: { slug: `cat-${Date.now()}-${Math.floor(Math.random() * 1e6)}`, name: 'Catégorie', ...body },
  });
const newCategory = async (body: Record<string, unknown> = {}) => {
  const res = await create(body);
  expect(res.statusCode).toBe(201);
  return res.json() as CategoryView;
};
const patch = (id: number, body: Record<string, unknown>, as: Member = manager) =>
  t.api('PATCH', `/api/categories/${id}`, { as, body });

beforeAll(async () => {
  t = await createTestApp();
  member = await createMember(t.db);
  manager = await createMember(t.db, { role: 'community_manager' });
});
afterAll(() => t.close());

describe('category names in French and English', () => {
  it('keep the English name and description beside the default ones, and clear them with null', async () => {
    const c = await newCategory({ name: 'Astuces', nameEn: 'Tips', descriptionEn: 'How-tos from members' });
    expect(c).toMatchObject({ name: 'Astuces', nameEn: 'Tips', descriptionEn: 'How-tos from members' });
    const listed = (await t.api('GET', '/api/categories')).json().categories as CategoryView[];
    expect(listed.find((x) => x.id === c.id)?.nameEn).toBe('Tips');
    const cleared = await patch(c.id, { nameEn: null });
    expect(cleared.json()).toMatchObject({ name: 'Astuces', nameEn: null, descriptionEn: 'How-tos from members' });
  });
});

describe('category icons', () => {
  it('take a name from the set and refuse any other with 422 naming the field', async () => {
    const c = await newCategory({ icon: 'rocket' });
    expect(c.icon).toBe('rocket');
    const refused = await patch(c.id, { icon: 'skull' });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error).toMatchObject({ code: 'category.icon_unknown', details: { field: 'icon' } });
    expect((await create({ icon: '<svg>' })).statusCode).toBe(422);
  });

  it('are the same set the web app maps to components', () => {
    const web = readFileSync('web/src/lib/components/ui/category-icons.ts', 'utf8');
    const mapped = [...web.matchAll(/^\s+'?([a-z0-9-]+)'?: [A-Z]/gm)].map((m) => m[1]);
    expect(mapped).toEqual([...CATEGORY_ICONS]);
  });
});

describe('sub-categories', () => {
  it('refuse members with 403 and leave the category as it was', async () => {
    const parent = await newCategory();
    const child = await newCategory();
    const refused = await patch(child.id, { parentId: parent.id, icon: 'star' }, member);
    expect(refused.statusCode).toBe(403);
    expect((await create({ parentId: parent.id }, member)).statusCode).toBe(403);
    const listed = (await t.api('GET', '/api/categories')).json().categories as CategoryView[];
    expect(listed.find((x) => x.id === child.id)).toMatchObject({ parentId: null, icon: null });
  });

  it('keep the tree one level deep: no grandchild, no cycle, not itself, no unknown parent', async () => {
    const parent = await newCategory();
    const child = await newCategory({ parentId: parent.id });
    expect(child.parentId).toBe(parent.id);
    const expectRefused = async (res: Awaited<ReturnType<typeof patch>>, code: string) => {
      expect(res.statusCode).toBe(422);
      expect(res.json().error).toMatchObject({ code, details: { field: 'parentId' } });
    };
    await expectRefused(await create({ parentId: child.id }), 'category.parent_nested');
    await expectRefused(await patch(parent.id, { parentId: child.id }), 'category.parent_nested');
    await expectRefused(await patch(parent.id, { parentId: (await newCategory()).id }), 'category.has_children');
    await expectRefused(await patch(parent.id, { parentId: parent.id }), 'category.parent_self');
    await expectRefused(await patch(parent.id, { parentId: 999_999 }), 'category.parent_not_found');
    expect((await patch(999_999, { parentId: parent.id })).statusCode).toBe(404);
    // Back to the top level.
    expect((await patch(child.id, { parentId: null })).json().parentId).toBeNull();
  });

  it("list a parent's threads with its sub-categories' threads, and a child's with its own only", async () => {
    const author = await createMember(t.db);
    const parent = await newCategory();
    const child = await newCategory({ parentId: parent.id });
    const other = await newCategory();
    const own = await createThread(t.db, author, parent.id);
    const fromChild = await createThread(t.db, author, child.id);
    const elsewhere = await createThread(t.db, author, other.id);
    const ids = async (slug: string) =>
      ((await t.api('GET', `/api/categories/${slug}/threads`)).json().threads as { id: number }[]).map((x) => x.id);
    const parentList = await ids(parent.slug);
    expect(parentList).toEqual(expect.arrayContaining([own.thread.id, fromChild.thread.id]));
    expect(parentList).not.toContain(elsewhere.thread.id);
    expect(await ids(child.slug)).toEqual([fromChild.thread.id]);
    const parentPage = (await t.api('GET', `/api/categories/${parent.slug}/threads`)).json();
    expect(parentPage.subcategories.map((c: CategoryView) => c.id)).toEqual([child.id]);
    expect(parentPage.parent).toBeNull();
    const childPage = (await t.api('GET', `/api/categories/${child.slug}/threads`)).json();
    expect(childPage.parent).toMatchObject({ id: parent.id, slug: parent.slug });
    expect(childPage.subcategories).toEqual([]);
    const opened = (await t.api('GET', `/api/threads/${fromChild.thread.id}`)).json();
    expect(opened.thread.category.parent).toMatchObject({ id: parent.id, slug: parent.slug });
  });

  it('write an audit row for each change, with what was asked', async () => {
    const parent = await newCategory();
    const child = await newCategory();
    expect((await patch(child.id, { parentId: parent.id, icon: 'leaf', nameEn: 'Garden' })).statusCode).toBe(200);
    const row = await t.db
      .selectFrom('audit_log')
      .select(['actor_id', 'data'])
      .where('action', '=', 'category.update')
      .where('subject_id', '=', String(child.id))
      .executeTakeFirstOrThrow();
    expect(row.actor_id).toBe(manager.id);
    expect(row.data).toMatchObject({ parentId: parent.id, icon: 'leaf', nameEn: 'Garden' });
  });
});
