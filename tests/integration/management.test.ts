import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Category, Member } from '../../server/db/types.ts';
import { createCategory, createMember, createReply, createThread, PASSWORD } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

/** Member management for community managers (issue 7): search, record, GDPR export and anonymisation. */
let t: TestApp;
let category: Category;
let manager: Member;
let moderator: Member;
let admin: Member;
let camille: Member;

beforeAll(async () => {
  t = await createTestApp();
  category = await createCategory(t.db);
  manager = await createMember(t.db, { role: 'community_manager' });
  moderator = await createMember(t.db, { role: 'moderator' });
  admin = await createMember(t.db, { role: 'admin' });
  camille = await createMember(t.db, { username: 'camille_rando', email: 'camille@example.test', trustLevel: 2 });
  const { thread } = await createThread(t.db, camille, category.id, {
    title: 'Mon premier bivouac',
    body: 'Récit de ma nuit au lac.',
  });
  await createReply(t.db, manager, thread.id, 'Bravo Camille !');
});
afterAll(() => t.close());

describe('member management', () => {
  it('finds members by part of a name or e-mail, and shows a member’s record', async () => {
    const found = (await t.api('GET', '/api/manage/members?q=CAMILLE', { as: manager })).json().members;
    expect(found.map((m: { username: string }) => m.username)).toEqual(['camille_rando']);
    expect(
      (await t.api('GET', '/api/manage/members?q=example.test', { as: manager })).json().members.length,
    ).toBeGreaterThan(0);
    expect((await t.api('GET', '/api/manage/members?q=%25', { as: manager })).json().members).toEqual([]); // % is a letter here
    const record = (await t.api('GET', `/api/manage/members/${camille.id}`, { as: manager })).json();
    expect(record).toMatchObject({ username: 'camille_rando', trustLevel: 2, activity: { posts30: 1, threads30: 1 } });
    expect(record.recentPosts[0]).toMatchObject({ threadTitle: 'Mon premier bivouac' });
    expect((await t.api('GET', '/api/manage/members/999999', { as: manager })).statusCode).toBe(404);
  });

  it('exports what Agora holds about a member, without secrets', async () => {
    const res = await t.api('GET', `/api/manage/members/${camille.id}/export`, { as: manager });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toContain(`member-${camille.id}.json`);
    const data = res.json();
    expect(data.profile).toMatchObject({ username: 'camille_rando', email: 'camille@example.test' });
    expect(data.posts.map((p: { body_md: string }) => p.body_md)).toContain('Récit de ma nuit au lac.');
    expect(res.body).not.toContain('password_hash');
    expect(res.body).not.toContain('$argon2');
    const audit = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('subject_id', '=', String(camille.id))
      .execute();
    expect(audit.map((a) => a.action)).toContain('member.exported');
  });

  it('anonymises an account: posts stay under a former member’s name, nothing identifies them, they cannot sign in', async () => {
    const login = await t.api('POST', '/api/auth/login', { body: { login: 'camille_rando', password: PASSWORD } });
    expect(login.statusCode).toBe(200);
    const res = await t.api('POST', `/api/manage/members/${camille.id}/anonymise`, { as: manager });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().username).toBe(`ancien_membre_${camille.id}`);
    const row = await t.db.selectFrom('members').selectAll().where('id', '=', camille.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      username: `ancien_membre_${camille.id}`,
      display_name: '',
      bio: '',
      email: `anonymised+${camille.id}@invalid`,
    });
    expect(await t.db.selectFrom('sessions').select('id').where('member_id', '=', camille.id).execute()).toEqual([]);
    expect(
      (await t.api('POST', '/api/auth/login', { body: { login: 'camille_rando', password: PASSWORD } })).statusCode,
    ).toBe(401);
    const posts = await t.db
      .selectFrom('posts')
      .select(['body_md', 'state'])
      .where('author_id', '=', camille.id)
      .execute();
    expect(posts).toEqual([{ body_md: 'Récit de ma nuit au lac.', state: 'published' }]);
    expect((await t.api('GET', '/api/manage/members?q=camille', { as: manager })).json().members).toEqual([]);
  });

  it('refuses staff accounts, one’s own, and every route to members and moderators', async () => {
    expect((await t.api('POST', `/api/manage/members/${moderator.id}/anonymise`, { as: manager })).statusCode).toBe(
      403,
    );
    expect((await t.api('POST', `/api/manage/members/${manager.id}/anonymise`, { as: manager })).statusCode).toBe(422);
    const someone = await createMember(t.db);
    for (const as of [someone, moderator]) {
      expect((await t.api('GET', '/api/manage/members', { as })).statusCode).toBe(403);
      expect((await t.api('GET', `/api/manage/members/${someone.id}`, { as })).statusCode).toBe(403);
      expect((await t.api('GET', `/api/manage/members/${someone.id}/export`, { as })).statusCode).toBe(403);
      expect((await t.api('POST', `/api/manage/members/${someone.id}/anonymise`, { as })).statusCode).toBe(403);
    }
    expect((await t.api('GET', '/api/manage/members')).statusCode).toBe(401);
    expect((await t.api('POST', `/api/manage/members/${moderator.id}/anonymise`, { as: admin })).statusCode).toBe(200);
  });
});
