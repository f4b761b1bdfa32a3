import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member } from '../../server/db/types.ts';
import { createMember, createThread } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

/**
 * Setting who may see a category (issue 18): staff only, a sub-category never more visible than its parent (a
 * parent made more private raises its children), start and reply never wider than see, every change audited.
 */
let t: TestApp;
let member: Member;
let moderator: Member;
let manager: Member;
let n = 0;

const create = (body: Record<string, unknown>, as: Member = manager) =>
  t.api('POST', '/api/categories', { as, body: { slug: `vue-${++n}`, name: `Vue ${n}`, ...body } });
const update = (id: number, body: Record<string, unknown>, as: Member = manager) =>
  t.api('PATCH', `/api/categories/${id}`, { as, body });
const settings = (id: number) =>
  t.db
    .selectFrom('categories')
    .select(['see_level', 'start_level', 'reply_level'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

beforeAll(async () => {
  t = await createTestApp();
  member = await createMember(t.db, { trustLevel: 4 });
  moderator = await createMember(t.db, { role: 'moderator' });
  manager = await createMember(t.db, { role: 'community_manager' });
});
afterAll(() => t.close());

describe('who may see a category', () => {
  it('is everyone by default, and shown in the category', async () => {
    const res = await create({});
    expect(res.statusCode).toBe(201);
    expect(res.json().seeLevel).toBe('visitor');
  });

  it('is set by those who manage categories only', async () => {
    const { id } = (await create({})).json();
    for (const as of [member, moderator]) {
      const refused = await update(id, { seeLevel: 'staff', startLevel: 'staff', replyLevel: 'staff' }, as);
      expect(refused.statusCode).toBe(403);
    }
    expect((await t.api('PATCH', `/api/categories/${id}`, { body: { seeLevel: 'member' } })).statusCode).toBe(401);
    expect((await settings(id)).see_level).toBe('visitor');
  });

  it('refuses an unknown level as invalid input, naming the field', async () => {
    const res = await create({ seeLevel: 'everyone' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('seeLevel');
  });

  it('refuses start or reply levels wider than who may see, naming the field', async () => {
    const start = await create({ seeLevel: 'trust_2' });
    expect(start.statusCode).toBe(422);
    expect(start.json().error).toMatchObject({
      code: 'category.posting_wider_than_see',
      details: { field: 'startLevel' },
    });
    const reply = await create({ seeLevel: 'trust_2', startLevel: 'trust_3' });
    expect(reply.json().error).toMatchObject({ details: { field: 'replyLevel' } });
    const { id } = (await create({ seeLevel: 'member' })).json();
    const raised = await update(id, { seeLevel: 'staff' });
    expect(raised.statusCode).toBe(422);
    expect(raised.json().error.details.field).toBe('startLevel');
    expect((await settings(id)).see_level).toBe('member');
  });

  it('refuses a sub-category more visible than its parent, naming the field', async () => {
    const parent = (await create({ seeLevel: 'trust_1', startLevel: 'trust_1', replyLevel: 'trust_1' })).json();
    const child = await create({ parentId: parent.id });
    expect(child.statusCode).toBe(422);
    expect(child.json().error).toMatchObject({
      code: 'category.see_wider_than_parent',
      details: { field: 'seeLevel', parentSeeLevel: 'trust_1' },
    });
    const ok = await create({ parentId: parent.id, seeLevel: 'staff', startLevel: 'staff', replyLevel: 'staff' });
    expect(ok.statusCode).toBe(201);
    const lowered = await update(ok.json().id, { seeLevel: 'member' });
    expect(lowered.json().error.code).toBe('category.see_wider_than_parent');
    // Moving a public category under the private parent is the same widening.
    const outside = (await create({})).json();
    expect((await update(outside.id, { parentId: parent.id })).json().error.code).toBe(
      'category.see_wider_than_parent',
    );
  });

  it('raises the children of a parent made more private, on the record, and leaves them when it opens', async () => {
    const parent = (await create({})).json();
    const open = (await create({ parentId: parent.id })).json();
    const closed = (
      await create({ parentId: parent.id, seeLevel: 'staff', startLevel: 'staff', replyLevel: 'staff' })
    ).json();
    const res = await update(parent.id, { seeLevel: 'trust_2', startLevel: 'trust_2', replyLevel: 'trust_3' });
    expect(res.statusCode).toBe(200);
    expect(await settings(open.id)).toEqual({ see_level: 'trust_2', start_level: 'trust_2', reply_level: 'trust_2' });
    expect((await settings(closed.id)).see_level).toBe('staff');
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['action', 'subject_id', 'actor_id', 'data'])
      .where('subject_type', '=', 'category')
      .where('subject_id', 'in', [String(open.id), String(parent.id)])
      .orderBy('id')
      .execute();
    expect(audit.map((a) => [a.action, a.subject_id])).toContainEqual(['category.update', String(open.id)]);
    const raised = audit.find((a) => a.subject_id === String(open.id) && a.action === 'category.update')!;
    expect(raised.actor_id).toBe(manager.id);
    expect(raised.data).toMatchObject({ seeLevel: 'trust_2', raisedWith: parent.id });

    expect((await update(parent.id, { seeLevel: 'visitor' })).statusCode).toBe(200);
    expect((await settings(open.id)).see_level).toBe('trust_2');
  });

  it("tells an idea's new status only to the voters who still see its category", async () => {
    const ideas = (await create({ seeLevel: 'trust_2', startLevel: 'trust_2', replyLevel: 'trust_2' })).json();
    const author = await createMember(t.db, { trustLevel: 3 });
    const [keeps, loses] = [await createMember(t.db, { trustLevel: 2 }), await createMember(t.db, { trustLevel: 2 })];
    const { thread } = await createThread(t.db, author, ideas.id, { kind: 'idea', title: 'Une idée pour l’équipe' });
    for (const voter of [keeps, loses])
      expect((await t.api('POST', `/api/threads/${thread.id}/vote`, { as: voter })).statusCode).toBe(200);
    await t.db.updateTable('members').set({ trust_level: 0 }).where('id', '=', loses.id).execute();
    const set = await t.api('PUT', `/api/threads/${thread.id}/idea-status`, {
      as: manager,
      body: { status: 'planned' },
    });
    expect(set.statusCode).toBe(200);
    const told = await t.db
      .selectFrom('notifications')
      .select('member_id')
      .where('kind', '=', 'idea.status')
      .where('member_id', 'in', [keeps.id, loses.id, author.id])
      .execute();
    expect(told.map((n) => n.member_id).sort()).toEqual([author.id, keeps.id].sort());
  });
});
