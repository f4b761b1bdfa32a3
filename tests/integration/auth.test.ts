import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionIdFromToken } from '../../server/modules/auth/session.service.ts';
import { createMember, PASSWORD } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const cookieOf = (res: { headers: Record<string, unknown> }) => {
  const raw = res.headers['set-cookie'];
  const line = Array.isArray(raw) ? raw[0] : String(raw ?? '');
  return line as string;
};

describe('POST /api/auth/register', () => {
  it('creates the member, signs them in with an httpOnly SameSite cookie, and answers 201', async () => {
    const res = await t.api('POST', '/api/auth/register', {
      body: { username: 'Hélène_R', email: 'helene@example.test', password: 'un mot de passe', acceptNetiquette: true },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().member).toMatchObject({ username: 'Hélène_R', role: 'member', email: 'helene@example.test' });
    const cookie = cookieOf(res);
    expect(cookie).toMatch(/^agora_session=[a-z2-7]{32};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    const me = await t.api('GET', '/api/me', { as: cookie.split(';')[0] });
    expect(me.json().member.username).toBe('Hélène_R');
  });

  it('stores only the SHA-256 of the session token, and an argon2id password hash', async () => {
    const res = await t.api('POST', '/api/auth/register', {
      body: { username: 'hash_check', email: 'hash@example.test', password: 'un mot de passe', acceptNetiquette: true },
    });
    const token = cookieOf(res).split(';')[0]!.split('=')[1]!;
    const sessions = await t.db.selectFrom('sessions').select('id').execute();
    expect(sessions.map((s) => s.id)).toContain(sessionIdFromToken(token));
    expect(sessions.map((s) => s.id)).not.toContain(token);
    const member = await t.db
      .selectFrom('members')
      .select('password_hash')
      .where('username', '=', 'hash_check')
      .executeTakeFirstOrThrow();
    expect(member.password_hash.startsWith('$argon2id$')).toBe(true);
  });

  it('answers 409 for a username or e-mail already taken, whatever the case', async () => {
    await createMember(t.db, { username: 'taken_name', email: 'taken@example.test' });
    const name = await t.api('POST', '/api/auth/register', {
      body: {
        username: 'TAKEN_name',
        email: 'other@example.test',
        password: 'un mot de passe',
        acceptNetiquette: true,
      },
    });
    expect(name.statusCode).toBe(409);
    expect(name.json().error.code).toBe('username.taken');
    const email = await t.api('POST', '/api/auth/register', {
      body: {
        username: 'fresh_name',
        email: 'TAKEN@example.test',
        password: 'un mot de passe',
        acceptNetiquette: true,
      },
    });
    expect(email.statusCode).toBe(409);
    expect(email.json().error.code).toBe('email.taken');
  });

  it.each([
    ['the netiquette not accepted', { acceptNetiquette: false }, 'netiquette.not_accepted'],
    ['a username with spaces', { username: 'a b c' }, 'username.invalid'],
    ['a two-letter username', { username: 'ab' }, 'username.invalid'],
    ['an invalid e-mail', { email: 'pas-un-email' }, 'email.invalid'],
    ['a short password', { password: 'court' }, 'password.too_short'],
    ['a password equal to the username', { password: 'samesame1', username: 'samesame1' }, 'password.guessable'],
  ])('answers 422 for %s', async (_label, patch, code) => {
    const res = await t.api('POST', '/api/auth/register', {
      body: {
        username: 'valid_user',
        email: 'valid@example.test',
        password: 'un mot de passe',
        acceptNetiquette: true,
        ...patch,
      },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe(code);
  });
});

describe('POST /api/auth/login and logout', () => {
  it('signs in with the username or the e-mail address', async () => {
    const member = await createMember(t.db);
    for (const login of [member.username, member.email.toUpperCase()]) {
      const res = await t.api('POST', '/api/auth/login', { body: { login, password: PASSWORD } });
      expect(res.statusCode).toBe(200);
      expect(res.json().member.id).toBe(member.id);
    }
  });

  it('answers 401 with one message for an unknown login and a wrong password', async () => {
    const member = await createMember(t.db);
    const wrong = await t.api('POST', '/api/auth/login', { body: { login: member.username, password: 'nope nope' } });
    const unknown = await t.api('POST', '/api/auth/login', { body: { login: 'nobody_here', password: 'nope nope' } });
    expect([wrong.statusCode, unknown.statusCode]).toEqual([401, 401]);
    expect(wrong.json().error).toEqual(unknown.json().error);
  });

  it('logout ends the session: the same cookie is anonymous afterwards', async () => {
    const member = await createMember(t.db);
    const login = await t.api('POST', '/api/auth/login', { body: { login: member.username, password: PASSWORD } });
    const cookie = cookieOf(login).split(';')[0]!;
    expect((await t.api('GET', '/api/me', { as: cookie })).statusCode).toBe(200);
    const out = await t.api('POST', '/api/auth/logout', { as: cookie });
    expect(out.statusCode).toBe(200);
    expect((await t.api('GET', '/api/me', { as: cookie })).statusCode).toBe(401);
  });

  it('slides the expiry forward when a session is used in its last 15 days', async () => {
    const member = await createMember(t.db);
    const cookie = await t.loginAs(member);
    const soon = new Date(Date.now() + 10 * 86_400_000);
    await t.db.updateTable('sessions').set({ expires_at: soon }).where('member_id', '=', member.id).execute();
    const res = await t.api('GET', '/api/me', { as: cookie });
    expect(res.statusCode).toBe(200);
    expect(cookieOf(res)).toContain('agora_session=');
    const row = await t.db
      .selectFrom('sessions')
      .select('expires_at')
      .where('member_id', '=', member.id)
      .executeTakeFirstOrThrow();
    expect(row.expires_at.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
  });

  it('refuses an expired session and deletes it', async () => {
    const member = await createMember(t.db);
    const cookie = await t.loginAs(member);
    await t.db
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('member_id', '=', member.id)
      .execute();
    expect((await t.api('GET', '/api/me', { as: cookie })).statusCode).toBe(401);
    const left = await t.db.selectFrom('sessions').select('id').where('member_id', '=', member.id).execute();
    expect(left).toHaveLength(0);
  });
});

describe('Origin check on state-changing requests', () => {
  it('refuses a POST without Origin with 403', async () => {
    const member = await createMember(t.db);
    const res = await t.api('POST', '/api/auth/logout', { as: member, headers: { origin: '' } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('csrf.origin_missing');
  });

  it('refuses a POST from another site with 403', async () => {
    const res = await t.api('POST', '/api/auth/login', {
      body: { login: 'x', password: 'y' },
      headers: { origin: 'https://evil.example' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('csrf.origin_mismatch');
  });

  it('lets GET requests through without Origin', async () => {
    expect((await t.api('GET', '/api/categories')).statusCode).toBe(200);
  });
});

describe('login rate limit', () => {
  it('answers 429 with Retry-After after too many attempts on one login', async () => {
    const limited = await createTestApp({ RATE_LIMIT_LOGIN: '3' });
    try {
      const codes = [];
      for (let i = 0; i < 4; i++) {
        const res = await limited.api('POST', '/api/auth/login', { body: { login: 'victim', password: `guess ${i}` } });
        codes.push(res.statusCode);
        if (i === 3) {
          expect(res.headers['retry-after']).toBeDefined();
          expect(res.json().error.code).toBe('rate_limited');
        }
      }
      expect(codes).toEqual([401, 401, 401, 429]);
    } finally {
      await limited.close();
    }
  });
});
