import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member } from '../../server/db/types.ts';
import { createMember } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';
import { startSmtp, type TestSmtp } from '../setup/smtp.ts';

/** Invitations (issue 19): links and e-mails, limits per trust level, invite-only registration, who invited whom. */
let t: TestApp;
let smtp: TestSmtp;
let admin: Member;
let member: Member;

beforeAll(async () => {
  smtp = await startSmtp();
  t = await createTestApp({
    SMTP_URL: smtp.url,
    MAIL_FROM: 'Agora <no-reply@forum.test>',
    PUBLIC_URL: 'http://forum.test:3000',
  });
  admin = await createMember(t.db, { role: 'admin' });
  member = await createMember(t.db, { trustLevel: 2 });
  expect((await t.api('PUT', '/api/admin/settings', { as: admin, body: { registration: 'invite' } })).statusCode).toBe(
    200,
  );
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

const invite = (as: Member, body: Record<string, unknown> = {}) => t.api('POST', '/api/invitations', { as, body });
const tokenOf = (url: string) => new URL(url).searchParams.get('invitation')!;
let seq = 0;
const register = (invitation?: string, email?: string) => {
  seq++;
  return t.api('POST', '/api/auth/register', {
    body: {
      username: `invitee_${Date.now()}x${seq}`,
      email: email ?? `invitee_${Date.now()}x${seq}@example.test`,
      password: 'une phrase de passe solide',
      acceptNetiquette: true,
      ...(invitation && { invitation }),
    },
  });
};

describe('InvitationsService', () => {
  it('registers through a link when registration is by invitation only, and records who invited whom', async () => {
    expect((await register()).json().error.code).toBe('registration.invite_only');
    const created = await invite(member, { maxUses: 2 });
    expect(created.statusCode).toBe(201);
    const token = tokenOf(created.json().url);
    expect(created.json().url).toMatch(/^http:\/\/forum\.test:3000\/register\?invitation=/);
    expect((await t.api('GET', `/api/invitations/check?token=${token}`)).json().inviter.username).toBe(member.username);
    const first = await register(token);
    expect(first.statusCode).toBe(201);
    const joined = await t.db
      .selectFrom('members')
      .select(['invited_by_id'])
      .where('username', '=', first.json().member.username)
      .executeTakeFirstOrThrow();
    expect(joined.invited_by_id).toBe(member.id);
    expect((await register(token)).statusCode).toBe(201);
    // Used up: a third registration is refused, and the link says so.
    const third = await register(token);
    expect(third.statusCode).toBe(422);
    expect(third.json().error.code).toBe('invitation.invalid');
    expect((await t.api('GET', `/api/invitations/check?token=${token}`)).statusCode).toBe(410);
    const mine = (await t.api('GET', '/api/invitations', { as: member })).json();
    const row = mine.invitations.find((i: { id: number }) => i.id === created.json().id);
    expect(row).toMatchObject({ uses: 2, maxUses: 2, state: 'used' });
    expect(row.joined).toHaveLength(2);
  });

  it('sends an invitation by e-mail through the outbox, for that address only', async () => {
    const email = `ami_${Date.now()}@example.test`;
    const created = await invite(member, { email, maxUses: 5 });
    expect(created.json()).toMatchObject({ maxUses: 1, email });
    await t.app.mailWorker.drain();
    const mail = smtp.to(email).at(-1)!;
    expect(mail.subject).toContain(member.display_name || member.username);
    expect(mail.subject).toContain('vous invite');
    const link = smtp.linkTo(email, '/register');
    expect((await register(tokenOf(link), `autre_${Date.now()}@example.test`)).json().error.code).toBe(
      'invitation.email_mismatch',
    );
    expect((await register(tokenOf(link), email)).statusCode).toBe(201);
  });

  it('limits invitations per trust level: none at level 0, two a day at level 1', async () => {
    const newcomer = await createMember(t.db, { trustLevel: 0 });
    const refused = await invite(newcomer);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('invitation.trust_level');
    const basic = await createMember(t.db, { trustLevel: 1 });
    expect((await invite(basic)).statusCode).toBe(201);
    expect((await invite(basic)).statusCode).toBe(201);
    const third = await invite(basic);
    expect(third.statusCode).toBe(429);
    expect(third.json().error.details.limit).toBe(2);
    expect((await t.api('GET', '/api/invitations', { as: basic })).json().allowance).toEqual({ perDay: 2, left: 0 });
    expect((await invite(admin)).statusCode).toBe(201);
  });

  it('refuses bad input and visitors', async () => {
    expect((await t.api('POST', '/api/invitations', { body: {} })).statusCode).toBe(401);
    expect((await invite(member, { maxUses: 0 })).statusCode).toBe(422);
    expect((await invite(member, { expiresInDays: 90 })).statusCode).toBe(422);
    expect((await invite(member, { email: 'pas une adresse' })).statusCode).toBe(422);
    expect((await t.api('GET', '/api/invitations/check?token=inconnu')).statusCode).toBe(422);
    expect((await t.api('GET', '/api/invitations/check')).statusCode).toBe(400);
    expect((await register('inconnu')).json().error.code).toBe('invitation.invalid');
  });

  it('lets admins see and revoke every invitation, audited; a member only their own', async () => {
    const created = (await invite(member)).json();
    const other = await createMember(t.db, { trustLevel: 2 });
    expect((await t.api('DELETE', `/api/invitations/${created.id}`, { as: other })).statusCode).toBe(404);
    expect((await t.api('GET', '/api/admin/invitations', { as: member })).statusCode).toBe(403);
    const all = (await t.api('GET', '/api/admin/invitations', { as: admin })).json();
    expect(all.invitations.find((i: { id: number }) => i.id === created.id).inviter).toBe(member.username);
    expect((await t.api('DELETE', `/api/invitations/${created.id}`, { as: admin })).statusCode).toBe(200);
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['actor_id'])
      .where('action', '=', 'invitation.revoke')
      .where('subject_id', '=', String(created.id))
      .execute();
    expect(audit).toEqual([{ actor_id: admin.id }]);
    expect((await register(tokenOf(created.url))).json().error.code).toBe('invitation.invalid');
  });

  it('does not open a closed registration', async () => {
    const created = (await invite(member)).json();
    await t.api('PUT', '/api/admin/settings', { as: admin, body: { registration: 'closed' } });
    try {
      expect((await register(tokenOf(created.url))).json().error.code).toBe('registration.closed');
    } finally {
      await t.api('PUT', '/api/admin/settings', { as: admin, body: { registration: 'invite' } });
    }
  });
});
