import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Category, Member } from '../../server/db/types.ts';
import { createCategory, createMember, createReply, createThread } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

/** Ignoring a member (issue 19): no notifications or messages from them; the team cannot be ignored. */
let t: TestApp;
let category: Category;
let reader: Member;
let pest: Member;
let moderator: Member;

const kinds = async (member: Member) =>
  (await t.db.selectFrom('notifications').select('kind').where('member_id', '=', member.id).execute()).map(
    (n) => n.kind,
  );

beforeAll(async () => {
  t = await createTestApp();
  category = await createCategory(t.db);
  reader = await createMember(t.db, { trustLevel: 2 });
  pest = await createMember(t.db, { trustLevel: 2 });
  moderator = await createMember(t.db, { role: 'moderator' });
});
afterAll(() => t.close());

describe('IgnoresService', () => {
  it('lists, adds and removes ignored members', async () => {
    const res = await t.api('PUT', `/api/members/${pest.username}/ignore`, { as: reader });
    expect(res.statusCode).toBe(200);
    expect(res.json().ignored.map((i: { username: string }) => i.username)).toEqual([pest.username]);
    expect((await t.api('GET', '/api/me/ignored', { as: reader })).json().ignored).toHaveLength(1);
    const undone = await t.api('DELETE', `/api/members/${pest.username}/ignore`, { as: reader });
    expect(undone.json().ignored).toEqual([]);
  });

  it('refuses to ignore the team, oneself, or nobody; visitors get 401', async () => {
    const staff = await t.api('PUT', `/api/members/${moderator.username}/ignore`, { as: reader });
    expect(staff.statusCode).toBe(422);
    expect(staff.json().error.code).toBe('ignore.staff');
    expect((await t.api('PUT', `/api/members/${reader.username}/ignore`, { as: reader })).statusCode).toBe(422);
    expect((await t.api('PUT', '/api/members/personne_ici/ignore', { as: reader })).statusCode).toBe(404);
    expect((await t.api('GET', '/api/me/ignored')).statusCode).toBe(401);
    expect((await t.api('PUT', `/api/members/${pest.username}/ignore`)).statusCode).toBe(401);
  });

  it('suppresses replies, mentions, likes and messages from an ignored member', async () => {
    const { thread, post } = await createThread(t.db, reader, category.id);
    await createReply(t.db, pest, thread.id, 'Première réponse avant d’être ignoré.');
    expect(await kinds(reader)).toContain('reply');
    await t.db.deleteFrom('notifications').where('member_id', '=', reader.id).execute();
    await t.api('PUT', `/api/members/${pest.username}/ignore`, { as: reader });
    await createReply(t.db, pest, thread.id, `Encore moi, @${reader.username} !`);
    expect((await t.api('POST', `/api/posts/${post.id}/reactions/like`, { as: pest })).statusCode).toBe(200);
    const message = await t.api('POST', '/api/conversations', {
      as: pest,
      body: { recipients: [reader.username], subject: 'Coucou', body: 'Tu me réponds ?' },
    });
    expect(message.statusCode).toBe(403);
    expect(message.json().error.code).toBe('message.recipient_refuses');
    expect(await kinds(reader)).toEqual([]);
    // Others still hear from them; the team still reaches the member who ignores.
    const other = await createMember(t.db, { trustLevel: 2 });
    const { thread: theirs } = await createThread(t.db, other, category.id);
    await createReply(t.db, pest, theirs.id, 'Bonjour à toi.');
    expect(await kinds(other)).toContain('reply');
    const fromStaff = await t.api('POST', '/api/conversations', {
      as: moderator,
      body: { recipients: [reader.username], subject: 'Un mot de l’équipe', body: 'Bonjour, un point rapide.' },
    });
    expect(fromStaff.statusCode).toBe(201);
    expect(await kinds(reader)).toEqual(['message']);
  });

  it('keeps an ignored member’s messages in a group conversation from notifying', async () => {
    const host = await createMember(t.db, { trustLevel: 2 });
    const quiet = await createMember(t.db, { trustLevel: 2 });
    const loud = await createMember(t.db, { trustLevel: 2 });
    await t.api('PUT', `/api/members/${loud.username}/ignore`, { as: quiet });
    const started = await t.api('POST', '/api/conversations', {
      as: host,
      body: { recipients: [quiet.username, loud.username], subject: 'Covoiturage', body: 'Qui vient samedi ?' },
    });
    expect(started.statusCode).toBe(201);
    const id = started.json().conversationId;
    await t.db.deleteFrom('notifications').where('member_id', 'in', [quiet.id, host.id]).execute();
    const sent = await t.api('POST', `/api/conversations/${id}/messages`, { as: loud, body: { body: 'Moi !' } });
    expect(sent.statusCode).toBe(201);
    expect(await kinds(quiet)).toEqual([]);
    expect(await kinds(host)).toEqual(['message']);
  });
});
