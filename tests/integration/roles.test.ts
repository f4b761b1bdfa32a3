import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Category, Member } from '../../server/db/types.ts';
import { createCategory, createMember } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

/** Every role rule, with the refusal of the role just below. */
let t: TestApp;
let category: Category;
let member: Member;
let moderator: Member;
let manager: Member;
let admin: Member;
beforeAll(async () => {
  t = await createTestApp();
  category = await createCategory(t.db);
  member = await createMember(t.db);
  moderator = await createMember(t.db, { role: 'moderator' });
  manager = await createMember(t.db, { role: 'community_manager' });
  admin = await createMember(t.db, { role: 'admin' });
});
afterAll(() => t.close());

const thread = (extra: Record<string, unknown>) => ({
  categoryId: 0,
  title: 'Annonce importante',
  body: 'Bonjour à tous',
  kind: 'discussion',
  ...extra,
});

describe('community-manager thread options', () => {
  it.each([
    ['an announcement', { kind: 'announcement' }],
    ['a pinned thread', { pinned: true }],
    ['a featured thread', { featured: true }],
    ['an official thread', { official: true }],
  ])('refuses %s to members and moderators (403) and accepts it from a community manager', async (_label, extra) => {
    for (const who of [member, moderator]) {
      const res = await t.api('POST', '/api/threads', { as: who, body: thread({ categoryId: category.id, ...extra }) });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('access.denied');
    }
    const ok = await t.api('POST', '/api/threads', {
      as: manager,
      body: thread({ categoryId: category.id, ...extra }),
    });
    expect(ok.statusCode).toBe(201);
  });
});

describe('category management', () => {
  it('refuses visitors (401), members and moderators (403), and lets community managers create and change', async () => {
    const body = { slug: 'nouvelle', name: 'Nouvelle catégorie' };
    expect((await t.api('POST', '/api/categories', { body })).statusCode).toBe(401);
    expect((await t.api('POST', '/api/categories', { as: member, body })).statusCode).toBe(403);
    expect((await t.api('POST', '/api/categories', { as: moderator, body })).statusCode).toBe(403);
    const created = await t.api('POST', '/api/categories', { as: manager, body });
    expect(created.statusCode).toBe(201);
    expect((await t.api('POST', '/api/categories', { as: manager, body })).statusCode).toBe(409);
    const id = created.json().id;
    expect(
      (await t.api('PATCH', `/api/categories/${id}`, { as: moderator, body: { name: 'Refusé' } })).statusCode,
    ).toBe(403);
    const changed = await t.api('PATCH', `/api/categories/${id}`, { as: manager, body: { name: 'Renommée' } });
    expect(changed.json().name).toBe('Renommée');
  });
});

describe('roles', () => {
  it('lets only admins change a role, and writes it to the audit log', async () => {
    const target = await createMember(t.db);
    for (const who of [member, moderator, manager]) {
      const res = await t.api('POST', `/api/members/${target.id}/role`, { as: who, body: { role: 'moderator' } });
      expect(res.statusCode).toBe(403);
    }
    const ok = await t.api('POST', `/api/members/${target.id}/role`, { as: admin, body: { role: 'moderator' } });
    expect(ok.json().member.role).toBe('moderator');
    const audit = await t.db.selectFrom('audit_log').selectAll().where('subject_id', '=', String(target.id)).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor_id: admin.id,
      action: 'member.role_changed',
      data: { from: 'member', to: 'moderator' },
    });
  });

  it('keeps at least one admin', async () => {
    const fresh = await createTestApp();
    try {
      const only = await createMember(fresh.db, { role: 'admin' });
      const res = await fresh.api('POST', `/api/members/${only.id}/role`, { as: only, body: { role: 'member' } });
      expect(res.statusCode).toBe(422);
      expect(res.json().error.code).toBe('member.last_admin');
    } finally {
      await fresh.close();
    }
  });

  it('answers 401 to visitors on every member-only route', async () => {
    const routes: ['POST' | 'PATCH' | 'DELETE', string, unknown][] = [
      ['POST', '/api/threads/1/posts', { body: 'x' }],
      ['PATCH', '/api/posts/1', { body: 'x' }],
      ['DELETE', '/api/posts/1', undefined],
      ['POST', '/api/posts/1/reactions/like', undefined],
      ['POST', '/api/threads/1/accept', { postId: 1 }],
      ['PATCH', '/api/me', { bio: 'x' }],
      ['POST', '/api/members/1/role', { role: 'admin' }],
    ];
    for (const [method, url, body] of routes) {
      const res = await t.api(method, url, { body });
      expect([url, res.statusCode]).toEqual([url, 401]);
    }
  });
});
