import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionIdFromToken } from '../../server/modules/auth/session.service.ts';
import { createCategory, createMember, PASSWORD } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';
import { startSmtp, type TestSmtp } from '../setup/smtp.ts';

let t: TestApp;
let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startSmtp();
  t = await createTestApp({
    SMTP_URL: smtp.url,
    MAIL_FROM: 'Agora <no-reply@forum.test>',
    PUBLIC_URL: 'http://forum.test:3000',
  });
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

const deliver = () => t.app.mailWorker.drain();
const NEW_PASSWORD = 'une toute nouvelle phrase secrète';
const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;
const cookieOf = (res: { headers: Record<string, unknown> }) => {
  const raw = res.headers['set-cookie'];
  return String(Array.isArray(raw) ? raw[0] : raw).split(';')[0]!;
};

describe('POST /api/auth/password/forgot', () => {
  it('answers 202 alike for an account and for nobody, and mails a reset link only to the account', async () => {
    const member = await createMember(t.db);
    const known = await t.api('POST', '/api/auth/password/forgot', { body: { login: member.username } });
    const unknown = await t.api('POST', '/api/auth/password/forgot', { body: { login: 'personne_ici' } });
    expect(known.statusCode).toBe(202);
    expect(unknown.statusCode).toBe(202);
    expect(unknown.body).toBe(known.body);
    await deliver();
    const mails = smtp.to(member.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toContain('mot de passe');
    const link = smtp.linkTo(member.email, '/reset-password');
    expect(link.startsWith('http://forum.test:3000/reset-password?token=')).toBe(true);
    expect(mails[0]!.html).toContain(link.replace(/&/g, '&amp;'));
    // Only the token's hash is stored.
    const tokens = await t.db.selectFrom('mail_tokens').select('id').where('member_id', '=', member.id).execute();
    expect(tokens.map((r) => r.id)).toEqual([sessionIdFromToken(tokenOf(link))]);
  });

  it('is refused (403) without a same-origin Origin header', async () => {
    const res = await t.api('POST', '/api/auth/password/forgot', {
      body: { login: 'x' },
      headers: { origin: 'https://evil.example' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('csrf.origin_mismatch');
  });

  it('limits the mails asked for one login (429 with Retry-After)', async () => {
    const member = await createMember(t.db);
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) {
      codes.push((await t.api('POST', '/api/auth/password/forgot', { body: { login: member.email } })).statusCode);
    }
    expect(codes).toEqual([202, 202, 202, 202, 202, 429]);
  });
});

describe('POST /api/auth/password/reset', () => {
  async function resetLink() {
    const member = await createMember(t.db);
    await t.api('POST', '/api/auth/password/forgot', { body: { login: member.email } });
    await deliver();
    return { member, token: tokenOf(smtp.linkTo(member.email, '/reset-password')) };
  }

  it('sets the password, ends every other session, signs this browser in, and works once', async () => {
    const { member, token } = await resetLink();
    const before = await t.loginAs(member);
    const res = await t.api('POST', '/api/auth/password/reset', { body: { token, password: NEW_PASSWORD } });
    expect(res.statusCode).toBe(200);
    expect(res.json().member.username).toBe(member.username);
    expect((await t.api('GET', '/api/me', { as: cookieOf(res) })).statusCode).toBe(200);
    expect((await t.api('GET', '/api/me', { as: before })).statusCode).toBe(401);
    const login = await t.api('POST', '/api/auth/login', { body: { login: member.username, password: NEW_PASSWORD } });
    expect(login.statusCode).toBe(200);
    const old = await t.api('POST', '/api/auth/login', { body: { login: member.username, password: PASSWORD } });
    expect(old.statusCode).toBe(401);

    const again = await t.api('POST', '/api/auth/password/reset', { body: { token, password: `${NEW_PASSWORD} 2` } });
    expect(again.statusCode).toBe(400);
    expect(again.json().error).toMatchObject({ code: 'token.invalid', details: { ask: '/forgot-password' } });
  });

  it('keeps the link usable when the new password is refused by the policy (422)', async () => {
    const { token } = await resetLink();
    const weak = await t.api('POST', '/api/auth/password/reset', { body: { token, password: 'motdepasse' } });
    expect(weak.statusCode).toBe(422);
    const ok = await t.api('POST', '/api/auth/password/reset', { body: { token, password: NEW_PASSWORD } });
    expect(ok.statusCode).toBe(200);
  });

  it('answers 400 token.expired after an hour, and token.invalid for an unknown token', async () => {
    const { member, token } = await resetLink();
    await t.db
      .updateTable('mail_tokens')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('member_id', '=', member.id)
      .execute();
    const expired = await t.api('POST', '/api/auth/password/reset', { body: { token, password: NEW_PASSWORD } });
    expect(expired.statusCode).toBe(400);
    expect(expired.json().error).toMatchObject({ code: 'token.expired', details: { ask: '/forgot-password' } });
    const unknown = await t.api('POST', '/api/auth/password/reset', {
      body: { token: 'a'.repeat(32), password: NEW_PASSWORD },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.code).toBe('token.invalid');
  });

  it('does not bring back an account anonymised since the link was sent', async () => {
    const { member, token } = await resetLink();
    const manager = await createMember(t.db, { role: 'community_manager' });
    const erased = await t.api('POST', `/api/manage/members/${member.id}/anonymise`, { as: manager });
    expect(erased.statusCode).toBe(200);
    const res = await t.api('POST', '/api/auth/password/reset', { body: { token, password: NEW_PASSWORD } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('token.invalid');
  });

  it('a newer reset link kills the older one', async () => {
    const { member, token } = await resetLink();
    await t.api('POST', '/api/auth/password/forgot', { body: { login: member.email } });
    const res = await t.api('POST', '/api/auth/password/reset', { body: { token, password: NEW_PASSWORD } });
    expect(res.json().error.code).toBe('token.invalid');
  });
});

describe('e-mail verification', () => {
  async function register(username: string) {
    const res = await t.api('POST', '/api/auth/register', {
      body: { username, email: `${username}@example.test`, password: 'un mot de passe', acceptNetiquette: true },
    });
    expect(res.statusCode).toBe(201);
    await deliver();
    return { cookie: cookieOf(res), email: `${username}@example.test`, me: res.json().member };
  }

  it('mails a confirmation link at sign-up; following it confirms the address', async () => {
    const { cookie, email, me } = await register('verif_one');
    expect(me.emailVerified).toBe(false);
    const link = smtp.linkTo(email, '/verify-email');
    const res = await t.api('POST', '/api/auth/email/verify', { body: { token: tokenOf(link) } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ purpose: 'email.verify', email });
    expect((await t.api('GET', '/api/me', { as: cookie })).json().member.emailVerified).toBe(true);
  });

  it('sends the link again on request, and answers 409 once the address is confirmed', async () => {
    const { cookie, email } = await register('verif_two');
    const resend = await t.api('POST', '/api/auth/email/verify/resend', { as: cookie });
    expect(resend.statusCode).toBe(202);
    await deliver();
    expect(smtp.to(email)).toHaveLength(2);
    // The first link died with the second.
    const first = tokenOf(smtp.to(email)[0]!.text.match(/https?:\/\/\S+verify-email\S+/)![0]);
    expect((await t.api('POST', '/api/auth/email/verify', { body: { token: first } })).statusCode).toBe(400);
    await t.api('POST', '/api/auth/email/verify', { body: { token: tokenOf(smtp.linkTo(email, '/verify-email')) } });
    const done = await t.api('POST', '/api/auth/email/verify/resend', { as: cookie });
    expect(done.statusCode).toBe(409);
  });

  it('refuses a resend to a visitor (401)', async () => {
    expect((await t.api('POST', '/api/auth/email/verify/resend')).statusCode).toBe(401);
  });

  it('when the community requires it, refuses posts from an unconfirmed member (403) until confirmed', async () => {
    const manager = await createMember(t.db, { role: 'community_manager' });
    const category = await createCategory(t.db);
    const set = await t.api('PUT', '/api/mail/settings', { as: manager, body: { verificationRequired: true } });
    expect(set.statusCode).toBe(200);
    try {
      const { cookie, email } = await register('verif_three');
      const body = {
        categoryId: category.id,
        title: 'Une première question',
        body: 'Bonjour à tous',
        kind: 'question',
      };
      const refused = await t.api('POST', '/api/threads', { as: cookie, body });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.code).toBe('email.unverified');
      await t.api('POST', '/api/auth/email/verify', { body: { token: tokenOf(smtp.linkTo(email, '/verify-email')) } });
      expect((await t.api('POST', '/api/threads', { as: cookie, body })).statusCode).toBe(201);
    } finally {
      await t.api('PUT', '/api/mail/settings', { as: manager, body: { verificationRequired: false } });
    }
  });
});

describe('mail settings and the outgoing mail', () => {
  it('refuses the settings to a member (403) and a visitor (401)', async () => {
    const member = await createMember(t.db);
    expect((await t.api('GET', '/api/mail/settings', { as: member })).statusCode).toBe(403);
    expect(
      (await t.api('PUT', '/api/mail/settings', { as: member, body: { verificationRequired: true } })).statusCode,
    ).toBe(403);
    expect((await t.api('GET', '/api/mail/settings')).statusCode).toBe(401);
  });

  it('shows the outgoing mail to administrators only (it holds live reset links)', async () => {
    const admin = await createMember(t.db, { role: 'admin' });
    const manager = await createMember(t.db, { role: 'community_manager' });
    expect((await t.api('GET', '/api/mail/outbox', { as: manager })).statusCode).toBe(403);
    const list = await t.api('GET', '/api/mail/outbox', { as: admin });
    expect(list.statusCode).toBe(200);
    expect(list.json().smtp).toBe(true);
    const first = list.json().mails[0];
    expect(first).toMatchObject({ status: 'sent' });
    const one = await t.api('GET', `/api/mail/outbox/${first.id}`, { as: admin });
    expect(one.json().text).toBeTypeOf('string');
    expect((await t.api('GET', `/api/mail/outbox/${first.id}`, { as: manager })).statusCode).toBe(403);
  });
});

describe('POST /api/me/password', () => {
  it('needs the current password (403), then ends the other sessions but this one, and tells the member', async () => {
    const member = await createMember(t.db);
    const here = await t.loginAs(member);
    const elsewhere = await t.api('POST', '/api/auth/login', { body: { login: member.username, password: PASSWORD } });
    const other = cookieOf(elsewhere);
    const wrong = await t.api('POST', '/api/me/password', {
      as: here,
      body: { current: 'pas le bon mot de passe', password: NEW_PASSWORD },
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error.code).toBe('auth.wrong_password');
    const ok = await t.api('POST', '/api/me/password', {
      as: here,
      body: { current: PASSWORD, password: NEW_PASSWORD },
    });
    expect(ok.statusCode).toBe(200);
    expect((await t.api('GET', '/api/me', { as: here })).statusCode).toBe(200);
    expect((await t.api('GET', '/api/me', { as: other })).statusCode).toBe(401);
    await deliver();
    expect(smtp.to(member.email).at(-1)!.subject).toContain('mot de passe');
  });

  it('applies the password policy (422) and refuses a visitor (401)', async () => {
    const member = await createMember(t.db);
    const weak = await t.api('POST', '/api/me/password', {
      as: member,
      body: { current: PASSWORD, password: 'azerty123' },
    });
    expect(weak.statusCode).toBe(422);
    expect(
      (await t.api('POST', '/api/me/password', { body: { current: PASSWORD, password: NEW_PASSWORD } })).statusCode,
    ).toBe(401);
  });
});

describe('POST /api/me/email', () => {
  it('changes the address only once confirmed from the new one, and tells the old one', async () => {
    const member = await createMember(t.db);
    const res = await t.api('POST', '/api/me/email', {
      as: member,
      body: { password: PASSWORD, email: 'nouvelle.adresse@example.test' },
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ pendingEmail: 'nouvelle.adresse@example.test' });
    expect((await t.api('GET', '/api/me', { as: member })).json().member.email).toBe(member.email);
    await deliver();
    const link = smtp.linkTo('nouvelle.adresse@example.test', '/verify-email');
    const confirm = await t.api('POST', '/api/auth/email/verify', { body: { token: tokenOf(link) } });
    expect(confirm.json()).toEqual({ purpose: 'email.change', email: 'nouvelle.adresse@example.test' });
    const me = (await t.api('GET', '/api/me', { as: member })).json().member;
    expect(me).toMatchObject({ email: 'nouvelle.adresse@example.test', emailVerified: true });
    await deliver();
    const notice = smtp.to(member.email).at(-1)!;
    expect(notice.text).toContain('nouvelle.adresse@example.test');
    expect(notice.subject).toMatch(/adresse e-mail .* a changé/);
  });

  it('answers 409 for an address another account uses, and 403 without the right password', async () => {
    const member = await createMember(t.db);
    const other = await createMember(t.db);
    const taken = await t.api('POST', '/api/me/email', {
      as: member,
      body: { password: PASSWORD, email: other.email },
    });
    expect(taken.statusCode).toBe(409);
    const wrong = await t.api('POST', '/api/me/email', {
      as: member,
      body: { password: 'pas le bon mot de passe', email: 'libre@example.test' },
    });
    expect(wrong.statusCode).toBe(403);
  });
});

// Last in the file: they use up this address's limits.
describe('limits on the account mails and tokens', () => {
  it('limits the confirmation links one member asks for (429)', async () => {
    const res = await t.api('POST', '/api/auth/register', {
      body: {
        username: 'limite_renvoi',
        email: 'limite@example.test',
        password: 'un mot de passe',
        acceptNetiquette: true,
      },
    });
    const cookie = cookieOf(res);
    const codes: number[] = [];
    for (let i = 0; i < 6; i++)
      codes.push((await t.api('POST', '/api/auth/email/verify/resend', { as: cookie })).statusCode);
    expect(codes).toEqual([202, 202, 202, 202, 202, 429]);
  });

  it('limits the tokens tried from one address (429 with Retry-After)', async () => {
    let refused: Awaited<ReturnType<TestApp['api']>> | undefined;
    for (let i = 0; i < 40 && !refused; i++) {
      const res = await t.api('POST', '/api/auth/email/verify', { body: { token: 'b'.repeat(32) } });
      if (res.statusCode === 429) refused = res;
      else expect(res.statusCode).toBe(400);
    }
    expect(refused?.headers['retry-after']).toBeDefined();
  });
});
