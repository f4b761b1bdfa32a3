import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member } from '../../server/db/types.ts';
import { createMember, createThread } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

/**
 * Per-category permissions: who may start threads and who may reply (members, a trust level, staff), which
 * kinds of thread a category takes, archived categories; each category says whether the reader may start a
 * thread there, and every change by staff is audited.
 */
let t: TestApp;
let member: Member;
let trusted: Member;
let moderator: Member;
let manager: Member;

const thread = (as: Member, categoryId: number, kind = 'discussion') =>
  t.api('POST', '/api/threads', {
    as,
    body: { categoryId, kind, title: `Un sujet de test ${Math.random()}`, body: 'Un texte assez long pour passer.' },
  });
const newCategory = async (body: Record<string, unknown>) => {
  const res = await t.api('POST', '/api/categories', {
    as: manager,
    body: { slug: `cat-${Date.now()}-${Math.floor(Math.random() * 1e6)}`, name: 'Catégorie', ...body },
  });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: number; slug: string; startLevel: string; canStart: boolean };
};

beforeAll(async () => {
  t = await createTestApp();
  member = await createMember(t.db, { trustLevel: 1 });
  trusted = await createMember(t.db, { trustLevel: 2 });
  moderator = await createMember(t.db, { role: 'moderator' });
  manager = await createMember(t.db, { role: 'community_manager' });
});
afterAll(() => t.close());

describe('per-category permissions', () => {
  it('keep a staff-only category closed to members, open to staff, and say so in the list', async () => {
    const news = await newCategory({ name: 'Annonces', startLevel: 'staff', kinds: ['announcement', 'discussion'] });
    const refused = await thread(member, news.id);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('category.start_forbidden');
    expect((await thread(moderator, news.id)).statusCode).toBe(201);

    const canStart = async (as?: Member) =>
      ((await t.api('GET', '/api/categories', { as })).json().categories as { id: number; canStart: boolean }[]).find(
        (c) => c.id === news.id,
      )!.canStart;
    expect(await canStart(member)).toBe(false);
    expect(await canStart(moderator)).toBe(true);
    expect(await canStart(undefined)).toBe(false);
  });

  it('open a category from a trust level up', async () => {
    const experts = await newCategory({ startLevel: 'trust_2' });
    expect((await thread(member, experts.id)).json().error.code).toBe('category.start_forbidden');
    expect((await thread(trusted, experts.id)).statusCode).toBe(201);
  });

  it('let only the allowed level reply, and tell the thread page who may', async () => {
    const faq = await newCategory({ replyLevel: 'staff' });
    const { thread: question } = await createThread(t.db, member, faq.id, { title: 'Une question pour l’équipe' });
    const refused = await t.api('POST', `/api/threads/${question.id}/posts`, {
      as: member,
      body: { body: 'Une réponse de membre.' },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('category.reply_forbidden');
    const page = async (as: Member) =>
      (await t.api('GET', `/api/threads/${question.id}`, { as })).json().viewer.canReply;
    expect(await page(member)).toBe(false);
    expect(await page(moderator)).toBe(true);
    const answered = await t.api('POST', `/api/threads/${question.id}/posts`, {
      as: moderator,
      body: { body: 'La réponse de l’équipe.' },
    });
    expect(answered.statusCode).toBe(201);
  });

  it('take only the kinds a category is made for', async () => {
    const ideas = await newCategory({ kinds: ['idea'] });
    const refused = await thread(member, ideas.id, 'discussion');
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error).toMatchObject({ code: 'category.kind_not_allowed', details: { field: 'kind' } });
    expect((await thread(member, ideas.id, 'idea')).statusCode).toBe(201);
  });

  it('close an archived category to anything new, keep it readable, and reopen it', async () => {
    const old = await newCategory({});
    const { thread: kept } = await createThread(t.db, member, old.id, { title: 'Un sujet d’avant' });
    const archived = await t.api('PATCH', `/api/categories/${old.id}`, { as: manager, body: { archived: true } });
    expect(archived.json()).toMatchObject({ archived: true, canStart: false });
    expect((await thread(member, old.id)).json().error.code).toBe('category.archived');
    expect((await thread(moderator, old.id)).json().error.code).toBe('category.archived');
    const reply = await t.api('POST', `/api/threads/${kept.id}/posts`, { as: member, body: { body: 'Encore ?' } });
    expect(reply.json().error.code).toBe('category.archived');
    expect((await t.api('GET', `/api/threads/${kept.id}`)).statusCode).toBe(200);
    await t.api('PATCH', `/api/categories/${old.id}`, { as: manager, body: { archived: false } });
    expect((await thread(member, old.id)).statusCode).toBe(201);
  });

  it('leave category changes to managers, refuse bad levels, and audit every change', async () => {
    const target = await newCategory({});
    const asMember = await t.api('PATCH', `/api/categories/${target.id}`, {
      as: member,
      body: { startLevel: 'staff' },
    });
    expect(asMember.statusCode).toBe(403);
    const asVisitor = await t.api('PATCH', `/api/categories/${target.id}`, { body: { startLevel: 'staff' } });
    expect(asVisitor.statusCode).toBe(401);
    const bad = await t.api('PATCH', `/api/categories/${target.id}`, { as: manager, body: { startLevel: 'root' } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.code).toBe('validation.failed');
    const emptyKinds = await t.api('PATCH', `/api/categories/${target.id}`, { as: manager, body: { kinds: [] } });
    expect(emptyKinds.statusCode).toBe(422);

    const ok = await t.api('PATCH', `/api/categories/${target.id}`, {
      as: manager,
      body: { startLevel: 'trust_3', replyLevel: 'trust_1' },
    });
    expect(ok.json()).toMatchObject({ startLevel: 'trust_3', replyLevel: 'trust_1' });
    const audit = await t.db
      .selectFrom('audit_log')
      .selectAll()
      .where('subject_type', '=', 'category')
      .where('subject_id', '=', String(target.id))
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['category.create', 'category.update']);
    expect(audit[1]!.actor_id).toBe(manager.id);
    expect(audit[1]!.data).toMatchObject({ startLevel: 'trust_3', replyLevel: 'trust_1' });
  });
});
