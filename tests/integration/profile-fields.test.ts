import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Category, Member } from '../../server/db/types.ts';
import { createCategory, createMember, createReply, createThread } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

/** Profile fields and preferences beyond the name and bio (issue 19). */
let t: TestApp;
let member: Member;
let category: Category;

beforeAll(async () => {
  t = await createTestApp();
  member = await createMember(t.db);
  category = await createCategory(t.db);
});
afterAll(() => t.close());

describe('PATCH /api/me', () => {
  it('saves location, website, pronouns, theme and the level replying gives, and shows the public ones', async () => {
    const res = await t.api('PATCH', '/api/me', {
      as: member,
      body: {
        location: ' Annecy ',
        website: 'velo.example.org/carnet',
        pronouns: 'elle',
        theme: 'dark',
        replyTracking: 'watching',
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().member).toMatchObject({
      location: 'Annecy',
      website: 'https://velo.example.org/carnet',
      pronouns: 'elle',
      theme: 'dark',
      replyTracking: 'watching',
    });
    const profile = (await t.api('GET', `/api/members/${member.username}`)).json().member;
    expect(profile).toMatchObject({ location: 'Annecy', website: 'https://velo.example.org/carnet', pronouns: 'elle' });
    expect(profile.theme).toBeUndefined(); // a preference, not shown to others
  });

  it('makes a member who chose "watching" watch the threads they reply in', async () => {
    const { thread } = await createThread(t.db, await createMember(t.db), category.id);
    await createReply(t.db, member, thread.id);
    const state = (await t.api('GET', `/api/tracking/threads?ids=${thread.id}`, { as: member })).json().threads[0];
    expect(state.level).toBe('watching');
  });

  it('refuses a website that is not an http(s) address, and visitors', async () => {
    for (const website of ['javascript:alert(1)', 'data:text/html,x', 'ftp://example.org', 'pas une adresse']) {
      const res = await t.api('PATCH', '/api/me', { as: member, body: { website } });
      expect(res.statusCode, website).toBe(422);
      expect(res.json().error).toMatchObject({ code: 'member.website_invalid', details: { field: 'website' } });
    }
    expect((await t.api('PATCH', '/api/me', { as: member, body: { theme: 'neon' } })).statusCode).toBe(422);
    expect((await t.api('PATCH', '/api/me', { as: member, body: { location: 'x'.repeat(101) } })).statusCode).toBe(422);
    expect((await t.api('PATCH', '/api/me', { body: { location: 'Lyon' } })).statusCode).toBe(401);
    const cleared = await t.api('PATCH', '/api/me', { as: member, body: { website: '' } });
    expect(cleared.json().member.website).toBe('');
  });
});
